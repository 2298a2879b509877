'use client';

import { type CustomWorkflow, type ApiGraph } from '@/lib/comfy/graph-schema';
import { useId, useMemo, useState } from 'react';
import {
  detectMapping,
  MAPPING_ROLES,
  mappingFromNodes,
  mappingNodes,
  parseWorkflowJson,
  REQUIRED_ROLES,
  ROLE_LABELS,
  type MappingDetection,
  type MappingNodes,
  type MappingRole,
} from '@/lib/comfy/custom-workflow';
import { TEMPLATES, type TemplateId } from '@/lib/comfy/templates';
import { messageOf } from '@/lib/api/errors';

type Choice = 'standard' | TemplateId | 'custom';

const CHOICES: Array<{ value: Choice; label: string }> = [
  { value: 'standard', label: 'Standard (built-in SD graph)' },
  { value: 'sd15', label: 'SD 1.5 template' },
  { value: 'sdxl', label: 'SDXL template' },
  { value: 'flux', label: 'Flux template' },
  { value: 'custom', label: 'Custom (API format)' },
];

const TEMPLATE_HINTS: Record<TemplateId, string> = {
  sd15: 'CheckpointLoaderSimple → LoraLoader → CLIPTextEncode ×2 → KSampler (512×512) → SaveImage.',
  sdxl: 'CheckpointLoaderSimple (SDXL base) → LoraLoader → CLIPTextEncode ×2 → KSampler (1024×1024) → SaveImage.',
  flux: 'UNETLoader + DualCLIPLoader + VAELoader → LoraLoaderModelOnly → FluxGuidance → SamplerCustomAdvanced (1024×1024). No negative prompt.',
};

/** Whether two workflows are the same graph, mapping, name and source (objects compared by content). */
const sameWorkflow = (a: CustomWorkflow | null, b: CustomWorkflow | null) => a === b || JSON.stringify(a) === JSON.stringify(b);

interface Evaluation {
  graph: ApiGraph | null;
  parseError: string | null;
  detection: MappingDetection | null;
  nodes: MappingNodes | null;
  problems: string[];
  workflow: CustomWorkflow | null;
}

/** Parses the text, detects the mapping, applies the user's node choices (null: the detected ones) and validates. */
function evaluate(text: string, chosen: MappingNodes | null, name: string): Evaluation {
  if (text.trim() === '') return { graph: null, parseError: null, detection: null, nodes: null, problems: [], workflow: null };
  const parsed = parseWorkflowJson(text);
  if (parsed.graph === null) return { graph: null, parseError: parsed.error, detection: null, nodes: null, problems: [], workflow: null };
  const graph = parsed.graph;
  const detection = detectMapping(graph);
  const nodes = chosen ?? detection.nodes;
  const built = mappingFromNodes(graph, nodes);
  const problems = chosen === null ? [...new Set([...detection.problems, ...built.problems])] : built.problems;
  const workflow =
    built.mapping && problems.length === 0
      ? { name: name.trim() || 'Custom workflow', source: 'custom' as const, graph, mapping: built.mapping }
      : null;
  return { graph, parseError: null, detection, nodes, problems, workflow };
}

/**
 * The "Workflow" fieldset: the standard built-in graph (`value` null), one of the built-in templates, or a custom
 * API-format graph pasted or uploaded ("Save (API)" in ComfyUI). A custom graph is parsed (UI-format files are refused
 * with a pointer to "Save (API)"), its mapping detected and shown as a table with a select per role listing the
 * candidate nodes, and its problems listed in red. `onChange` only ever receives null or a workflow whose mapping
 * validates; while a custom graph does not map, it receives null (the standard graph), and the field says so.
 */
