/**
 * Red, amber or green against a target (DOMAIN.md "Other frameworks and targets"): green at or above
 * the target, amber within the amber margin below it (default 5 points), red below that. Pure: no
 * Nest, no database. Compared in whole tenths, as compliance % is rounded to one decimal place.
 */

export const DEFAULT_AMBER_MARGIN = 5;

export interface TargetRule {
  /** Target compliance %, e.g. 85 or 87.5. */
  targetPercent: number;
  /** Points below the target that are still amber, e.g. 5: 80.0% to 84.9% is amber for 85%. */
  amberMargin: number;
}

/** 'no target' when none applies; 'nobody due' when a target applies but the figure is empty (nobody due yet). */
export type Rag = 'green' | 'amber' | 'red' | 'no target' | 'nobody due';

export const RAG_WORDS: Record<Rag, string> = {
  green: 'On target',
  amber: 'Close to target',
  red: 'Below target',
  'no target': 'No target set',
  'nobody due': 'Nobody due yet',
};

/** GOV.UK tag colours; the words always go with them, so the colour is never the only sign. */
export const RAG_TAG_CLASSES: Record<Rag, string> = {
  green: 'govuk-tag--green',
  amber: 'govuk-tag--yellow',
  red: 'govuk-tag--red',
  'no target': 'govuk-tag--grey',
  'nobody due': 'govuk-tag--grey',
};

const tenths = (percent: number) => Math.round(percent * 10);

export function ragOf(percent: number | null, target: TargetRule | null | undefined): Rag {
  if (!target) return 'no target';
  if (percent === null) return 'nobody due';
  const value = tenths(percent);
  if (value >= tenths(target.targetPercent)) return 'green';
  if (value >= tenths(target.targetPercent) - tenths(target.amberMargin)) return 'amber';
  return 'red';
}

/** What a page, the API and a download show beside a figure: the target, the status and its words. */
export interface RagView {
  targetPercent: number | null;
  amberMargin: number | null;
  status: Rag;
  words: string;
}

export function ragView(percent: number | null, target: TargetRule | null | undefined): RagView {
  const status = ragOf(percent, target);
  return { targetPercent: target?.targetPercent ?? null, amberMargin: target?.amberMargin ?? null, status, words: RAG_WORDS[status] };
}

/** "85%" for a target, "" for none. */
export function targetText(target: TargetRule | null | undefined): string {
  return target ? `${target.targetPercent}%` : '';
}

/** One level's figure with its target beside it. */
export interface LevelTarget extends RagView {
  level: string;
}

/** The target and status of each level's figure, in the order given. */
export function levelTargets(levels: { level: string; pct: number | null }[], targetOf: (level: string) => TargetRule | null): LevelTarget[] {
  return levels.map((l) => ({ level: l.level, ...ragView(l.pct, targetOf(l.level)) }));
}
