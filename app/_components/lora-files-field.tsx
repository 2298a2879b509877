'use client';

import { useState } from 'react';
import { epochRuns, parseEpoch } from '@/lib/generation/variants';
import type { Setup } from '@/lib/sessions/schema';
import { ratingNote } from '@/lib/setup/presets';
import { LoraStrengthsField } from './lora-strengths-field';

/**
 * The files in the order a session ranks them: by epoch when every one is an epoch of one kohya run
 * (lib/generation/variants.ts), else in the server's list order.
 */
function ordered(files: string[], list: readonly string[]): string[] {
  const epochs = files.map(parseEpoch);
  if (epochs.every((e) => e !== null && e.run === epochs[0]!.run)) {
    return [...files].sort((a, b) => parseEpoch(a)!.epoch - parseEpoch(b)!.epoch);
  }
  return [...files].sort((a, b) => list.indexOf(a) - list.indexOf(b));
}

/**
 * Setup's "several LoRA files" picker (issue 15): a filter and a checkbox per LoRA file of the server, plus one button
 * per kohya run ("all epochs of this run"), strengths per file (LoraStrengthsField), and a warning when the plan takes
 * one rater more than an hour. Input: Setup, the server's LoRA list. Output through `onChange`: Setup with
 * `lora_files` (empty again when one file or none is left), `lora_filename` its first file and `lora_strengths`.
 */
export function LoraFilesField({
  setup,
  loras,
  disabled,
  onChange,
}: {
  setup: Setup;
  loras: string[];
  disabled: boolean;
  onChange: (s: Setup) => void;
}) {
  const [filter, setFilter] = useState('');
  const chosen = setup.lora_files.length ? setup.lora_files : setup.lora_filename ? [setup.lora_filename] : [];
  const set = (files: string[]) => {
    const next = ordered(files, loras);
    const several = next.length > 1;
    // Strengths per file stay for the files still chosen; a newly chosen file takes every strength until unticked.
    const kept = Object.entries(setup.lora_strengths).filter(([f]) => several && next.includes(f));
    const lora_strengths = kept.length
      ? Object.fromEntries(next.map((f) => [f, setup.lora_strengths[f] ?? setup.weight_range.filter((w) => w !== 0)]))
      : {};
    onChange({ ...setup, lora_files: several ? next : [], lora_filename: next[0] ?? '', lora_strengths });
  };
  const shown = loras.filter((f) => f.toLowerCase().includes(filter.trim().toLowerCase()));
  const runs = epochRuns(loras);
  return (
    <details className="field lora-files" open={setup.lora_files.length > 0}>
      <summary>Compare several LoRA files{setup.lora_files.length ? ` (${setup.lora_files.length} chosen)` : ''}</summary>
      <p className="muted small">
        Every file is rendered at every strength (or at its own, with strengths per file) with the same seeds, and raters compare file
        against file blind. Strength 0 is the same picture for every file, so it is rendered once.
      </p>
      <div className="row tight">
        {runs.map((r) => (
          <button key={r.run} type="button" disabled={disabled} onClick={() => set(r.files)}>
            All epochs of {r.run} ({r.files.length})
          </button>
        ))}
        {setup.lora_files.length > 0 && (
          <button type="button" disabled={disabled} onClick={() => set(chosen.slice(0, 1))}>
            One file only
          </button>
        )}
      </div>
      {ratingNote(setup) && (
        <p className="field-error" data-testid="rating-note">
          {ratingNote(setup)}
        </p>
      )}
      <label htmlFor="lora-filter">Filter by name</label>
      <input id="lora-filter" value={filter} placeholder="part of a file name" onChange={(e) => setFilter(e.target.value)} />
      <div role="group" aria-label="Files to rank in this session" className="check-list">
        {shown.map((f) => (
          <label key={f} className="check">
            <input
              type="checkbox"
              checked={chosen.includes(f)}
              disabled={disabled}
              onChange={(e) => set(e.target.checked ? [...chosen, f] : chosen.filter((c) => c !== f))}
            />{' '}
            {f}
          </label>
        ))}
        {shown.length === 0 && <span className="muted">No LoRA file matches.</span>}
      </div>
      {setup.lora_files.length > 1 && <LoraStrengthsField setup={setup} disabled={disabled} onChange={onChange} />}
    </details>
  );
}
