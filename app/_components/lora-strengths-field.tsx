'use client';

import { fileLabels } from '@/lib/generation/variants';
import type { Setup } from '@/lib/sessions/schema';
import { useFieldIssue } from './use-setup-validation';
import { FieldMessage } from './field-message';

/**
 * Setup's "strengths per file" table (issue 15, schema 3): off, every LoRA file is rendered at every strength; on, a
 * checkbox per file and non-zero strength says which. Strength 0, the placebo, is one picture for all files and is
 * not in the table. Input: a Setup with several `lora_files`. Output through `onChange`: Setup with `lora_strengths`
 * ({} when off; one entry per file when on).
 */
export function LoraStrengthsField({ setup, disabled, onChange }: { setup: Setup; disabled: boolean; onChange: (s: Setup) => void }) {
  const { issue } = useFieldIssue();
  const files = setup.lora_files;
  const strengths = setup.weight_range.filter((w) => w !== 0);
  const labels = fileLabels(files);
  const on = Object.keys(setup.lora_strengths).length > 0;
  const own = (file: string) => setup.lora_strengths[file] ?? strengths;
  const toggle = (file: string, w: number, checked: boolean) => {
    const next = checked ? [...own(file), w].sort((a, b) => a - b) : own(file).filter((x) => x !== w);
    onChange({ ...setup, lora_strengths: { ...Object.fromEntries(files.map((f) => [f, own(f)])), [file]: next } });
  };
  const message = issue('lora_strengths');
  return (
    <div className="field">
      <label className="check">
        <input
          type="checkbox"
          checked={on}
          disabled={disabled || strengths.length === 0}
          aria-describedby="lora-strengths-message"
          onChange={(e) =>
            onChange({ ...setup, lora_strengths: e.target.checked ? Object.fromEntries(files.map((f) => [f, strengths])) : {} })
          }
        />{' '}
        Strengths per file
      </label>
      {on && (
        <div className="table-scroll">
          <table className="strength-matrix">
            <caption className="sr-only">Which strengths each LoRA file is rendered at</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                {strengths.map((w) => (
                  <th key={w} scope="col">
                    {w}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {files.map((file, f) => (
                <tr key={file}>
                  <th scope="row" title={file}>
                    {labels[f]}
                  </th>
                  {strengths.map((w) => (
                    <td key={w}>
                      <input
                        type="checkbox"
                        aria-label={`${labels[f]} at strength ${w}`}
                        checked={own(file).includes(w)}
                        disabled={disabled}
                        onChange={(e) => toggle(file, w, e.target.checked)}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FieldMessage
        id="lora-strengths-message"
        error={message}
        hint="Off: every file at every strength. Strength 0 is rendered once for all files."
      />
    </div>
  );
}
