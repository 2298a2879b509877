'use client';

// The LoRA's training metadata next to the setup form: base model, rank, alpha, resolution, suggested trigger words
// (from the server's `/api/comfy/lora-metadata`, or from a local .safetensors whose header is parsed in the browser)
// and a warning when the LoRA's model family differs from the checkpoint's.
import { useQuery } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { loraMetadataQuery } from '@/lib/client/queries';
import { checkpointFamily, familyMismatch, summarizeKohya, type KohyaSummary } from '@/lib/comfy/lora-metadata';
import { DEFAULT_MAX_HEADER_BYTES, headerLength, parseSafetensorsHeader, SAFETENSORS_PREFIX_BYTES } from '@/lib/comfy/safetensors';
import { messageOf } from '@/lib/api/errors';

type Loaded =
  { state: 'idle' } | { state: 'loading' } | { state: 'error'; message: string } | { state: 'done'; summary: KohyaSummary; source: string };

async function readLocalHeader(file: File): Promise<KohyaSummary> {
  const first8 = new Uint8Array(await file.slice(0, SAFETENSORS_PREFIX_BYTES).arrayBuffer());
  const n = headerLength(first8);
  if (n > DEFAULT_MAX_HEADER_BYTES) {
    throw new Error(`header of ${n} bytes exceeds the ${DEFAULT_MAX_HEADER_BYTES} cap`);
  }
  const bytes = await file.slice(0, SAFETENSORS_PREFIX_BYTES + n).arrayBuffer();
  return summarizeKohya(parseSafetensorsHeader(bytes).metadata);
}

function Summary({
  summary,
  checkpoint,
  disabled,
  onUseTriggers,
}: {
  summary: KohyaSummary;
  checkpoint: string;
  disabled: boolean;
  onUseTriggers: (words: string) => void;
}) {
  if (summary.raw_keys === 0) return <p className="muted">no metadata</p>;
  const warning = checkpoint ? familyMismatch(summary.family, checkpointFamily(checkpoint)) : null;
  const words = summary.trigger_suggestions;
  return (
    <div>
      <div className="row">
        <span>
          <span className="hint">Base model</span> {summary.base_model ?? '—'}
          {summary.family ? ` (${summary.family})` : ''}
        </span>
        <span>
          <span className="hint">Rank</span> {summary.rank ?? '—'}
        </span>
        <span>
          <span className="hint">Alpha</span> {summary.alpha ?? '—'}
        </span>
        <span>
          <span className="hint">Resolution</span> {summary.resolution ?? '—'}
        </span>
      </div>
      {warning && <p className="field-error">{warning}</p>}
      <div data-testid="trigger-suggestions">
        {words.length === 0 ? (
          <p className="hint">No tags in the training metadata.</p>
        ) : (
          <>
            <p className="hint">Suggested trigger words (most frequent training tags); click one to use it:</p>
            <div className="row tight" style={{ flexWrap: 'wrap' }}>
              {words.map((w) => (
                <button key={w} type="button" disabled={disabled} onClick={() => onUseTriggers(w)}>
                  {w}
                </button>
              ))}
            </div>
            {summary.trigger_words.length > 0 ? (
              <button type="button" className="link" disabled={disabled} onClick={() => onUseTriggers(summary.trigger_words.join(', '))}>
                Use as trigger words: {summary.trigger_words.join(', ')}
              </button>
            ) : (
              <p className="hint">No tag stands out as a trigger (generic captions such as 1girl or portrait are not one).</p>
            )}
          </>
        )}
      </div>
    </div>
  );
}

/**
 * Training metadata of LoRA file `lora` on the server at `url` (through the query cache, so choosing a LoRA again
 * asks nothing), plus a file input that reads only the header slice of a local `.safetensors` in the browser.
 */
export function LoraMetadata({
  url,
  lora,
  checkpoint,
  disabled,
  onUseTriggers,
}: {
  url: string;
  lora: string;
  checkpoint: string;
  disabled: boolean;
  onUseTriggers: (words: string) => void;
}) {
  const query = useQuery(loraMetadataQuery(url, lora));
  const remote: Loaded = query.data
    ? { state: 'done', summary: query.data, source: lora }
    : query.error
      ? { state: 'error', message: messageOf(query.error) }
      : { state: lora ? 'loading' : 'idle' };
  const [local, setLocal] = useState<Loaded>({ state: 'idle' });

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    setLocal({ state: 'loading' });
    try {
      setLocal({ state: 'done', summary: await readLocalHeader(file), source: file.name });
    } catch (err) {
      setLocal({ state: 'error', message: `${file.name}: ${messageOf(err)}` });
    }
  }

  const shown = local.state !== 'idle' ? local : remote;
  return (
    <fieldset>
      <legend>LoRA metadata</legend>
      {shown.state === 'idle' && <p className="muted">Choose a LoRA to see its training metadata.</p>}
      {shown.state === 'loading' && <p className="muted">Reading metadata…</p>}
      {shown.state === 'error' && <p className="field-error">{shown.message}</p>}
      {shown.state === 'done' && (
        <>
          <p className="hint">From {shown.source}</p>
          <Summary summary={shown.summary} checkpoint={checkpoint} disabled={disabled} onUseTriggers={onUseTriggers} />
        </>
      )}
      <div className="field">
        <label htmlFor="lora-metadata-file">Read a local .safetensors</label>
        <input id="lora-metadata-file" type="file" accept=".safetensors" disabled={disabled} onChange={onFile} />
        {local.state !== 'idle' && (
          <button type="button" className="link" onClick={() => setLocal({ state: 'idle' })}>
            Show the server&apos;s LoRA again
          </button>
        )}
      </div>
    </fieldset>
  );
}