export function WorkflowField({
  value,
  onChange,
  disabled,
}: {
  value: CustomWorkflow | null;
  onChange: (w: CustomWorkflow | null) => void;
  disabled: boolean;
}) {
  const id = useId();
  const [choice, setChoice] = useState<Choice>(value ? value.source : 'standard');
  const [text, setText] = useState(value?.source === 'custom' ? JSON.stringify(value.graph, null, 2) : '');
  const [name, setName] = useState(value?.source === 'custom' ? value.name : 'Custom workflow');
  const [chosen, setChosen] = useState<MappingNodes | null>(value?.source === 'custom' ? mappingNodes(value.mapping) : null);
  const [fileError, setFileError] = useState<string | null>(null);
  // The workflow this field last showed or sent. A different one from outside (Reload after a conflict) replaces what
  // the field shows, during render as React's "adjusting state when a prop changes" pattern does, so no effect paints
  // the old one first; an equal copy (the stored one after a save) leaves the text as typed.
  const [shown, setShown] = useState<CustomWorkflow | null>(value);
  if (!sameWorkflow(value, shown)) {
    setShown(value);
    setChoice(value ? value.source : 'standard');
    if (value?.source === 'custom') {
      setText(JSON.stringify(value.graph, null, 2));
      setName(value.name);
      setChosen(mappingNodes(value.mapping));
    }
  }

  const ev = useMemo(() => evaluate(text, chosen, name), [text, chosen, name]);

  const emit = (w: CustomWorkflow | null) => {
    setShown(w);
    onChange(w);
  };

  const pick = (c: Choice) => {
    setChoice(c);
    if (c === 'standard') emit(null);
    else if (c === 'custom') emit(evaluate(text, chosen, name).workflow);
    else emit(TEMPLATES[c]);
  };

  const setJson = (t: string) => {
    setText(t);
    setChosen(null);
    setFileError(null);
    emit(evaluate(t, null, name).workflow);
  };

  const setRole = (role: MappingRole, node: string) => {
    if (!ev.nodes) return;
    const next: MappingNodes = { ...ev.nodes, [role]: node === '' ? null : node };
    setChosen(next);
    emit(evaluate(text, next, name).workflow);
  };

  const rename = (n: string) => {
    setName(n);
    emit(evaluate(text, chosen, n).workflow);
  };

  const upload = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      const content = await file.text();
      const base = file.name.replace(/\.json$/i, '');
      setName(base);
      setText(content);
      setChosen(null);
      setFileError(null);
      emit(evaluate(content, null, base).workflow);
    } catch (e) {
      setFileError(`Could not read ${file.name}: ${messageOf(e)}`);
    }
  };

  return (
    <fieldset>
      <legend>Workflow</legend>
      <div className="row">
        <div className="field grow">
          <label htmlFor={`${id}-choice`}>Graph</label>
          <select id={`${id}-choice`} value={choice} disabled={disabled} onChange={(e) => pick(e.target.value as Choice)}>
            {CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          {choice === 'standard' && <div className="hint">The SD 1.5-style text-to-image graph built from the setup.</div>}
          {choice !== 'standard' && choice !== 'custom' && <div className="hint">{TEMPLATE_HINTS[choice]}</div>}
        </div>
      </div>

      {choice === 'custom' && (
        <>
          <div className="row">
            <div className="field grow">
              <label htmlFor={`${id}-name`}>Name</label>
              <input id={`${id}-name`} value={name} disabled={disabled} onChange={(e) => rename(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-file`}>Upload API-format JSON</label>
              <input
                id={`${id}-file`}
                type="file"
                accept=".json,application/json"
                disabled={disabled}
                onChange={(e) => void upload(e.currentTarget)}
              />
            </div>
          </div>
          <div className="field">
            <label htmlFor={`${id}-json`}>Workflow JSON (API format)</label>
            <textarea
              id={`${id}-json`}
              rows={8}
              value={text}
              disabled={disabled}
              spellCheck={false}
              placeholder='In ComfyUI: "Save (API)" (Workflow → Export (API)), then paste the file here: {"3": {"class_type": "KSampler", "inputs": {…}}, …}'
              aria-invalid={ev.parseError !== null || ev.problems.length > 0}
              onChange={(e) => setJson(e.target.value)}
            />
            <div className="hint">
              The graph needs one LoRA loader (LoraLoader or LoraLoaderModelOnly) and one SaveImage; the baseline removes the LoRA loader.
            </div>
          </div>
          {fileError && (
            <div className="field-error" role="alert">
              {fileError}
            </div>
          )}
          {ev.parseError && (
            <div className="field-error" role="alert">
              {ev.parseError}
            </div>
          )}

          {ev.graph && ev.detection && ev.nodes && (
            <MappingTable graph={ev.graph} detection={ev.detection} nodes={ev.nodes} disabled={disabled} idPrefix={id} onRole={setRole} />
          )}

          {ev.problems.length > 0 && (
            <ul className="field-error" role="alert" aria-label="Workflow problems">
              {ev.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          {ev.workflow ? (
            <div className="hint">The mapping fits: this workflow will be used.</div>
          ) : (
            <div className="field-error">Until a custom workflow maps, the standard built-in graph is used.</div>
          )}
        </>
      )}
    </fieldset>
  );
}

/** Role → node (a select of the candidates) → class. */
function MappingTable(props: {
  graph: ApiGraph;
  detection: MappingDetection;
  nodes: MappingNodes;
  disabled: boolean;
  idPrefix: string;
  onRole: (role: MappingRole, node: string) => void;
}) {
  const { graph, detection, nodes } = props;
  return (
    <table className="stats" aria-label="Workflow mapping">
      <thead>
        <tr>
          <th scope="col">Role</th>
          <th scope="col">Node</th>
          <th scope="col">Class</th>
        </tr>
      </thead>
      <tbody>
        {MAPPING_ROLES.map((role) => {
          const current = nodes[role];
          const options =
            current !== null && !detection.candidates[role].includes(current)
              ? [current, ...detection.candidates[role]]
              : detection.candidates[role];
          const required = REQUIRED_ROLES.includes(role);
          const selectId = `${props.idPrefix}-role-${role}`;
          return (
            <tr key={role}>
              <th scope="row">
                <label htmlFor={selectId}>{ROLE_LABELS[role]}</label>
              </th>
              <td>
                <select
                  id={selectId}
                  aria-label={`${ROLE_LABELS[role]} node`}
                  value={current ?? ''}
                  disabled={props.disabled}
                  onChange={(e) => props.onRole(role, e.target.value)}
                >
                  <option value="">{required ? '— choose —' : '— none —'}</option>
                  {options.map((n) => (
                    <option key={n} value={n}>
                      {n} · {graph[n]?.class_type ?? 'missing'}
                    </option>
                  ))}
                </select>
              </td>
              <td className="muted">{current !== null ? (graph[current]?.class_type ?? 'missing') : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
