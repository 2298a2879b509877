import type { Session } from '@/lib/sessions/schema';

/** One thing the browser could learn during evaluation that it must not. */
export interface Leak {
  where: string;
  what: string;
}

/**
 * The markers that would unblind a rater for this session: role words, the LoRA file name, image file names and
 * ids, pair ids (they spell prompt, seed and strength indexes), field names of the hidden pairing, and strengths
 * written as `strength…`.
 */
export function blindMarkers(s: Session): RegExp[] {
  const ids = s.step_2_generation.results.map((r) => r.image_id);
  const pairIds = s.step_2_generation.shuffled_results.map((p) => p.pair_id);
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [
    /\bbaseline\b/i,
    /\blora\b/i,
    /strength/i,
    /prompt_index|seed_index|image_id/i,
    ...(s.step_1_setup.lora_filename ? [new RegExp(esc(s.step_1_setup.lora_filename), 'i')] : []),
    ...ids.map((id) => new RegExp(`\\b${esc(id)}\\b`)),
    ...pairIds.map((id) => new RegExp(`\\b${esc(id)}\\b`)),
  ];
}

/** PNG text chunks (tEXt/zTXt/iTXt) in a buffer: ComfyUI writes the graph, LoRA name and strength there. */
function pngTextChunks(png: Buffer): string[] {
  const found: string[] = [];
  if (png.length < 8 || png.readUInt32BE(0) !== 0x89504e47) return found;
  for (let pos = 8; pos + 12 <= png.length;) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') found.push(type);
    pos += 12 + len;
  }
  return found;
}

/**
 * Everything one evaluation response could leak: the URL, the headers (values and names), the body as text, and for
 * PNG bodies their text chunks. Returns the leaks found (empty when blind).
 */
export function auditResponse(
  markers: RegExp[],
  where: string,
  res: { url: string; headers: Headers | Record<string, string>; body: Buffer | string },
): Leak[] {
  const leaks: Leak[] = [];
  const check = (part: string, text: string) => {
    for (const m of markers) if (m.test(text)) leaks.push({ where: `${where} ${part}`, what: `${m} in ${text.slice(0, 120)}` });
  };
  check('url', res.url);
  const headers = res.headers instanceof Headers ? [...res.headers.entries()] : Object.entries(res.headers);
  for (const [k, v] of headers) check(`header ${k}`, `${k}: ${v}`);
  if (Buffer.isBuffer(res.body)) {
    const chunks = pngTextChunks(res.body);
    if (chunks.length) leaks.push({ where: `${where} body`, what: `PNG text chunks ${chunks.join(', ')}` });
  } else {
    check('body', res.body);
  }
  return leaks;
}
