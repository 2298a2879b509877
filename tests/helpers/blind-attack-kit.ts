// What the blindness attack suite (tests/security/blind-attacks.test.ts) needs besides the attacks: sessions with
// pictures a rater can tell apart, a browser-like HTTP client with a cookie jar, the owner's invitation of a rater,
// and the truth (a rater's order) read from disk as the app left it.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { EvaluationView } from '@/lib/evaluation/blind';
import type { BlindPair, Session, Setup } from '@/lib/sessions/schema';
import { foldedSession } from './folded-session';
import { generatedSession } from './generated-session';

/** A generated session of `prompts` × `seeds` × `strengths`, its pairs made in `design`. */
export function attackSession(id: string, design: Setup['design'], prompts: number, seeds: number, strengths: number[]): Session {
  return generatedSession(id, {
    design,
    weight_range: strengths,
    seeds: Array.from({ length: seeds }, (_, i) => 1000 + i),
    prompt_pairs: Array.from({ length: prompts }, (_, i) => ({ positive: `prompt ${i}`, negative: '', append_trigger: false })),
  });
}

/**
 * Writes `session` and a 24 × 24 PNG per image: each picture its own colour; strength 0 the baseline's pixels (as
 * ComfyUI renders it); LoRA images noisy and so larger files, the tell the served bytes must not keep.
 */
export async function writeAttackSession(dir: string, s: Session): Promise<void> {
  const folder = path.join(dir, s.session_id);
  await mkdir(path.join(folder, 'output'), { recursive: true });
  await writeFile(path.join(folder, 'session_meta.json'), JSON.stringify(s));
  for (const r of s.step_2_generation.results) {
    const picture = r.role === 'baseline' || r.strength === 0 ? `b${r.prompt_index}_${r.seed_index}` : r.image_id;
    const hash = createHash('sha256').update(picture).digest();
    const pixels = Buffer.alloc(24 * 24 * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (hash[i % 3]! + (picture.startsWith('b') ? 0 : (i * 7919) % 23)) & 255;
    const png = await sharp(pixels, { raw: { width: 24, height: 24, channels: 3 } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    await writeFile(path.join(folder, 'output', r.filename), png);
  }
}

/** A browser as far as the server can tell: it keeps the cookies it is given and follows no redirect. */
export class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async send(method: string, url: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}${url}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return res;
  }

  async json<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await this.send(method, url, body);
    if (!res.ok) throw new Error(`${method} ${url} -> ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async bytes(url: string): Promise<Buffer> {
    const res = await this.send('GET', url);
    if (!res.ok) throw new Error(`GET ${url} -> ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }
}

/** The owner invites `name` into session `id`: the rater link (its path without `/rate/`). */
export async function invite(owner: Browser, id: string, name: string): Promise<string> {
  const { session } = await owner.json<{ session: { step_3_evaluation: { raters: { name: string; link: string | null }[] } } }>(
    'PATCH',
    `/api/sessions/${id}/raters`,
    { name, action: 'link' },
  );
  return session.step_3_evaluation.raters.find((r) => r.name === name)!.link!.slice('/rate/'.length);
}

/** A rater opens their link in `browser` (the page, as a browser would, then their view). */
export async function openLink(browser: Browser, link: string): Promise<EvaluationView> {
  const page = await browser.send('GET', `/rate/${link}`);
  if (page.status !== 200) throw new Error(`/rate/${link} -> ${page.status}`);
  return browser.json<EvaluationView>('GET', `/api/rate/${link}`);
}

/** Judges the rater's current pair with `choice` on every metric; their next view. */
export function judge(browser: Browser, link: string, view: EvaluationView, choice: string): Promise<EvaluationView> {
  const choices = Object.fromEntries(view.metrics.map((m) => [m, choice]));
  return browser.json<EvaluationView>('POST', `/api/rate/${link}/judgments`, { index: view.index, choices });
}

/** Rater `name`'s order as the app stored it (the truth the attacks are scored against). */
export async function storedOrder(sessionsDir: string, id: string, name: string): Promise<BlindPair[]> {
  const s = await foldedSession(sessionsDir, id);
  return s.step_3_evaluation.raters.find((r) => r.name === name)!.order;
}
