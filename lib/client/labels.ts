import { lorasInWords } from '@/lib/generation/variants';
import type { SessionSummary } from '@/lib/sessions/schema';

/**
 * `{session_id} - {lora_filename} (MM/DD HH:MM)` as DESIGN.md's Load dropdown shows a session; a several-file session
 * names its files in a few words (lorasInWords).
 */
export function sessionLabel(s: SessionSummary): string {
  if (s.damaged) return `${s.session_id} - damaged: ${s.reason}`;
  const d = new Date(s.timestamp * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const when = `${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  return `${s.session_id} - ${lorasInWords(s.lora_files.length ? s.lora_files : [s.lora_filename]) || 'no LoRA yet'} (${when})`;
}
