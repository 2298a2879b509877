// Prompt validation, a port of ComfyUI execution.py `validate_prompt` / `validate_inputs`: the same error types,
// messages, `details` strings and `node_errors` bookkeeping (including which node an error is charged to).
import { nodeClass, type InputSpec } from './catalog';
import { pyRepr, pyReprNumber, pyReprString, pyStr, pyTypeName } from './py';

/** One API-format node: `{class_type, inputs}` (other keys such as `_meta` are kept as they are). */
export interface ApiNode {
  class_type: string;
  inputs: Record<string, unknown>;
  [key: string]: unknown;
}
/** An API-format graph: node id → node. */
export type ApiGraph = Record<string, ApiNode>;

/** An entry of `error` / `node_errors[id].errors` (ComfyUI's error dict). */
export interface PromptError {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}

/** `node_errors[id]` of a `POST /prompt` answer. */
export interface NodeError {
  errors: PromptError[];
  dependent_outputs: string[];
  class_type: string;
}

/** What {@link validatePrompt} decides. */
export type ValidationResult =
  | {
      valid: true;
      /** A deep copy of the graph with widget values converted like ComfyUI does (`int()`, `float()`, `str()`). */
      prompt: ApiGraph;
      /** Output node ids that passed validation (`outputs_to_execute`). */
      outputs: string[];
      /** Errors of outputs that failed while others passed (ComfyUI still answers 200 then). */
      nodeErrors: Record<string, NodeError>;
    }
  | { valid: false; error: PromptError; nodeErrors: Record<string, NodeError> };

type Validated = [ok: boolean, errors: PromptError[], id: string];

/** A Python exception raised while validating (KeyError on a missing linked node, IndexError on a bad slot...). */
class PyException extends Error {
  constructor(
    readonly pyType: string,
    message: string,
    readonly traceback: string[],
  ) {
    super(message);
  }
}

/** True for a plain JSON object (not null, not an array). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when an input value is a link `[node_id, output_index]` (ComfyUI treats any list as a link). */
export function isLink(v: unknown): v is [string, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';
}

function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** execution.py `validate_node_input`: exact match, `*`, or overlapping comma-separated unions. */
function typesMatch(received: string, input: string): boolean {
  if (received === input || received === '*' || input === '*') return true;
  const r = new Set(received.split(',').map((t) => t.trim()));
  return input.split(',').some((t) => r.has(t.trim()));
}

const TB_LINK = ['  File "/ComfyUI/execution.py", line 1683, in validate_inputs\n    o_class_type = prompt[o_id][\'class_type\']\n'];
const TB_SLOT = [
  '  File "/ComfyUI/execution.py", line 1686, in validate_inputs\n    r = nodes.NODE_CLASS_MAPPINGS[o_class_type].RETURN_TYPES[val[1]]\n',
];

type Converted = { ok: true; value: unknown } | { ok: false; message: string };

/** Python's `int()`, `float()`, `str()`, `bool()` of a JSON value, with CPython's error texts. */
function convert(type: string, val: unknown): Converted {
  if (type === 'INT') {
    if (typeof val === 'boolean') return { ok: true, value: val ? 1 : 0 };
    if (typeof val === 'number') return { ok: true, value: Math.trunc(val) };
    if (typeof val === 'string') {
      if (/^\s*[+-]?\d+(_\d+)*\s*$/.test(val)) return { ok: true, value: Number.parseInt(val.replace(/_/g, ''), 10) };
      return { ok: false, message: `invalid literal for int() with base 10: ${pyReprString(val)}` };
    }
    return {
      ok: false,
      message: `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(val)}'`,
    };
  }
  if (type === 'FLOAT') {
    if (typeof val === 'boolean') return { ok: true, value: val ? 1 : 0 };
    if (typeof val === 'number') return { ok: true, value: val };
    if (typeof val === 'string') {
      const t = val.trim().replace(/_/g, '');
      if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return { ok: true, value: Number(t) };
      if (/^[+-]?(inf|infinity)$/i.test(t)) return { ok: true, value: t.startsWith('-') ? -Infinity : Infinity };
      if (/^[+-]?nan$/i.test(t)) return { ok: true, value: Number.NaN };
      return { ok: false, message: `could not convert string to float: ${pyReprString(val)}` };
    }
    return { ok: false, message: `float() argument must be a string or a real number, not '${pyTypeName(val)}'` };
  }
  if (type === 'STRING') return { ok: true, value: pyStr(val) };
  if (type === 'BOOLEAN') {
    const falsy =
      val === null ||
      val === false ||
      val === 0 ||
      val === '' ||
      (Array.isArray(val) && val.length === 0) ||
      (isPlainObject(val) && Object.keys(val).length === 0);
    return { ok: true, value: !falsy };
  }
  return { ok: true, value: val };
}

