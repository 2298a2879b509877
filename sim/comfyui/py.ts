// Small helpers that reproduce how Python (ComfyUI) prints values, so error texts and PNG chunks read the same as the
// real server's: `str()` / `repr()` of JSON-ish values and `json.dumps()` with its default separators and ASCII escapes.

/** Python `repr()` of a string: single quotes unless the text has a `'` and no `"`; escapes like CPython. */
export function pyReprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python `repr()` of a number; `isFloat` prints integral values as `5.0` like a Python float. */
export function pyReprNumber(n: number, isFloat = !Number.isInteger(n)): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (isFloat && Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  return String(n);
}

/** Python `repr()` of a JSON value (dicts/lists/str/int/float/bool/None). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyReprNumber(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return pyReprString(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyReprString(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** Python `str()`: strings as they are, everything else as `repr()`. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** Python's type name of a JSON value (`'NoneType'`, `'dict'`, `'list'`, ...), used in TypeError messages. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

function escapeAscii(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => (c === '\u007f' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Python `json.dumps(v)` with default settings: `", "` and `": "` separators and `ensure_ascii=True` (every non-ASCII
 * UTF-16 code unit as `\uXXXX`), so the text is pure ASCII and fits a PNG tEXt chunk (ComfyUI SaveImage writes
 * `json.dumps(prompt)` there). Undefined values in objects are skipped like JSON.stringify does.
 */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return String(v);
  }
  if (typeof v === 'string') return escapeAscii(JSON.stringify(v));
  if (Array.isArray(v)) return `[${v.map((x) => pyJsonDumps(x)).join(', ')}]`;
  if (typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined || typeof x === 'function') continue;
      parts.push(`${escapeAscii(JSON.stringify(k))}: ${pyJsonDumps(x)}`);
    }
    return `{${parts.join(', ')}}`;
  }
  return 'null';
}
