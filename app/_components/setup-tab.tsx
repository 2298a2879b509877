'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { messageOf } from '@/lib/api/errors';
import { startGenerationMutation } from '@/lib/client/generation-mutations';
import { parseNameList as parseNames, parseNumberList, randomSeeds } from '@/lib/client/lists';
import { comfyStatusQuery } from '@/lib/client/queries';
import { sessionPath } from '@/lib/client/routes';
import { conflictOf, draftOf } from '@/lib/client/store';
import type { ComfyStatus } from '@/lib/comfy/status';
import { fieldMessages } from '@/lib/api/errors';
import { ReadySetupSchema, type PromptPair, type Setup } from '@/lib/sessions/schema';
import { applyPreset, decisionNote, estimateSeconds, imageCount, PRESETS, promptsMissing, type PresetId } from '@/lib/setup/presets';
import { LoraFilesField } from './lora-files-field';
import { LoraMetadata } from './lora-metadata';
import { PromptGenerator } from './prompt-generator';
import { useOpenSession } from './session-context';
import { useSaveSetup } from './use-save-setup';
import { useWorkbench, useWorkbenchStore } from './workbench-provider';
import { WorkflowField } from './workflow-field';

/**
 * A text input for a list (strengths, seeds, metrics) that writes into Setup only when the text parses, and says why
 * not. Text that no longer matches Setup (random seeds drawn, another session loaded) gives way to Setup's values.
 */