const PRIMITIVES = new Set(['INT', 'FLOAT', 'STRING', 'BOOLEAN']);

/** execution.py `validate_inputs` for one node, memoised in `validated`; may throw PyException like Python does. */
function validateInputs(prompt: ApiGraph, id: string, validated: Map<string, Validated>): Validated {
  const memo = validated.get(id);
  if (memo) return memo;
  const node = prompt[id];
  if (!node) throw new PyException('KeyError', pyReprString(id), TB_LINK);
  const cls = nodeClass(node.class_type);
  if (!cls) throw new PyException('KeyError', pyReprString(node.class_type), TB_LINK);
  const inputs = node.inputs;
  const required = cls.input.required;
  const optional = cls.input.optional ?? {};
  const errors: PromptError[] = [];
  let valid = true;

  for (const x of [...Object.keys(required), ...Object.keys(optional)]) {
    const isRequired = hasOwn(required, x);
    const info = (isRequired ? required[x] : optional[x]) as InputSpec;
    if (!hasOwn(inputs, x)) {
      if (isRequired) {
        errors.push({
          type: 'required_input_missing',
          message: 'Required input is missing',
          details: x,
          extra_info: { input_name: x },
        });
      }
      continue;
    }
    let val = inputs[x];
    const typeInput = info[0];
    const inputType = typeof typeInput === 'string' ? typeInput : 'COMBO';
    const options = info[1] ?? {};

    if (Array.isArray(val)) {
      if (val.length !== 2) {
        errors.push({
          type: 'bad_linked_input',
          message: 'Bad linked input, must be a length-2 list of [node_id, slot_index]',
          details: x,
          extra_info: { input_name: x, input_config: info, received_value: val },
        });
        continue;
      }
      const oId: unknown = val[0];
      if (typeof oId !== 'string' || !hasOwn(prompt, oId)) {
        throw new PyException('KeyError', typeof oId === 'string' ? pyReprString(oId) : pyRepr(oId), TB_LINK);
      }
      const oCls = nodeClass((prompt[oId] as ApiNode).class_type);
      if (!oCls) throw new PyException('KeyError', pyReprString((prompt[oId] as ApiNode).class_type), TB_LINK);
      const slot: unknown = val[1];
      if (typeof slot !== 'number' || !Number.isInteger(slot)) {
        throw new PyException('TypeError', `tuple indices must be integers or slices, not ${pyTypeName(slot)}`, TB_SLOT);
      }
      const receivedType = slot < 0 ? oCls.output[oCls.output.length + slot] : oCls.output[slot];
      if (receivedType === undefined) throw new PyException('IndexError', 'tuple index out of range', TB_SLOT);
      if (!typesMatch(receivedType, inputType)) {
        errors.push({
          type: 'return_type_mismatch',
          message: 'Return type mismatch between linked nodes',
          details: `${x}, received_type(${receivedType}) mismatch input_type(${inputType})`,
          extra_info: { input_name: x, input_config: info, received_type: receivedType, linked_node: val },
        });
        continue;
      }
      try {
        const r = validateInputs(prompt, oId, validated);
        if (!r[0]) valid = false;
      } catch (ex) {
        valid = false;
        const pe = toPyException(ex);
        validated.set(oId, [
          false,
          [
            {
              type: 'exception_during_inner_validation',
              message: 'Exception when validating inner node',
              details: pe.message,
              extra_info: {
                input_name: x,
                input_config: info,
                exception_message: pe.message,
                exception_type: pe.pyType,
                traceback: pe.traceback,
                linked_node: val,
              },
            },
          ],
          oId,
        ]);
      }
      continue;
    }

    // A constant. ComfyUI unwraps {"__value__": [...]} (a list widget value that is not a link).
    if (isPlainObject(val) && hasOwn(val, '__value__')) {
      val = val.__value__;
      inputs[x] = val;
    }
    if (inputType !== 'COMBO' && !PRIMITIVES.has(inputType)) {
      // Real ComfyUI only fails at run time here; the simulator rejects it up front.
      errors.push({
        type: 'invalid_input_type',
        message: `Failed to convert an input value to a ${inputType} value`,
        details: `${x}, ${pyStr(val)}, a ${inputType} input must be a link [node_id, output_index]`,
        extra_info: {
          input_name: x,
          input_config: info,
          received_value: val,
          exception_message: `a ${inputType} input must be a link [node_id, output_index]`,
        },
      });
      continue;
    }
    const conv = convert(inputType, val);
    if (!conv.ok) {
      errors.push({
        type: 'invalid_input_type',
        message: `Failed to convert an input value to a ${inputType} value`,
        details: `${x}, ${pyStr(val)}, ${conv.message}`,
        extra_info: { input_name: x, input_config: info, received_value: val, exception_message: conv.message },
      });
      continue;
    }
    val = conv.value;
    inputs[x] = val;

    if (typeof val === 'number') {
      const isFloat = inputType === 'FLOAT';
      const min = options.min;
      const max = options.max;
      if (typeof min === 'number' && val < min) {
        errors.push({
          type: 'value_smaller_than_min',
          message: `Value ${pyReprNumber(val, isFloat)} smaller than min of ${pyReprNumber(min, isFloat)}`,
          details: x,
          extra_info: { input_name: x, input_config: info, received_value: val },
        });
        continue;
      }
      if (typeof max === 'number' && val > max) {
        errors.push({
          type: 'value_bigger_than_max',
          message: `Value ${pyReprNumber(val, isFloat)} bigger than max of ${max === 0xffffffffffffffff ? '18446744073709551615' : pyReprNumber(max, isFloat)}`,
          details: x,
          extra_info: { input_name: x, input_config: info, received_value: val },
        });
        continue;
      }
    }

    if (inputType === 'COMBO') {
      const list = typeInput as readonly string[];
      if (!list.includes(val as string)) {
        const big = list.length > 20;
        errors.push({
          type: 'value_not_in_list',
          message: 'Value not in list',
          details: `${x}: '${pyStr(val)}' not in ${big ? `(list of length ${list.length})` : pyRepr(list)}`,
          extra_info: { input_name: x, input_config: big ? null : info, received_value: val },
        });
        continue;
      }
    }
  }

  const ret: Validated = errors.length > 0 || !valid ? [false, errors, id] : [true, [], id];
  validated.set(id, ret);
  return ret;
}

