import { describe, expect, it } from 'vitest';
import { SetupSchema } from '@/lib/sessions/schema';
import { setupIssues } from '@/lib/setup/issues';
import { planLine, serverRefusal, serverUrls } from '@/lib/setup/start';

describe("Setup's messages", () => {
  it('name each field as the form does, counting from 1, in words rather than zod codes', () => {
    const parsed = SetupSchema.parse({
      checkpoint: 'a.safetensors',
      lora_filename: 'b.safetensors',
      seeds: Array.from({ length: 101 }, (_, i) => i),
      prompt_pairs: [{ positive: 'ok' }, { positive: '  ' }],
    });
    // As the form holds it while the user types a width.
    const setup = { ...parsed, sampler: { ...parsed.sampler, width: 500 } };
    const issues = setupIssues(setup);
    expect(Object.fromEntries(issues)).toEqual({
      seeds: 'at most 100 seeds in one session',
      'prompt_pairs.1.positive': 'Prompt 2: every prompt needs positive text',
      'sampler.width': 'width must be a multiple of 8',
    });
    for (const message of issues.values()) expect(message).not.toMatch(/Too big|expected|\b0\./);
  });

  it('a fresh Setup lacks its files, a seed and a prompt; a ready one has no message', () => {
    expect([...setupIssues(SetupSchema.parse({})).keys()].sort()).toEqual(['checkpoint', 'lora_filename', 'prompt_pairs', 'seeds']);
    const ready = SetupSchema.parse({ checkpoint: 'a', lora_filename: 'b', seeds: [1], prompt_pairs: [{ positive: 'x' }] });
    expect(setupIssues(ready).size).toBe(0);
  });

  it('the plan line says what is missing instead of "0 images · 0 s"', () => {
    expect(planLine(SetupSchema.parse({ seeds: [1, 2] }))).toBe("No images planned yet: add a prompt to see the grid's size and time.");
    expect(planLine(SetupSchema.parse({ weight_range: [] }))).toBe(
      "No images planned yet: add a prompt, a seed and a LoRA strength to see the grid's size and time.",
    );
    expect(planLine(SetupSchema.parse({ seeds: [1, 2], prompt_pairs: [{ positive: 'x' }] }))).toBe(
      '1 prompts × 2 seeds × (baseline + 3 strengths) = 8 images · about 8 s of GPU time',
    );
  });

  it('Start is refused with the reason while no server answers', () => {
    const down = {
      url: 'http://127.0.0.1:9',
      simulated: false,
      reachable: false,
      gpu: null,
      cpu: false,
      vram_free: null,
      error: 'ComfyUI at http://127.0.0.1:9 refused the connection',
      checkpoints: [],
      loras: [],
      samplers: [],
      schedulers: [],
    };
    expect(serverRefusal([down])).toMatch(
      /^Not started: no ComfyUI server answers \(http:\/\/127\.0\.0\.1:9: ComfyUI at .* refused the connection\)/,
    );
    // Several servers: one that answers is enough.
    expect(serverRefusal([down, { ...down, url: 'http://gpu:8188', reachable: true, error: null }])).toBeNull();
    expect(serverUrls(' http://a:1/, http://b:2 ,http://a:1')).toEqual(['http://a:1', 'http://b:2']);
    expect(serverUrls('')).toEqual(['']);
  });
});
