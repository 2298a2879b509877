import type { Role } from '@/lib/sessions/schema';
import type { RevealRow } from '../schema';
import { formatNumber, WINNER_LABEL } from './format';

/** An image of the reveal: its URL (a data: URL in the HTML export), null when the file is missing, and its name. */
export interface RevealImage {
  src: string | null;
  name: string;
}

/** image_id → its image; an id that is not in it shows as missing. */
export type RevealImages = Record<string, RevealImage>;

/** What a side showed: the baseline, or the LoRA at a strength (a pair between strengths has one in each place). */
function roleLabel(row: RevealRow, role: Role): string {
  // Several files: every LoRA side names its file and strength (`epoch 8 0.5`).
  if (row.file !== undefined) {
    if (role === 'lora') return `${row.file} ${formatNumber(row.strength)}`;
    return row.versus_strength === null ? 'Baseline' : `${row.versus_file} ${formatNumber(row.versus_strength)}`;
  }
  if (role === 'lora') return row.versus_strength === null ? 'LoRA' : `LoRA ${formatNumber(row.strength)}`;
  return row.versus_strength === null ? 'Baseline' : `LoRA ${formatNumber(row.versus_strength)}`;
}

function Side({ side, role, label, image }: { side: 'Left' | 'Right'; role: Role; label: string; image: RevealImage | undefined }) {
  return (
    <figure data-side={side.toLowerCase()} data-role={role}>
      {image?.src ? (
        <img src={image.src} alt={`${side}: ${label} (${image.name})`} title={image.name} loading="lazy" />
      ) : (
        <div className="missing" title={image?.name}>
          image missing
        </div>
      )}
      <figcaption>
        {side}: <span className={`tag ${role}`}>{label}</span>
      </figcaption>
    </figure>
  );
}

/** One revealed pair: where it was in the order, its prompt, both images labelled by role, and the verdicts. */
export function RevealCard({ row, metrics, images }: { row: RevealRow; metrics: string[]; images: RevealImages }) {
  const roles: [Role, Role] = row.left === 'lora' ? ['lora', 'baseline'] : ['baseline', 'lora'];
  const imageOf = (role: Role) => images[role === 'lora' ? row.lora_image_id : row.baseline_image_id];
  return (
    <div className="reveal-item" data-testid="reveal-item" data-pair={row.pair_id}>
      <div className="head">
        #{row.index + 1} · prompt {row.prompt_index + 1}
        {row.seed === null ? '' : ` · seed ${row.seed}`} ·{' '}
        {row.file !== undefined
          ? `${roleLabel(row, 'baseline')} vs ${roleLabel(row, 'lora')}`
          : row.versus_strength === null
            ? `strength ${formatNumber(row.strength)}`
            : `strengths ${formatNumber(row.versus_strength)} and ${formatNumber(row.strength)}`}
      </div>
      <div className="prompt muted" title={row.positive}>
        {row.positive}
      </div>
      <div className="imgs">
        <Side side="Left" role={roles[0]} label={roleLabel(row, roles[0])} image={imageOf(roles[0])} />
        <Side side="Right" role={roles[1]} label={roleLabel(row, roles[1])} image={imageOf(roles[1])} />
      </div>
      <div className="verdicts muted">
        {metrics.map((m, i) => {
          const w = row.verdicts[m];
          return (
            <span key={m} data-metric={m} data-verdict={w ?? 'none'}>
              {i > 0 ? ' · ' : ''}
              {m}: {!w ? '–' : w === 'lora' || w === 'baseline' ? roleLabel(row, w) : WINNER_LABEL[w]}
            </span>
          );
        })}
      </div>
    </div>
  );
}

/** Revealed pairs as a grid of cards. */
export function RevealGallery({
  rows,
  metrics,
  images,
  testId,
}: {
  rows: RevealRow[];
  metrics: string[];
  images: RevealImages;
  testId: string;
}) {
  return (
    <div className="reveal" data-testid={testId}>
      {rows.map((row) => (
        <RevealCard key={row.pair_id} row={row} metrics={metrics} images={images} />
      ))}
    </div>
  );
}