function toPyException(ex: unknown): PyException {
  if (ex instanceof PyException) return ex;
  return new PyException('Exception', ex instanceof Error ? ex.message : String(ex), []);
}

/**
 * ComfyUI's `validate_prompt` (execution.py) for an API-format graph.
 * Input: the `prompt` value of a `POST /prompt` body (anything) and optional `partial_execution_targets`.
 * Output: `{valid: false, error, nodeErrors}` for a 400 (`invalid_prompt`: not an object, a node without
 * `class_type` or with an unknown class; `prompt_no_outputs`; `prompt_outputs_failed_validation` with `node_errors`
 * keyed by the node each error belongs to, with `dependent_outputs` and `class_type`), or `{valid: true, prompt,
 * outputs, nodeErrors}` where `prompt` is a converted deep copy and `nodeErrors` lists outputs that were dropped.
 * Never throws.
 */
export function validatePrompt(promptIn: unknown, partialTargets?: readonly string[] | null): ValidationResult {
  if (!isPlainObject(promptIn)) {
    return {
      valid: false,
      error: {
        type: 'invalid_prompt',
        message: 'Cannot execute because the prompt is not a JSON object of nodes.',
        details: `prompt is ${pyTypeName(promptIn)}`,
        extra_info: {},
      },
      nodeErrors: {},
    };
  }
  const prompt = structuredClone(promptIn) as ApiGraph;
  const outputs: string[] = [];
  for (const x of Object.keys(prompt)) {
    const node: unknown = prompt[x];
    if (!isPlainObject(node) || !hasOwn(node, 'class_type')) {
      return {
        valid: false,
        error: {
          type: 'invalid_prompt',
          message: 'Cannot execute because a node is missing the class_type property.',
          details: `Node ID '#${x}'`,
          extra_info: {},
        },
        nodeErrors: {},
      };
    }
    const classType = pyStr(node.class_type);
    const cls = nodeClass(classType);
    if (!cls || typeof node.class_type !== 'string') {
      return {
        valid: false,
        error: {
          type: 'invalid_prompt',
          message: `Cannot execute because node ${classType} does not exist.`,
          details: `Node ID '#${x}'`,
          extra_info: {},
        },
        nodeErrors: {},
      };
    }
    if (!isPlainObject(node.inputs)) node.inputs = {};
    if (cls.output_node && (partialTargets == null || partialTargets.includes(x))) outputs.push(x);
  }

  if (outputs.length === 0) {
    return {
      valid: false,
      error: { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '', extra_info: {} },
      nodeErrors: {},
    };
  }

  const good: string[] = [];
  const failed: Array<[string, PromptError[]]> = [];
  const nodeErrors: Record<string, NodeError> = {};
  const validated = new Map<string, Validated>();
  for (const o of outputs) {
    let ok = false;
    let reasons: PromptError[] = [];
    try {
      const m = validateInputs(prompt, o, validated);
      ok = m[0];
      reasons = m[1];
    } catch (ex) {
      const pe = toPyException(ex);
      reasons = [
        {
          type: 'exception_during_validation',
          message: 'Exception when validating node',
          details: pe.message,
          extra_info: { exception_type: pe.pyType, traceback: pe.traceback },
        },
      ];
      validated.set(o, [false, reasons, o]);
    }
    if (ok) {
      good.push(o);
      continue;
    }
    failed.push([o, reasons]);
    // Like ComfyUI: every failing node validated so far that carries reasons is charged to this output.
    for (const [nodeId, [nodeOk, nodeReasons]] of validated) {
      if (nodeOk || nodeReasons.length === 0) continue;
      const entry = (nodeErrors[nodeId] ??= {
        errors: nodeReasons,
        dependent_outputs: [],
        class_type: (prompt[nodeId] as ApiNode).class_type,
      });
      entry.dependent_outputs.push(o);
    }
  }

  if (good.length === 0) {
    const lines = failed.flatMap(([, errs]) => errs.map((e) => `${e.message}: ${e.details}`));
    return {
      valid: false,
      error: {
        type: 'prompt_outputs_failed_validation',
        message: 'Prompt outputs failed validation',
        details: lines.join('\n'),
        extra_info: {},
      },
      nodeErrors,
    };
  }
  return { valid: true, prompt, outputs: good, nodeErrors };
}
