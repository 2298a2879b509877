// The simulator's "diffusion": a deterministic procedural painter. The positive prompt picks the scene (portrait,
// creature, landscape, city, still life or abstract), its palette and modifiers (night, sunset, water, snow, colour
// words); the seed places and sizes the shapes; the checkpoint and cfg grade the colours; each LoRA on the MODEL
// path adds its own style in proportion to |strength| (hue shift, texture, thicker outlines, pixelation), so a LoRA
// at strength 0 renders exactly the baseline. Pixels are computed in JS and encoded by sharp.
import sharp from 'sharp';
import { EPOCH_RUN, LORA_TRIGGERS } from './catalog';
import { insertPngText } from './png';

/** A LoRA applied on the KSampler's MODEL path. */
export interface LoraApplication {
  /** `lora_name`, e.g. `my_lora.safetensors`. */
  name: string;
  /** `strength_model` (strength 0 has no effect at all). */
  strength: number;
  /** `strength_clip` of the same LoRA on the positive prompt's CLIP path (0 when absent). */
  clipStrength?: number;
}

/** Everything the picture depends on. */
export interface RenderSpec {
  /** EmptyLatentImage size in pixels (rounded down to a multiple of 8 and capped at 1024 per side). */
  width: number;
  height: number;
  /** Positive prompt text (trigger words of known LoRAs are ignored for the composition). */
  positive: string;
  /** KSampler seed. */
  seed: number;
  /** Index inside the latent batch (image i of a batch uses a different noise). */
  batchIndex?: number;
  checkpoint: string;
  loras: LoraApplication[];
  cfg: number;
  steps: number;
}

/** The named styles a LoRA can paint in. */
export type LoraStyleId = 'neon' | 'watercolor' | 'pixel';

const STYLE_OF: Record<string, LoraStyleId> = {
  'my_lora.safetensors': 'neon',
  'watercolor_style_v1.safetensors': 'watercolor',
  'pixel_art_xl.safetensors': 'pixel',
  'inkline_run-000004.safetensors': 'neon',
  'inkline_run-000008.safetensors': 'neon',
  'inkline_run-000012.safetensors': 'neon',
};

/** The style a LoRA paints in: fixed for the catalog's LoRAs, picked by a hash of the name for any other file. */
export function loraStyle(name: string): LoraStyleId {
  const known = STYLE_OF[name];
  if (known) return known;
  const styles: LoraStyleId[] = ['neon', 'watercolor', 'pixel'];
  return styles[hashString(name) % styles.length] as LoraStyleId;
}

/** Output size for a requested latent size: ComfyUI decodes `floor(x / 8) * 8` pixels; capped at 1024, at least 8. */
export function imageSize(width: number, height: number): { width: number; height: number } {
  const side = (v: number) => Math.min(1024, Math.max(8, Math.floor((Number.isFinite(v) ? v : 512) / 8) * 8));
  return { width: side(width), height: side(height) };
}

// ---------------------------------------------------------------------------------------------------------------
// Hashing and random numbers

function hashString(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ (h2 >>> 1)) >>> 0;
}

