'use client';

import { messageOf } from '@/lib/api/errors';
import type { ComfyStatus } from '@/lib/comfy/status';
import type { Setup } from '@/lib/sessions/schema';
import { FieldMessage } from './field-message';
import { LoraFilesField } from './lora-files-field';
import { useFieldIssue } from './use-setup-validation';

// Setup's ComfyUI part (setup-tab.tsx): which server, its status light, and the model files it offers.

/** A dropdown of the server's model files; a saved choice the server no longer lists stays selectable. */
function FileSelect(props: {
  id: string;
  label: string;
  placeholder: string;
  files: string[];
  value: string;
  disabled: boolean;
  /** The Setup field it sets (for its message: lib/setup/issues.ts). */
  field: string;
  onChange: (file: string) => void;
}) {
  const { issue, touch } = useFieldIssue();
  const message = issue(props.field);
  const files = props.value && !props.files.includes(props.value) ? [props.value, ...props.files] : props.files;
  return (
    <div className="field grow">
      <label htmlFor={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={message !== undefined}
        aria-describedby={message ? `${props.id}-error` : undefined}
        onBlur={() => touch(props.field)}
        onChange={(e) => {
          touch(props.field);
          props.onChange(e.target.value);
        }}
      >
        <option value="">{props.placeholder}</option>
        {files.map((f) => (
          <option key={f}>{f}</option>
        ))}
      </select>
      <FieldMessage id={`${props.id}-error`} error={message} />
    </div>
  );
}

/** What the status light shows when the probe itself failed (the app's server did not answer). */
export const unreachable = (url: string, error: unknown): ComfyStatus => ({
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

/** The ComfyUI fieldset: server URL(s) with the status light, checkpoint, LoRA file and trigger words. */
export function ComfyField(props: {
  setup: Setup;
  disabled: boolean;
  onChange: (s: Setup) => void;
  status: ComfyStatus | null;
  checking: boolean;
  /** Probes the server(s) at this URL (again). */
  check: (url: string) => void;
  /** Whether only the URL may change (a started session pointed at another server). */
  urlOnly: boolean;
}) {
  const { setup, disabled, onChange, status, checking, check, urlOnly } = props;
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
            aria-describedby="comfy-url-hint comfy-status"
            onChange={(e) => onChange({ ...setup, comfyui_url: e.target.value })}
            onBlur={() => check(setup.comfyui_url)}
          />
          <div className="hint" id="comfy-url-hint">
            several servers: comma-separated; generation spreads over every healthy one
          </div>
        </div>
        <button onClick={() => check(setup.comfyui_url)} disabled={checking}>
          Check server
        </button>
      </div>
      <div className="status-line" data-testid="comfy-status" id="comfy-status" role="status">
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
          disabled={disabled || urlOnly}
          field="checkpoint"
          onChange={(checkpoint) => onChange({ ...setup, checkpoint })}
        />
        <FileSelect
          id="lora"
          label="LoRA file"
          placeholder="Choose a LoRA…"
          files={status?.loras ?? []}
          value={setup.lora_filename}
          disabled={disabled || urlOnly}
          field="lora_filename"
          onChange={(lora_filename) => onChange({ ...setup, lora_filename, lora_files: [], lora_strengths: {} })}
        />
        <div className="field grow">
          <label htmlFor="trigger">Trigger words</label>
          <input
            id="trigger"
            value={setup.trigger_words}
            disabled={disabled || urlOnly}
            placeholder="e.g. mystyle"
            onChange={(e) => onChange({ ...setup, trigger_words: e.target.value })}
          />
        </div>
      </div>
      <LoraFilesField setup={setup} loras={status?.loras ?? []} disabled={disabled || urlOnly} onChange={onChange} />
    </fieldset>
  );
}