function ListField<T extends string | number>(props: {
  label: string;
  values: T[];
  parse: (text: string) => { ok: true; values: T[] } | { ok: false; error: string };
  disabled: boolean;
  hint: string;
  /** Why Setup cannot start yet, for this field (from ReadySetupSchema). */
  issue?: string;
  onChange: (values: T[]) => void;
}) {
  const [text, setText] = useState(props.values.join(', '));
  const parsed = props.parse(text);
  const inSync = !parsed.ok || parsed.values.join('\u0000') === props.values.join('\u0000');
  const shown = inSync ? text : props.values.join(', ');
  const error = parsed.ok || !inSync ? null : parsed.error;
  const id = `list-${props.label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        value={shown}
        disabled={props.disabled}
        aria-invalid={error !== null}
        onChange={(e) => {
          setText(e.target.value);
          const next = props.parse(e.target.value);
          if (next.ok) props.onChange(next.values);
        }}
      />
      <div className={error || props.issue ? 'field-error' : 'hint'}>{error ?? props.issue ?? props.hint}</div>
    </div>
  );
}

/** Strengths are kept in ascending order, as the grid's columns and the report's x axis read. */
const parseStrengths = (text: string) => {
  const parsed = parseNumberList(text);
  return parsed.ok ? { ok: true as const, values: [...parsed.values].sort((a, b) => a - b) } : parsed;
};
const parseSeeds = (text: string) => parseNumberList(text, { integers: true });

/** A dropdown of the server's model files; a saved choice the server no longer lists stays selectable. */
function FileSelect(props: {
  id: string;
  label: string;
  placeholder: string;
  files: string[];
  value: string;
  disabled: boolean;
  issue?: string;
  onChange: (file: string) => void;
}) {
  const files = props.value && !props.files.includes(props.value) ? [props.value, ...props.files] : props.files;
  return (
    <div className="field grow">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.placeholder}</option>
        {files.map((f) => (
          <option key={f}>{f}</option>
        ))}
      </select>
      {props.issue && <div className="field-error">{props.issue}</div>}
    </div>
  );
}

/** What the status light shows when the probe itself failed (the app's server did not answer). */
const unreachable = (url: string, error: unknown): ComfyStatus => ({
  url,
  simulated: false,
  reachable: false,
  gpu: null,
  cpu: false,
  vram_free: null,
  error: messageOf(error),
  checkpoints: [],
  loras: [],
  samplers: [],
  schedulers: [],
});

function ComfyField(props: {
  setup: Setup;
  disabled: boolean;
  onChange: (s: Setup) => void;
  status: ComfyStatus | null;
  checking: boolean;
  /** Probes the server(s) at this URL (again). */
  check: (url: string) => void;
  issues: Map<string, string>;
}) {
  const { setup, disabled, onChange, status, checking, check, issues } = props;
  const light = checking ? 'checking' : status?.reachable ? 'ok' : 'down';
  return (
    <fieldset>
      <legend>ComfyUI</legend>
      <div className="row">
        <div className="field grow">
          <label htmlFor="comfy-url">Server URL(s)</label>
          <input
            id="comfy-url"
            value={setup.comfyui_url}
            disabled={disabled}
            onChange={(e) => onChange({ ...setup, comfyui_url: e.target.value })}
            onBlur={() => check(setup.comfyui_url)}
          />
          <div className="hint">several servers: comma-separated; generation spreads over every healthy one</div>
        </div>
        <button onClick={() => check(setup.comfyui_url)} disabled={checking}>
          Check
        </button>
      </div>
      <div className="status-line" data-testid="comfy-status">
        <span className={`light ${light}`} aria-hidden />
        {checking
          ? 'Checking…'
          : status?.reachable
            ? `Connected${status.simulated ? ' (built-in simulator)' : ''} · ${
                status.cpu ? 'CPU (no GPU: images render slowly)' : `GPU: ${status.gpu ?? 'unknown'}`
              }${status.vram_free === null ? '' : ` · ${(status.vram_free / 1024 ** 3).toFixed(1)} GiB VRAM free`}`
            : `Not reachable: ${status?.error ?? 'unknown error'}`}
      </div>
      <div className="row">
        <FileSelect
          id="checkpoint"
          label="Checkpoint"
          placeholder="Choose a checkpoint…"
          files={status?.checkpoints ?? []}
          value={setup.checkpoint}
          disabled={disabled}
          issue={issues.get('checkpoint')}
          onChange={(checkpoint) => onChange({ ...setup, checkpoint })}
        />
        <FileSelect
          id="lora"
          label="LoRA file"
          placeholder="Choose a LoRA…"
          files={status?.loras ?? []}
          value={setup.lora_filename}
          disabled={disabled}
          issue={issues.get('lora_filename')}
          onChange={(lora_filename) => onChange({ ...setup, lora_filename, lora_files: [] })}
        />
        <div className="field grow">
          <label htmlFor="trigger">Trigger words</label>
          <input
            id="trigger"
            value={setup.trigger_words}
            disabled={disabled}
            placeholder="e.g. mystyle"
            onChange={(e) => onChange({ ...setup, trigger_words: e.target.value })}
          />
        </div>
      </div>
      <LoraFilesField setup={setup} loras={status?.loras ?? []} disabled={disabled} onChange={onChange} />
    </fieldset>
  );
}

function PromptsField({ setup, disabled, onChange }: { setup: Setup; disabled: boolean; onChange: (s: Setup) => void }) {
  const update = (i: number, patch: Partial<PromptPair>) =>
    onChange({ ...setup, prompt_pairs: setup.prompt_pairs.map((p, j) => (i === j ? { ...p, ...patch } : p)) });
  return (
    <fieldset>
      <legend>Prompts</legend>
      {setup.prompt_pairs.length === 0 && <p className="muted">No prompts yet.</p>}
      {setup.prompt_pairs.map((p, i) => (
        <div className="prompt" key={i}>
          <div className="field grow">
            <label htmlFor={`positive-${i}`}>Prompt {i + 1} positive</label>
            <textarea
              id={`positive-${i}`}
              rows={2}
              value={p.positive}
              disabled={disabled}
              onChange={(e) => update(i, { positive: e.target.value })}
            />
          </div>
          <div className="field grow">
            <label htmlFor={`negative-${i}`}>Prompt {i + 1} negative</label>
            <input id={`negative-${i}`} value={p.negative} disabled={disabled} onChange={(e) => update(i, { negative: e.target.value })} />
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={p.append_trigger}
              disabled={disabled}
              onChange={(e) => update(i, { append_trigger: e.target.checked })}
            />
            Append trigger words
          </label>
          <button
            className="link"
            disabled={disabled}
            onClick={() => onChange({ ...setup, prompt_pairs: setup.prompt_pairs.filter((_, j) => j !== i) })}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        disabled={disabled}
        onClick={() => onChange({ ...setup, prompt_pairs: [...setup.prompt_pairs, { positive: '', negative: '', append_trigger: true }] })}
      >
        Add prompt
      </button>
    </fieldset>
  );
}

function SamplerField(props: { setup: Setup; disabled: boolean; onChange: (s: Setup) => void; samplers: string[]; schedulers: string[] }) {
  const { setup, disabled, onChange } = props;
  const num = (key: 'steps' | 'cfg' | 'width' | 'height', label: string, step = 1) => (
    <div className="field">
      <label htmlFor={`sampler-${key}`}>{label}</label>
      <input
        id={`sampler-${key}`}
        type="number"
        step={step}
        value={setup.sampler[key]}
        disabled={disabled}
        onChange={(e) => onChange({ ...setup, sampler: { ...setup.sampler, [key]: Number(e.target.value) } })}
      />
    </div>
  );
  // Choices from the server's `GET /object_info/KSampler`; the saved value stays selectable when the list lacks it.
  const choice = (key: 'sampler_name' | 'scheduler', label: string, list: string[]) => (
    <div className="field">
      <label htmlFor={`sampler-${key}`}>{label}</label>
      <select
        id={`sampler-${key}`}
        value={setup.sampler[key]}
        disabled={disabled}
        onChange={(e) => onChange({ ...setup, sampler: { ...setup.sampler, [key]: e.target.value } })}
      >
        {(list.includes(setup.sampler[key]) ? list : [setup.sampler[key], ...list]).map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    </div>
  );
  return (
    <fieldset>
      <legend>Sampler (KSampler)</legend>
      <div className="row">
        {num('steps', 'Steps')}
        {num('cfg', 'CFG', 0.5)}
        {choice('sampler_name', 'Sampler', props.samplers)}
        {choice('scheduler', 'Scheduler', props.schedulers)}
        {num('width', 'Width', 8)}
        {num('height', 'Height', 8)}
      </div>
    </fieldset>
  );
}

/** A duration in seconds as "40 s", "12 min" or "2.5 h". */
function formatEstimate(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Step 1: ComfyUI server, model files, strengths, seeds, prompts, metrics and sampler settings. */
export function SetupTab() {
  const session = useOpenSession();
  const id = session.session_id;
  const store = useWorkbenchStore();
  const router = useRouter();
  const draft = useWorkbench(draftOf(id));
  const conflict = useWorkbench(conflictOf(id));
  const save = useSaveSetup();
  const start = useMutation(startGenerationMutation());
  const setup = draft?.setup ?? session.step_1_setup;
  const editSetup = (next: Setup) => store.getState().editSetup(id, session.revision, next);
  const locked = session.step_2_generation.generation_started;
  const [randomCount, setRandomCount] = useState(2);
  // The server the status light, the model lists and the LoRA metadata come from: checked on mount and on demand
  // (blur, Check), not on every keystroke.
  const [checkedUrl, setCheckedUrl] = useState(setup.comfyui_url);
  const probe = useQuery(comfyStatusQuery(checkedUrl));
  const status = probe.data ?? (probe.error ? unreachable(checkedUrl, probe.error) : null);
  const check = (url: string) => (url === checkedUrl ? void probe.refetch() : setCheckedUrl(url));
  const startGeneration = async () => {
    if (await save()) start.mutate(id, { onSuccess: () => router.push(sessionPath(id, 2)) });
  };
  const images = imageCount(setup);
  const [preset, setPreset] = useState<PresetId | null>(null);
  // The same zod schema the server checks at Start, so messages appear next to the fields before any request.
  const ready = ReadySetupSchema.safeParse(setup);
  const issues = new Map(Object.entries(ready.error ? fieldMessages(ready.error) : {}));

  return (
    <div className="setup">
      {locked && <p className="banner info">Generation has started, so Setup is read-only for this session.</p>}
      <ComfyField
        setup={setup}
        disabled={locked}
        onChange={editSetup}
        status={status}
        checking={probe.isFetching}
        check={check}
        issues={issues}
      />
      {setup.lora_filename && (
        <LoraMetadata
          url={checkedUrl}
          lora={setup.lora_filename}
          checkpoint={setup.checkpoint}
          disabled={locked}
          onUseTriggers={(trigger_words) => editSetup({ ...setup, trigger_words })}
        />
      )}
      <WorkflowField value={setup.workflow} disabled={locked} onChange={(workflow) => editSetup({ ...setup, workflow })} />
      <fieldset>
        <legend>Grid</legend>
        <div className="row presets" role="group" aria-label="Presets">
          {(Object.keys(PRESETS) as PresetId[]).map((id) => (
            <button
              key={id}
              disabled={locked}
              aria-pressed={preset === id}
              className={preset === id ? 'chosen' : ''}
              title={`${PRESETS[id].prompts} prompts, ${PRESETS[id].seeds} seeds, strengths ${PRESETS[id].strengths.join(', ')}`}
              onClick={() => {
                setPreset(id);
                editSetup(applyPreset(setup, id, randomSeeds));
              }}
            >
              {PRESETS[id].label}
            </button>
          ))}
          {preset && promptsMissing(setup, preset) > 0 && (
            <span className="hint">
              {PRESETS[preset].label} wants {promptsMissing(setup, preset)} more prompt(s): write or generate them below.
            </span>
          )}
        </div>
        <div className="row">
          <ListField
            label="LoRA strengths"
            values={setup.weight_range}
            parse={parseStrengths}
            issue={issues.get('weight_range')}
            disabled={locked}
            hint="strength_model = strength_clip; 0 adds a placebo control"
            onChange={(weight_range) => editSetup({ ...setup, weight_range })}
          />
          <ListField
            label="Seeds"
            values={setup.seeds}
            parse={parseSeeds}
            issue={issues.get('seeds')}
            disabled={locked}
            hint="every strength of a prompt uses the same seeds"
            onChange={(seeds) => editSetup({ ...setup, seeds })}
          />
          <div className="field">
            <label htmlFor="random-count">Random seeds</label>
            <div className="row tight">
              <input
                id="random-count"
                type="number"
                min={1}
                max={100}
                value={randomCount}
                disabled={locked}
                onChange={(e) => setRandomCount(Math.max(1, Math.min(100, Number(e.target.value) || 1)))}
              />
              <button disabled={locked} onClick={() => editSetup({ ...setup, seeds: randomSeeds(randomCount) })}>
                Draw
              </button>
            </div>
          </div>
        </div>
        <ListField
          label="Metrics"
          values={setup.metrics}
          parse={parseNames}
          issue={issues.get('metrics')}
          disabled={locked}
          hint="comma-separated; each pair is judged on every metric"
          onChange={(metrics) => editSetup({ ...setup, metrics })}
        />
      </fieldset>
      <fieldset>
        <legend>Evaluation</legend>
        <div className="row">
          <div className="field">
            <label htmlFor="pair-design">Pairs</label>
            <select
              id="pair-design"
              value={setup.design}
              disabled={locked}
              onChange={(e) => editSetup({ ...setup, design: e.target.value === 'direct' ? 'direct' : 'balanced' })}
            >
              <option value="balanced">Balanced: every picture shown equally often (baseline and strengths in a cycle)</option>
              <option value="direct">Direct: the baseline against each strength (the baseline recurs, so a rater can spot it)</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="repeat-share">Repeated pairs (self-consistency)</label>
            <select
              id="repeat-share"
              value={setup.repeat_share}
              disabled={locked}
              onChange={(e) => editSetup({ ...setup, repeat_share: Number(e.target.value) })}
            >
              {[0, 0.05, 0.1, 0.2].map((v) => (
                <option key={v} value={v}>
                  {v === 0 ? 'none' : `${v * 100}% of pairs, sides swapped`}
                </option>
              ))}
            </select>
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={setup.adaptive}
              disabled={locked}
              onChange={(e) => editSetup({ ...setup, adaptive: e.target.checked })}
            />
            Adaptive order: judge first where the answer is least certain
          </label>
          <label className="check" title="The Generation tab then shows progress but no images until you have rated">
            <input
              type="checkbox"
              checked={setup.owner_rates}
              disabled={locked}
              onChange={(e) => editSetup({ ...setup, owner_rates: e.target.checked })}
            />
            I will rate this myself (hide the images until I have rated)
          </label>
        </div>
      </fieldset>
      <PromptsField setup={setup} disabled={locked} onChange={editSetup} />
      {!locked && (
        <PromptGenerator
          triggerWords={setup.trigger_words}
          disabled={locked}
          onUse={(prompts) =>
            editSetup({ ...setup, prompt_pairs: prompts.map((p) => ({ ...p, append_trigger: Boolean(setup.trigger_words.trim()) })) })
          }
          onUseMetrics={(metrics) => editSetup({ ...setup, metrics })}
        />
      )}
      {!locked && issues.get('prompt_pairs') && <div className="field-error">Prompts: {issues.get('prompt_pairs')}</div>}
      {/* A workflow keeps its own sampler settings. */}
      {!setup.workflow && (
        <SamplerField
          setup={setup}
          disabled={locked}
          onChange={editSetup}
          samplers={status?.samplers ?? []}
          schedulers={status?.schedulers ?? []}
        />
      )}
      {!locked && issues.get('sampler') && <div className="field-error">Sampler: {issues.get('sampler')}</div>}
      {!locked && (
        <div className="actions">
          <span className="muted" data-testid="plan-summary">
            {setup.prompt_pairs.length} prompts × {setup.seeds.length} seeds × (baseline + {setup.weight_range.length} strengths
            {setup.lora_files.length ? ` × ${setup.lora_files.length} files` : ''}) = {images} images · about{' '}
            {formatEstimate(estimateSeconds(setup))} of GPU time
            {decisionNote(setup) && <span data-testid="decision-note"> · {decisionNote(setup)}</span>}
          </span>
          <button
            className="primary"
            onClick={() => void startGeneration()}
            disabled={images === 0 || !ready.success || conflict || start.isPending}
          >
            Save and start generation
          </button>
        </div>
      )}
    </div>
  );
}