function rngFrom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hash of an integer lattice point → [0, 1). */
function hash2(x: number, y: number, s: number): number {
  let h = Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ s;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Smooth value noise in [0, 1). */
function valueNoise(x: number, y: number, s: number): number {
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  const fx = x - xi;
  const fy = y - yi;
  const u = fx * fx * (3 - 2 * fx);
  const v = fy * fy * (3 - 2 * fy);
  const a = hash2(xi, yi, s);
  const b = hash2(xi + 1, yi, s);
  const c = hash2(xi, yi + 1, s);
  const d = hash2(xi + 1, yi + 1, s);
  return a + (b - a) * u + (c - a) * v + (a - b - c + d) * u * v;
}

// ---------------------------------------------------------------------------------------------------------------
// Colour

type RGB = [number, number, number];

function hsl(h: number, s: number, l: number): RGB {
  h = (((h % 360) + 360) % 360) / 360;
  s = clamp01(s);
  l = clamp01(l);
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const f = (t: number) => {
    t = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    if (t < 1 / 6) return p + (q - p) * 6 * t;
    if (t < 1 / 2) return q;
    if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
    return p;
  };
  return [f(h + 1 / 3), f(h), f(h - 1 / 3)];
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function mixInto(out: Float64Array, c: ArrayLike<number>, t: number): void {
  out[0] = (out[0] as number) + ((c[0] as number) - (out[0] as number)) * t;
  out[1] = (out[1] as number) + ((c[1] as number) - (out[1] as number)) * t;
  out[2] = (out[2] as number) + ((c[2] as number) - (out[2] as number)) * t;
}

function lerpRGB(a: RGB, b: RGB, t: number): RGB {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes (signed distance functions in "units": 1 unit = the shorter image side)

interface Shape {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  dist(x: number, y: number): number;
  fill(x: number, y: number, out: Float64Array): void;
  alpha: number;
  outline: boolean;
}

type Fill = RGB | ((x: number, y: number, out: Float64Array) => void);

function fillFn(f: Fill): (x: number, y: number, out: Float64Array) => void {
  if (typeof f === 'function') return f;
  return (_x, _y, out) => {
    out[0] = f[0];
    out[1] = f[1];
    out[2] = f[2];
  };
}

function vGrad(y0: number, y1: number, c0: RGB, c1: RGB): Fill {
  return (_x, y, out) => {
    const t = clamp01((y - y0) / (y1 - y0));
    out[0] = c0[0] + (c1[0] - c0[0]) * t;
    out[1] = c0[1] + (c1[1] - c0[1]) * t;
    out[2] = c0[2] + (c1[2] - c0[2]) * t;
  };
}

interface ShapeOpts {
  alpha?: number;
  outline?: boolean;
}

function circle(cx: number, cy: number, r: number, fill: Fill, o: ShapeOpts = {}): Shape {
  return {
    x0: cx - r,
    y0: cy - r,
    x1: cx + r,
    y1: cy + r,
    dist: (x, y) => Math.hypot(x - cx, y - cy) - r,
    fill: fillFn(fill),
    alpha: o.alpha ?? 1,
    outline: o.outline ?? true,
  };
}

function ellipse(cx: number, cy: number, rx: number, ry: number, fill: Fill, o: ShapeOpts & { rot?: number } = {}): Shape {
  const c = Math.cos(o.rot ?? 0);
  const s = Math.sin(o.rot ?? 0);
  const m = Math.max(rx, ry);
  const k = Math.min(rx, ry);
  return {
    x0: cx - m,
    y0: cy - m,
    x1: cx + m,
    y1: cy + m,
    dist: (x, y) => {
      const dx = x - cx;
      const dy = y - cy;
      const u = (dx * c + dy * s) / rx;
      const v = (-dx * s + dy * c) / ry;
      return (Math.sqrt(u * u + v * v) - 1) * k;
    },
    fill: fillFn(fill),
    alpha: o.alpha ?? 1,
    outline: o.outline ?? true,
  };
}

function box(cx: number, cy: number, hw: number, hh: number, fill: Fill, o: ShapeOpts & { radius?: number } = {}): Shape {
  const r = Math.min(o.radius ?? 0, hw, hh);
  return {
    x0: cx - hw,
    y0: cy - hh,
    x1: cx + hw,
    y1: cy + hh,
    dist: (x, y) => {
      const qx = Math.abs(x - cx) - hw + r;
      const qy = Math.abs(y - cy) - hh + r;
      return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
    },
    fill: fillFn(fill),
    alpha: o.alpha ?? 1,
    outline: o.outline ?? true,
  };
}

function triangle(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, fill: Fill, o: ShapeOpts = {}): Shape {
  const pts = [
    [ax, ay],
    [bx, by],
    [cx, cy],
  ] as const;
  return {
    x0: Math.min(ax, bx, cx),
    y0: Math.min(ay, by, cy),
    x1: Math.max(ax, bx, cx),
    y1: Math.max(ay, by, cy),
    dist: (x, y) => {
      // Exact polygon SDF (winding test + nearest edge).
      let d = Infinity;
      let sign = 1;
      for (let i = 0, j = 2; i < 3; j = i, i++) {
        const [vix, viy] = pts[i] as readonly [number, number];
        const [vjx, vjy] = pts[j] as readonly [number, number];
        const ex = vjx - vix;
        const ey = vjy - viy;
        const wx = x - vix;
        const wy = y - viy;
        const t = clamp01((wx * ex + wy * ey) / (ex * ex + ey * ey));
        const bx2 = wx - ex * t;
        const by2 = wy - ey * t;
        d = Math.min(d, bx2 * bx2 + by2 * by2);
        const c1 = y >= viy;
        const c2 = y < vjy;
        const c3 = ex * wy > ey * wx;
        if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) sign = -sign;
      }
      return sign * Math.sqrt(d);
    },
    fill: fillFn(fill),
    alpha: o.alpha ?? 1,
    outline: o.outline ?? true,
  };
}

/** The region below the curve y = f(x) (a mountain ridge or a hill), down to the bottom of the image. */
function ridge(f: (x: number) => number, top: number, bottom: number, width: number, fill: Fill, o: ShapeOpts = {}): Shape {
  return {
    x0: -1,
    y0: top,
    x1: width + 1,
    y1: bottom + 1,
    dist: (x, y) => {
      const d = f(x) - y;
      // Far from the edge only the sign matters (coverage 0 or 1); near it, correct for the slope.
      if (d > 0.03 || d < -0.03) return d;
      const h = 0.002;
      const slope = (f(x + h) - f(x - h)) / (2 * h);
      return d / Math.sqrt(1 + slope * slope);
    },
    fill: fillFn(fill),
    alpha: o.alpha ?? 1,
    outline: o.outline ?? true,
  };
}

function blob(circles: Array<[number, number, number]>, fill: Fill, o: ShapeOpts = {}): Shape {
  return {
    x0: Math.min(...circles.map(([x, , r]) => x - r)),
    y0: Math.min(...circles.map(([, y, r]) => y - r)),
    x1: Math.max(...circles.map(([x, , r]) => x + r)),
    y1: Math.max(...circles.map(([, y, r]) => y + r)),
    dist: (x, y) => {
      let d = Infinity;
      for (const [cx, cy, r] of circles) d = Math.min(d, Math.hypot(x - cx, y - cy) - r);
      return d;
    },
    fill: fillFn(fill),
    alpha: o.alpha ?? 1,
    outline: o.outline ?? true,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Prompt analysis

type Layout = 'portrait' | 'creature' | 'landscape' | 'city' | 'still' | 'abstract';

const LAYOUT_WORDS: Record<Layout, string[]> = {
  abstract: ['abstract', 'pattern', 'geometric', 'shapes', 'car', 'robot', 'machine', 'vehicle', 'logo', 'fractal'],
  portrait: [
    'portrait',
    'woman',
    'man',
    'girl',
    'boy',
    'person',
    'face',
    'character',
    '1girl',
    '1boy',
    'selfie',
    'headshot',
    'warrior',
    'knight',
    'wizard',
    'witch',
    'lady',
    'child',
    'king',
    'queen',
    'astronaut',
    'people',
  ],
  creature: [
    'cat',
    'dog',
    'fox',
    'bird',
    'animal',
    'dragon',
    'horse',
    'owl',
    'rabbit',
    'bear',
    'wolf',
    'kitten',
    'puppy',
    'creature',
    'monster',
    'lion',
    'tiger',
  ],
  landscape: [
    'landscape',
    'mountain',
    'mountains',
    'valley',
    'forest',
    'lake',
    'river',
    'hills',
    'field',
    'meadow',
    'nature',
    'sea',
    'ocean',
    'beach',
    'desert',
    'scenery',
    'island',
    'waterfall',
    'sky',
    'sunset',
    'lighthouse',
    'boat',
    'ship',
    'harbor',
  ],
  city: [
    'city',
    'street',
    'building',
    'buildings',
    'skyline',
    'cyberpunk',
    'town',
    'urban',
    'downtown',
    'alley',
    'village',
    'castle',
    'house',
    'architecture',
  ],
  still: [
    'still life',
    'vase',
    'cup',
    'fruit',
    'apple',
    'flower',
    'flowers',
    'bottle',
    'teapot',
    'bowl',
    'table',
    'food',
    'cake',
    'product',
    'coffee',
    'mug',
    'book',
  ],
};

const COLOR_WORDS: Record<string, number> = {
  red: 0,
  crimson: 350,
  orange: 28,
  amber: 40,
  gold: 45,
  golden: 45,
  yellow: 55,
  lime: 90,
  green: 125,
  emerald: 140,
  teal: 175,
  cyan: 185,
  blue: 220,
  azure: 205,
  navy: 230,
  indigo: 250,
  purple: 275,
  violet: 270,
  magenta: 305,
  pink: 330,
  rose: 340,
};

/** The composition text: lower-cased words without LoRA trigger words (they steer the LoRA, not the scene). */
function compositionText(text: string): string {
  let t = ` ${text.toLowerCase()} `;
  for (const triggers of Object.values(LORA_TRIGGERS)) {
    for (const w of triggers) t = t.split(w.toLowerCase()).join(' ');
  }
  return t.replace(/[^a-z0-9]+/g, ' ').trim();
}

function firstIndexOfWord(text: string, word: string): number {
  const re = new RegExp(`(^| )${word.replace(/ /g, ' ')}( |$)`);
  const m = re.exec(text);
  return m ? m.index : -1;
}

function hasWord(text: string, words: string[]): boolean {
  return words.some((w) => firstIndexOfWord(text, w) >= 0);
}

function triggered(positive: string, lora: string): boolean {
  const triggers = (LORA_TRIGGERS as Record<string, readonly string[] | undefined>)[lora] ?? [];
  const t = positive.toLowerCase();
  return triggers.some((w) => t.includes(w.toLowerCase()));
}

// ---------------------------------------------------------------------------------------------------------------
// Scenes

interface Scene {
  background(x: number, y: number, out: Float64Array): void;
  shapes: Shape[];
}

interface Palette {
  hue: number;
  skyTop: RGB;
  skyBottom: RGB;
  ground: RGB;
  accent: RGB;
  accent2: RGB;
  subject: RGB;
  light: RGB;
  night: boolean;
}

function makePalette(text: string, rt: () => number): Palette {
  let hue = rt() * 360;
  let best = Infinity;
  for (const [word, h] of Object.entries(COLOR_WORDS)) {
    const i = firstIndexOfWord(text, word);
    if (i >= 0 && i < best) {
      best = i;
      hue = h;
    }
  }
  const scheme = [30, 150, 180, 120, 210][Math.floor(rt() * 5)] as number;
  const night = hasWord(text, ['night', 'midnight', 'moon', 'dark', 'stars', 'starry', 'cyberpunk', 'neon']);
  const sunset = hasWord(text, ['sunset', 'dusk', 'sunrise', 'dawn', 'golden hour', 'autumn']);
  const snow = hasWord(text, ['snow', 'winter', 'snowy', 'ice', 'frozen']);
  const forest = hasWord(text, ['forest', 'jungle', 'meadow', 'field', 'garden', 'grass', 'trees']);
  const skyHue = sunset ? 25 + rt() * 20 : night ? 230 + rt() * 30 : hue + 190 + rt() * 20;
  const skyTop = night ? hsl(skyHue, 0.55, 0.1) : sunset ? hsl(skyHue + 300, 0.6, 0.42) : hsl(skyHue, 0.55, 0.45);
  const skyBottom = night ? hsl(skyHue + 20, 0.5, 0.28) : sunset ? hsl(skyHue, 0.85, 0.68) : hsl(skyHue + 15, 0.5, 0.78);
  const ground = snow ? hsl(210, 0.25, 0.9) : forest ? hsl(115 + rt() * 30, 0.5, 0.3) : hsl(hue + scheme, 0.45, night ? 0.2 : 0.38);
  return {
    hue,
    skyTop,
    skyBottom,
    ground,
    accent: hsl(hue, 0.7, night ? 0.45 : 0.55),
    accent2: hsl(hue + scheme, 0.65, 0.5),
    subject: hsl(hue + 15, 0.6, 0.5),
    light: night ? hsl(55, 0.3, 0.9) : sunset ? hsl(35, 0.95, 0.65) : hsl(50, 0.95, 0.72),
    night,
  };
}

function skyBackground(p: Palette, ay: number, sun?: [number, number, number]): Scene['background'] {
  return (x, y, out) => {
    const t = clamp01(y / (ay * 0.75));
    out[0] = p.skyTop[0] + (p.skyBottom[0] - p.skyTop[0]) * t;
    out[1] = p.skyTop[1] + (p.skyBottom[1] - p.skyTop[1]) * t;
    out[2] = p.skyTop[2] + (p.skyBottom[2] - p.skyTop[2]) * t;
    if (sun) {
      const d = Math.hypot(x - sun[0], y - sun[1]) / (sun[2] * 4);
      if (d < 1) mixInto(out, p.light, (1 - d) * (1 - d) * 0.45);
    }
  };
}

function buildScene(spec: RenderSpec, ax: number, ay: number): Scene {
  const text = compositionText(spec.positive);
  const textHash = hashString(text);
  const rt = rngFrom(textHash);
  const rs = rngFrom(hashString(`${spec.seed}:${spec.batchIndex ?? 0}`, textHash));
  const p = makePalette(text, rt);

  let layout: Layout | undefined;
  let best = Infinity;
  for (const [name, words] of Object.entries(LAYOUT_WORDS) as Array<[Layout, string[]]>) {
    for (const w of words) {
      const i = firstIndexOfWord(text, w);
      if (i >= 0 && i < best) {
        best = i;
        layout = name;
      }
    }
  }
  if (!layout) {
    const all: Layout[] = ['portrait', 'creature', 'landscape', 'city', 'still', 'abstract'];
    layout = all[Math.floor(rt() * all.length)] as Layout;
  }
  const water = hasWord(text, ['sea', 'ocean', 'lake', 'river', 'beach', 'water', 'island', 'harbor']);
  const shapes: Shape[] = [];
  const stars = (n: number) => {
    for (let i = 0; i < n; i++) shapes.push(circle(rs() * ax, rs() * ay * 0.5, 0.002 + rs() * 0.004, p.light, { outline: false }));
  };

  if (layout === 'landscape') {
    const sun: [number, number, number] = [0.15 * ax + rs() * 0.7 * ax, 0.1 + rs() * 0.25 * ay, 0.05 + rs() * 0.06];
    if (p.night) stars(40);
    shapes.push(circle(sun[0], sun[1], sun[2], p.light));
    for (let i = 0, n = 2 + Math.floor(rs() * 3); i < n; i++) {
      const cx = rs() * ax;
      const cy = 0.08 + rs() * 0.3 * ay;
      const s = 0.04 + rs() * 0.05;
      const parts: Array<[number, number, number]> = [];
      for (let k = 0, m = 3 + Math.floor(rs() * 3); k < m; k++)
        parts.push([cx + (k - m / 2) * s * 0.9, cy + (rs() - 0.5) * s * 0.5, s * (0.6 + rs() * 0.5)]);
      shapes.push(blob(parts, p.night ? hsl(p.hue + 220, 0.15, 0.35) : hsl(p.hue + 200, 0.2, 0.95), { alpha: 0.9 }));
    }
    const layers = water ? 2 : 3;
    for (let i = 0; i < layers; i++) {
      const base = ay * (0.45 + i * 0.13);
      const amp = (0.16 - i * 0.04) * (0.6 + rs() * 0.8);
      const f1 = 2 + rs() * 4;
      const f2 = 5 + rs() * 9;
      const ph1 = rs() * 6.28;
      const ph2 = rs() * 6.28;
      const f = (x: number) => base - amp * (0.55 + 0.35 * Math.sin(x * f1 + ph1) + 0.15 * Math.sin(x * f2 + ph2));
      const far = 1 - i / layers;
      const top = lerpRGB(p.ground, p.skyBottom, far * 0.55);
      const bottom = lerpRGB(top, [0, 0, 0], 0.35);
      shapes.push(ridge(f, base - amp * 1.1, ay, ax, vGrad(base - amp, ay, top, bottom)));
    }
    if (water) {
      const wy = ay * 0.72;
      const deep = hsl(p.hue + 200, 0.55, p.night ? 0.15 : 0.35);
      const shallow = lerpRGB(p.skyBottom, deep, 0.4);
      shapes.push(
        box(ax / 2, (wy + ay) / 2 + 0.01, ax / 2 + 0.02, (ay - wy) / 2 + 0.01, (x, y, out) => {
          const t = clamp01((y - wy) / (ay - wy));
          const ripple = 0.5 + 0.5 * Math.sin(y * 180 + Math.sin(x * 9) * 2);
          out[0] = shallow[0] + (deep[0] - shallow[0]) * t + ripple * 0.04;
          out[1] = shallow[1] + (deep[1] - shallow[1]) * t + ripple * 0.04;
          out[2] = shallow[2] + (deep[2] - shallow[2]) * t + ripple * 0.05;
        }),
      );
    } else if (hasWord(text, ['forest', 'trees', 'jungle', 'woods']) || rt() < 0.5) {
      const treeColor = hsl(120 + rt() * 40, 0.45, p.night ? 0.12 : 0.24);
      const n = 4 + Math.floor(rs() * 6);
      const trees: Array<[number, number, number]> = [];
      for (let i = 0; i < n; i++) trees.push([rs() * ax, ay * (0.72 + rs() * 0.2), 0.05 + rs() * 0.07]);
      trees.sort((a, b) => a[1] - b[1]);
      for (const [tx, ty, h] of trees) {
        shapes.push(box(tx, ty + h * 0.15, h * 0.08, h * 0.2, hsl(25, 0.45, 0.22)));
        shapes.push(triangle(tx, ty - h * 1.4, tx - h * 0.5, ty, tx + h * 0.5, ty, treeColor));
      }
    }
    return { background: skyBackground(p, ay, sun), shapes };
  }

  if (layout === 'portrait') {
    for (let i = 0, n = 6 + Math.floor(rs() * 6); i < n; i++) {
      shapes.push(
        circle(rs() * ax, rs() * ay, 0.04 + rs() * 0.1, i % 2 ? p.accent : p.light, { alpha: 0.25 + rs() * 0.2, outline: false }),
      );
    }
    const cx = ax / 2 + (rs() - 0.5) * 0.24 * ax;
    const hy = ay * (0.4 + (rs() - 0.5) * 0.08);
    const hs = 0.9 + rs() * 0.25;
    const skin = hsl(20 + rt() * 18, 0.45 + rt() * 0.2, 0.45 + rt() * 0.3);
    const hair = hsl(rt() < 0.6 ? 20 + rt() * 20 : p.hue + 180, 0.5, 0.12 + rt() * 0.35);
    const cloth = vGrad(hy + 0.2, ay, p.accent2, lerpRGB(p.accent2, [0, 0, 0], 0.4));
    const longHair = rs() < 0.5;
    shapes.push(ellipse(cx, hy + (longHair ? 0.08 : 0), 0.2 * hs, (longHair ? 0.3 : 0.21) * hs, hair));
    shapes.push(ellipse(cx, hy + 0.56 * hs, 0.36 * hs, 0.32 * hs, cloth));
    shapes.push(box(cx, hy + 0.21 * hs, 0.055 * hs, 0.1 * hs, lerpRGB(skin, [0, 0, 0], 0.12), { radius: 0.02 }));
    shapes.push(ellipse(cx, hy, 0.14 * hs, 0.185 * hs, skin));
    shapes.push(ellipse(cx + (rs() - 0.5) * 0.04, hy - 0.13 * hs, 0.15 * hs, 0.085 * hs, hair, { rot: (rs() - 0.5) * 0.5 }));
    const eyeY = hy - 0.01 * hs;
    const eye = hsl(p.hue + 200, 0.5, 0.2);
    shapes.push(circle(cx - 0.05 * hs, eyeY, 0.016 * hs, eye, { outline: false }));
    shapes.push(circle(cx + 0.05 * hs, eyeY, 0.016 * hs, eye, { outline: false }));
    shapes.push(ellipse(cx, hy + 0.09 * hs, 0.035 * hs, 0.012 * hs, hsl(355, 0.55, 0.45), { outline: false }));
    return { background: skyBackground(p, ay), shapes };
  }

  if (layout === 'creature') {
    if (p.night) stars(30);
    const gy = ay * (0.7 + rs() * 0.1);
    shapes.push(
      box(ax / 2, (gy + ay) / 2 + 0.05, ax / 2 + 0.05, (ay - gy) / 2 + 0.05, vGrad(gy, ay, p.ground, lerpRGB(p.ground, [0, 0, 0], 0.3))),
    );
    const cx = ax / 2 + (rs() - 0.5) * 0.3 * ax;
    const s = 0.85 + rs() * 0.35;
    const fur = hsl(p.hue + (rt() < 0.5 ? 0 : 30), 0.45, 0.35 + rt() * 0.3);
    const by = gy - 0.1 * s;
    const dir = rs() < 0.5 ? -1 : 1;
    shapes.push(ellipse(cx - dir * 0.22 * s, by - 0.1 * s, 0.14 * s, 0.03 * s, fur, { rot: dir * 0.7 }));
    shapes.push(ellipse(cx, by, 0.22 * s, 0.13 * s, fur));
    const hx = cx + dir * 0.17 * s;
    const hy = by - 0.16 * s;
    shapes.push(triangle(hx - 0.1 * s, hy - 0.02 * s, hx - 0.06 * s, hy - 0.17 * s, hx - 0.01 * s, hy - 0.06 * s, fur));
    shapes.push(triangle(hx + 0.1 * s, hy - 0.02 * s, hx + 0.06 * s, hy - 0.17 * s, hx + 0.01 * s, hy - 0.06 * s, fur));
    shapes.push(circle(hx, hy, 0.11 * s, fur));
    const eye = hsl(p.hue + 90, 0.8, 0.45);
    shapes.push(circle(hx - 0.04 * s, hy - 0.01 * s, 0.017 * s, eye, { outline: false }));
    shapes.push(circle(hx + 0.04 * s, hy - 0.01 * s, 0.017 * s, eye, { outline: false }));
    shapes.push(circle(hx, hy + 0.035 * s, 0.012 * s, hsl(350, 0.4, 0.3), { outline: false }));
    return { background: skyBackground(p, ay), shapes };
  }

  if (layout === 'city') {
    const moon: [number, number, number] = [0.1 * ax + rs() * 0.8 * ax, 0.1 + rs() * 0.15, 0.04 + rs() * 0.04];
    if (p.night) stars(50);
    shapes.push(circle(moon[0], moon[1], moon[2], p.light));
    let x = -0.02;
    let b = 0;
    while (x < ax) {
      const w = 0.08 + rs() * 0.12;
      const h = ay * (0.25 + rs() * 0.5);
      const top = ay - h;
      const base = hsl(p.hue + 200 + rs() * 40, 0.2 + rs() * 0.2, p.night ? 0.12 + rs() * 0.1 : 0.3 + rs() * 0.25);
      const lit = p.night ? hsl(50, 0.9, 0.65) : hsl(200, 0.3, 0.8);
      const win = hashString(`b${b}`, textHash);
      const x0 = x;
      shapes.push(
        box(x + w / 2, top + h / 2 + 0.02, w / 2, h / 2 + 0.02, (px, py, out) => {
          out[0] = base[0];
          out[1] = base[1];
          out[2] = base[2];
          const gx = (px - x0 - 0.012) / 0.028;
          const gy = (py - top - 0.02) / 0.04;
          if (gx > 0 && gy > 0 && gx < (w - 0.02) / 0.028 && gx % 1 < 0.55 && gy % 1 < 0.5) {
            if (hash2(Math.floor(gx), Math.floor(gy), win) < (p.night ? 0.55 : 0.8)) mixInto(out, lit, 0.85);
          }
        }),
      );
      x += w + rs() * 0.02;
      b++;
    }
    shapes.push(box(ax / 2, ay - 0.03, ax / 2 + 0.05, 0.04, hsl(p.hue + 200, 0.1, 0.15)));
    return { background: skyBackground(p, ay, moon), shapes };
  }

  if (layout === 'still') {
    const ty = ay * (0.64 + rs() * 0.08);
    const wood = hsl(25 + rt() * 15, 0.45, 0.35);
    const wall: Scene['background'] = (xx, yy, out) => {
      const t = clamp01(yy / ay);
      const c = lerpRGB(hsl(p.hue + 180, 0.25, 0.78), hsl(p.hue + 180, 0.3, 0.45), t);
      out[0] = c[0];
      out[1] = c[1];
      out[2] = c[2];
      const glow = Math.max(0, 1 - Math.hypot(xx - ax * 0.3, yy - ay * 0.2) / 0.9);
      mixInto(out, p.light, glow * 0.25);
    };
    shapes.push(
      box(ax / 2, (ty + ay) / 2 + 0.05, ax / 2 + 0.05, (ay - ty) / 2 + 0.05, vGrad(ty, ay, wood, lerpRGB(wood, [0, 0, 0], 0.45)), {
        outline: true,
      }),
    );
    const vx = ax * (0.3 + rs() * 0.4);
    const vs = 0.85 + rs() * 0.35;
    shapes.push(box(vx, ty - 0.3 * vs, 0.035 * vs, 0.08 * vs, p.accent));
    shapes.push(ellipse(vx, ty - 0.12 * vs, 0.12 * vs, 0.14 * vs, p.accent));
    for (let i = 0, n = 3 + Math.floor(rs() * 5); i < n; i++) {
      const a = rs() * 6.28;
      shapes.push(
        circle(vx + Math.cos(a) * 0.09 * vs, ty - 0.42 * vs + Math.sin(a) * 0.07 * vs, 0.04 * vs, hsl(p.hue + 120 + i * 25, 0.7, 0.6)),
      );
    }
    for (let i = 0, n = 2 + Math.floor(rs() * 3); i < n; i++) {
      const fx = rs() * ax;
      const r = 0.04 + rs() * 0.04;
      shapes.push(circle(fx, ty + 0.05 + rs() * 0.08 - r * 0.3, r, hsl(p.hue + (rs() < 0.5 ? 0 : 40), 0.75, 0.5)));
    }
    const cupX = ax * (rs() < 0.5 ? 0.15 + rs() * 0.1 : 0.75 + rs() * 0.1);
    shapes.push(box(cupX, ty - 0.02, 0.05, 0.06, p.accent2, { radius: 0.015 }));
    return { background: wall, shapes };
  }

  // abstract
  const ang = rt() * Math.PI * 2;
  const dx = Math.cos(ang);
  const dy = Math.sin(ang);
  const span = Math.abs(dx) * ax + Math.abs(dy) * ay;
  const c0 = p.skyTop;
  const c1 = p.skyBottom;
  const bg: Scene['background'] = (x, y, out) => {
    const t = clamp01(((x - ax / 2) * dx + (y - ay / 2) * dy) / span + 0.5);
    out[0] = c0[0] + (c1[0] - c0[0]) * t;
    out[1] = c0[1] + (c1[1] - c0[1]) * t;
    out[2] = c0[2] + (c1[2] - c0[2]) * t;
  };
  const colors = [p.accent, p.accent2, p.subject, p.light, p.ground];
  for (let i = 0, n = 9 + Math.floor(rs() * 8); i < n; i++) {
    const col = colors[Math.floor(rt() * colors.length)] as RGB;
    const x = rs() * ax;
    const y = rs() * ay;
    const s = 0.04 + rs() * 0.14;
    const kind = Math.floor(rs() * 4);
    if (kind === 0) shapes.push(circle(x, y, s, col));
    else if (kind === 1) shapes.push(box(x, y, s, s * (0.4 + rs()), col, { radius: s * 0.2 }));
    else if (kind === 2) shapes.push(triangle(x, y - s, x - s, y + s * 0.8, x + s, y + s * 0.8, col));
    else shapes.push(ellipse(x, y, s * 1.4, s * 0.6, col, { rot: rs() * 3 }));
  }
  return { background: bg, shapes };
}

// ---------------------------------------------------------------------------------------------------------------
// Styles

interface ActiveLora {
  style: LoraStyleId;
  sign: number;
  /** |strength| (with the trigger-word boost), clipped to 3. */
  amount: number;
  cos: number;
  sin: number;
  sat: number;
  seed: number;
}

const STYLE_PARAMS: Record<LoraStyleId, { hue: number; sat: number; outlinePx: number }> = {
  neon: { hue: 80, sat: 0.55, outlinePx: 5 },
  watercolor: { hue: -20, sat: -0.25, outlinePx: 4 },
  pixel: { hue: 25, sat: 0.3, outlinePx: 6 },
};

function activeLoras(spec: RenderSpec): ActiveLora[] {
  const out: ActiveLora[] = [];
  for (const l of spec.loras) {
    if (!Number.isFinite(l.strength) || l.strength === 0) continue;
    const style = loraStyle(l.name);
    const boost = triggered(spec.positive, l.name) ? 1 + 0.3 * Math.min(1, Math.abs(l.clipStrength ?? 0)) : 1;
    // The simulated kohya run (catalog EPOCH_RUN): epoch 4 paints at half strength, 8 at full, 12 at one and a half.
    const epoch = EPOCH_RUN[l.name];
    const amount = Math.min(3, Math.abs(l.strength) * boost * (epoch === undefined ? 1 : epoch / 8));
    const k = Math.min(amount, 1.5);
    const sign = Math.sign(l.strength);
    const params = STYLE_PARAMS[style];
    const angle = (sign * params.hue * k * Math.PI) / 180;
    out.push({
      style,
      sign,
      amount,
      cos: Math.cos(angle),
      sin: Math.sin(angle),
      sat: Math.max(0, 1 + params.sat * Math.min(amount, 1.2)),
      seed: hashString(l.name),
    });
  }
  return out;
}

const CHECKPOINT_TONE: Record<string, { sat: number; contrast: number; warm: number; lift: number }> = {
  'v1-5-pruned-emaonly.safetensors': { sat: 1, contrast: 1, warm: 0, lift: 0 },
  'dreamshaper_8.safetensors': { sat: 1.18, contrast: 1.06, warm: 0.035, lift: 0.01 },
  'sd_xl_base_1.0.safetensors': { sat: 1.06, contrast: 1.12, warm: -0.01, lift: 0.02 },
};

// ---------------------------------------------------------------------------------------------------------------
// Rasterising

/** Raw 8-bit RGB pixels of an image. */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

/**
 * Paints the picture for `spec` as raw RGB bytes at {@link imageSize}(spec.width, spec.height), or at an explicit
 * `size` (previews). Pure and deterministic: equal specs give equal bytes. Never throws for finite inputs.
 */
export function renderRaw(spec: RenderSpec, size?: { width: number; height: number }): RawImage {
  const { width: W, height: H } = size ?? imageSize(spec.width, spec.height);
  const S = Math.min(W, H);
  const ax = W / S;
  const ay = H / S;
  const scene = buildScene(spec, ax, ay);
  const loras = activeLoras(spec);
  const px512 = S / 512;

  // Outline: thin and dark in the baseline, thicker and styled per LoRA.
  let outlinePx = 1.2 * px512;
  let outlineAlpha = 0.55;
  for (const l of loras) {
    outlinePx += STYLE_PARAMS[l.style].outlinePx * Math.min(l.amount, 2.5) * px512;
    outlineAlpha = Math.min(0.95, outlineAlpha + 0.3 * Math.min(1, l.amount));
  }
  const halfOutline = outlinePx / 2;
  let block = 1;
  for (const l of loras) if (l.style === 'pixel') block = Math.max(block, 1 + Math.round(Math.min(l.amount, 2) * 6 * px512));

  const data = Buffer.alloc(W * H * 3);
  const col = new Float64Array(3);
  const tmp = new Float64Array(3);
  const oc = new Float64Array(3);
  const margin = (halfOutline + 1) / S;
  const tone = CHECKPOINT_TONE[spec.checkpoint] ?? { sat: 1, contrast: 1, warm: 0, lift: 0 };
  const cfg = Number.isFinite(spec.cfg) ? spec.cfg : 7;
  const cfgSat = 0.8 + 0.4 * clamp01((cfg - 1) / 14);
  const cfgContrast = 1 + Math.max(0, cfg - 12) * 0.03;
  const grain = (Math.max(0, 10 - (Number.isFinite(spec.steps) ? spec.steps : 20)) / 10) * 0.16;
  const noiseSeed = hashString(`${spec.seed}:${spec.batchIndex ?? 0}`, 77);
  const shapes = scene.shapes;

  for (let by = 0; by < H; by += block) {
    for (let bx = 0; bx < W; bx += block) {
      // Scene colour at the block centre (block = 1: the pixel centre).
      const sx = (bx + Math.min(block, W - bx) / 2) / S;
      const sy = (by + Math.min(block, H - by) / 2) / S;
      scene.background(sx, sy, col);
      for (let i = 0; i < shapes.length; i++) {
        const s = shapes[i] as Shape;
        if (sx < s.x0 - margin || sx > s.x1 + margin || sy < s.y0 - margin || sy > s.y1 + margin) continue;
        const dpx = s.dist(sx, sy) * S;
        if (dpx > halfOutline + 1) continue;
        const cov = clamp01(0.5 - dpx);
        s.fill(sx, sy, tmp);
        if (cov > 0) mixInto(col, tmp, cov * s.alpha);
        if (s.outline) {
          const ocov = clamp01(0.5 - (Math.abs(dpx) - halfOutline));
          if (ocov > 0) {
            oc[0] = (tmp[0] as number) * 0.3;
            oc[1] = (tmp[1] as number) * 0.3;
            oc[2] = (tmp[2] as number) * 0.3;
            for (const l of loras) {
              const t = Math.min(1, l.amount);
              if (l.style === 'neon') mixInto(oc, [1 - (tmp[0] as number) * 0.5, 1 - (tmp[1] as number) * 0.2, 1], t);
              else if (l.style === 'pixel') mixInto(oc, [0.02, 0.02, 0.05], t);
              else mixInto(oc, [(tmp[0] as number) * 0.45, (tmp[1] as number) * 0.4, (tmp[2] as number) * 0.55], t);
            }
            mixInto(col, oc, ocov * outlineAlpha * s.alpha);
          }
        }
      }

      const ey = Math.min(by + block, H);
      const ex = Math.min(bx + block, W);
      for (let y = by; y < ey; y++) {
        for (let x = bx; x < ex; x++) {
          let r = col[0] as number;
          let g = col[1] as number;
          let b = col[2] as number;

          // Checkpoint and cfg grading (part of every image, LoRA or not).
          let Y = 0.299 * r + 0.587 * g + 0.114 * b;
          const sat = tone.sat * cfgSat;
          r = Y + (r - Y) * sat + tone.warm + tone.lift;
          g = Y + (g - Y) * sat + tone.lift;
          b = Y + (b - Y) * sat - tone.warm + tone.lift;
          const con = tone.contrast * cfgContrast;
          r = (r - 0.5) * con + 0.5;
          g = (g - 0.5) * con + 0.5;
          b = (b - 0.5) * con + 0.5;

          for (const l of loras) {
            // Hue rotation and saturation in YIQ.
            Y = 0.299 * r + 0.587 * g + 0.114 * b;
            const I = 0.596 * r - 0.274 * g - 0.322 * b;
            const Q = 0.211 * r - 0.523 * g + 0.312 * b;
            const I2 = (I * l.cos - Q * l.sin) * l.sat;
            const Q2 = (I * l.sin + Q * l.cos) * l.sat;
            r = Y + 0.956 * I2 + 0.621 * Q2;
            g = Y - 0.272 * I2 - 0.647 * Q2;
            b = Y - 1.106 * I2 + 1.703 * Q2;
            const t = Math.min(1, l.amount);
            if (l.style === 'neon') {
              const period = 14 * px512;
              const ph = ((x + y * 0.6 + (l.sign < 0 ? period / 2 : 0)) / period) % 1;
              if (ph < 0.38) {
                r += (0.95 - r) * 0.4 * t;
                g += (0.1 - g) * 0.4 * t;
                b += (0.85 - b) * 0.4 * t;
              } else {
                r = r * (1 + 0.15 * t);
                g = g * (1 + 0.15 * t);
                b = b * (1 + 0.15 * t);
              }
            } else if (l.style === 'watercolor') {
              const blotch = valueNoise(x / (48 * px512), y / (48 * px512), l.seed) - 0.5;
              const wash = 0.25 * t;
              r += (1 - r) * wash + blotch * 0.22 * t;
              g += (1 - g) * wash + blotch * 0.2 * t;
              b += (0.97 - b) * wash + blotch * 0.18 * t;
              const cell = 9 * px512;
              const cx = (x % cell) - cell / 2;
              const cy = (y % cell) - cell / 2;
              if (cx * cx + cy * cy < (cell * 0.22 * t) ** 2 * 4) {
                r *= 1 - 0.18 * t;
                g *= 1 - 0.15 * t;
                b *= 1 - 0.1 * t;
              }
            } else {
              const levels = Math.max(3, Math.round(24 - 19 * Math.min(1, l.amount)));
              const dither = ((bx / block + by / block) % 2 === 0 ? 0.25 : -0.25) * t;
              r = Math.round(clamp01(r) * (levels - 1) + dither) / (levels - 1);
              g = Math.round(clamp01(g) * (levels - 1) + dither) / (levels - 1);
              b = Math.round(clamp01(b) * (levels - 1) + dither) / (levels - 1);
            }
            if (l.amount > 1.2) {
              // An overbaked LoRA: harsher contrast and speckle.
              const over = Math.min(1.8, l.amount - 1.2);
              const n = (hash2(x, y, l.seed ^ noiseSeed) - 0.5) * 0.3 * over;
              r = (r - 0.5) * (1 + over * 0.7) + 0.5 + n;
              g = (g - 0.5) * (1 + over * 0.7) + 0.5 + n;
              b = (b - 0.5) * (1 + over * 0.7) + 0.5 + n;
            }
          }
          if (grain > 0) {
            const n = (hash2(x, y, noiseSeed) - 0.5) * grain;
            r += n;
            g += n;
            b += n;
          }
          const o = (y * W + x) * 3;
          data[o] = Math.round(clamp01(r) * 255);
          data[o + 1] = Math.round(clamp01(g) * 255);
          data[o + 2] = Math.round(clamp01(b) * 255);
        }
      }
    }
  }
  return { data, width: W, height: H, channels: 3 };
}

/**
 * The PNG SaveImage writes: {@link renderRaw} encoded by sharp (RGB, zlib level 6, no other metadata) with one
 * `tEXt` chunk per `text` entry (ComfyUI: `prompt`, `workflow`) before IEND. Deterministic: equal arguments give
 * byte-identical files. Rejects only if sharp fails.
 */
export async function renderPng(spec: RenderSpec, text: ReadonlyArray<readonly [string, string]> = []): Promise<Buffer> {
  const raw = renderRaw(spec);
  const png = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } })
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toBuffer();
  return text.length > 0 ? insertPngText(png, text) : png;
}

/**
 * A small blurred JPEG of the picture at a sampling `progress` in [0, 1] (the latent preview of a live server):
 * the final picture faded into grey noise. Longest side `maxSide` px. Rejects only if sharp fails.
 */
export async function renderPreviewJpeg(spec: RenderSpec, progress: number, maxSide = 96): Promise<Buffer> {
  const full = imageSize(spec.width, spec.height);
  const k = maxSide / Math.max(full.width, full.height);
  const size = { width: Math.max(8, Math.round(full.width * k)), height: Math.max(8, Math.round(full.height * k)) };
  const raw = renderRaw(spec, size);
  const t = clamp01(progress);
  const seed = hashString(String(spec.seed));
  for (let i = 0; i < raw.data.length; i++) {
    const noise = hash2(i, 7, seed) * 255;
    raw.data[i] = Math.round((raw.data[i] as number) * t + noise * (1 - t));
  }
  return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } })
    .blur(1.2)
    .jpeg({ quality: 60 })
    .toBuffer();
}
