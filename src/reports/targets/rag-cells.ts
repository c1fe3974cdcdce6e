/**
 * A figure's target and status as a page shows them beside it: "Target 85%" and a GOV.UK tag whose
 * words say the status (the colour is never the only sign). Shared by the report pages.
 */
import { type Rag, RAG_TAG_CLASSES } from './rag';

export interface TargetCell {
  /** "85%", or empty when no target applies. */
  target: string;
  /** Whether a coloured status is shown (a target applies and someone is due). */
  rated: boolean;
  words: string;
  tagClass: string;
}

export function targetCell(t: { targetPercent: number | null; status: string; words: string } | null | undefined): TargetCell {
  const status = (t?.status ?? 'no target') as Rag;
  return {
    target: t && t.targetPercent !== null ? `${t.targetPercent}%` : '',
    rated: status === 'green' || status === 'amber' || status === 'red',
    words: t?.words ?? 'No target set',
    tagClass: RAG_TAG_CLASSES[status] ?? 'govuk-tag--grey',
  };
}
