/** The needs analysis in plain words and tables, for its page and downloads. */
import { formatUkDate } from '../../common/dates';
import type { Sheet, SheetColumn } from '../shared/export-files';
import type { LevelNeeds, NeedsAnalysis, NeedsGroup } from './needs-analysis.service';
import { num, type TableModel } from '../quarterly/quarterly-presenter';

import { shortLevelName } from '../shared/words';

export { shortLevelName } from '../shared/words';

function people(n: number): string {
  return `${num(n)} ${n === 1 ? 'person' : 'people'}`;
}

function horizonWords(a: NeedsAnalysis): string {
  return a.horizonMonths === 1 ? 'in the next month' : `in the next ${a.horizonMonths} months`;
}

/** One sentence per level, e.g. "112 people need WRAP in the next 12 months: about 6 sessions; 2 trained trainers, 1 more needed". */
export function needsSentences(a: NeedsAnalysis): { level: string; sentence: string; detail: string; short: boolean }[] {
  return a.levels.map((l) => {
    const need = `${people(l.demand)} ${l.demand === 1 ? 'needs' : 'need'} ${shortLevelName(l)} (${l.level}) ${horizonWords(a)}`;
    const detail =
      `${num(l.overdue)} overdue now, ${num(l.pending)} new ${l.pending === 1 ? 'starter' : 'starters'} still in their grace period, ` +
      `and ${people(l.lapsingInHorizon)} whose training lapses by ${formatUkDate(a.horizonEnd)}.`;
    if (l.sessionsNeeded === null) return { level: l.level, sentence: `${need}.`, detail, short: false };
    const sessions = `about ${num(l.sessionsNeeded)} ${l.sessionsNeeded === 1 ? 'session' : 'sessions'}`;
    const trainers = `${num(l.trainersAvailable ?? 0)} trained ${l.trainersAvailable === 1 ? 'trainer' : 'trainers'}`;
    const more = l.trainerShortfall ? `${num(l.trainerShortfall)} more needed` : l.sessionsNeeded === 0 ? 'no sessions to run' : 'enough to run them';
    return {
      level: l.level,
      sentence: `${need}: ${sessions}; ${trainers}, ${more}.`,
      detail: `${detail} Sessions of ${num(a.sessionCapacity)} places; a trainer runs ${num(a.sessionsPerTrainer)} a year, so ${trainerRate(a)} in the horizon.`,
      short: (l.trainerShortfall ?? 0) > 0,
    };
  });
}

function trainerRate(a: NeedsAnalysis): string {
  const tenths = Math.round((a.sessionsPerTrainer * a.horizonMonths * 10) / 12);
  const value = tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1);
  return `${value} ${value === '1' ? 'session' : 'sessions'} each`;
}

const dash = (v: number | null) => (v === null ? '–' : num(v));

/** Rows are the figures, columns the levels. */
export function needsTable(a: NeedsAnalysis): TableModel {
  const row = (label: string, cell: (l: LevelNeeds) => string, hint?: string) => ({ label, hint, cells: a.levels.map(cell) });
  return {
    caption: `Needs per level, ${formatUkDate(a.asOf)} to ${formatUkDate(a.horizonEnd)}`,
    columns: [{ label: 'Figure', numeric: false }, ...a.levels.map((l) => ({ label: l.level, sub: l.name, numeric: true }))],
    rows: [
      row('Required', (l) => num(l.required), 'people who need the level now'),
      row('Meet it now', (l) => num(l.met)),
      row('Overdue', (l) => num(l.overdue), 'expired or never trained'),
      row('Pending', (l) => num(l.pending), 'new starters still within their grace period'),
      row('Lapsing in the horizon', (l) => num(l.lapsingInHorizon), `meet it now but not on ${formatUkDate(a.horizonEnd)}`),
      row('Demand', (l) => num(l.demand), 'overdue + pending + lapsing'),
      row('Sessions needed', (l) => dash(l.sessionsNeeded), `at ${num(a.sessionCapacity)} places a session`),
      row('Trainers available', (l) => dash(l.trainersAvailable), `people holding a valid ${trainerLevel(a)} now`),
      row('Trainers needed', (l) => dash(l.trainersNeeded), `at ${num(a.sessionsPerTrainer)} sessions a trainer a year`),
      row('Trainer shortfall', (l) => dash(l.trainerShortfall)),
    ],
  };
}

/** One row per group: demand per level and, for WRAP, sessions and trainers; groups short of trainers highlighted. */
export function needsGroupTable(a: NeedsAnalysis, caption: string, firstColumn: string, groups: (NeedsGroup & { label: string; href?: string; hint?: string })[]): TableModel & { rows: { highlight?: boolean }[] } {
  const sessionLevel = a.levels.find((l) => l.sessionsNeeded !== null)?.level;
  return {
    caption,
    columns: [
      { label: firstColumn, numeric: false },
      ...a.levels.map((l) => ({ label: `${l.level} demand`, sub: shortLevelName(l), numeric: true })),
      ...(sessionLevel
        ? [
            { label: `${sessionLevel} sessions`, sub: shortLevelName(a.levels.find((l) => l.level === sessionLevel)!), numeric: true },
            { label: 'Trainers', sub: 'available', numeric: true },
            { label: 'Trainers', sub: 'needed', numeric: true },
            { label: 'Shortfall', numeric: true },
          ]
        : []),
    ],
    rows: groups.map((g) => {
      const session = g.levels.find((l) => l.level === sessionLevel);
      return {
        label: g.label,
        href: g.href,
        hint: g.hint,
        highlight: (session?.trainerShortfall ?? 0) > 0,
        cells: [
          ...g.levels.map((l) => num(l.demand)),
          ...(session ? [dash(session.sessionsNeeded), dash(session.trainersAvailable), dash(session.trainersNeeded), dash(session.trainerShortfall)] : []),
        ],
      };
    }),
  };
}

/** The trainers' level with its name: "L3 (WRAP train the trainer)". */
function trainerLevel(a: NeedsAnalysis): string {
  const level = a.levels.find((l) => l.level === a.trainerLevel);
  return level ? `${level.level} (${level.name})` : (a.trainerLevel ?? 'L3');
}

const NEEDS_COLUMNS: SheetColumn[] = [
  { header: 'Breakdown', key: 'breakdown', width: 14 },
  { header: 'Name', key: 'name', width: 36 },
  { header: 'Code', key: 'code', width: 14 },
  { header: 'Level', key: 'level', width: 8 },
  { header: 'Level name', key: 'levelName', width: 30 },
  { header: 'Required', key: 'required', kind: 'number' },
  { header: 'Met', key: 'met', kind: 'number' },
  { header: 'Pending', key: 'pending', kind: 'number' },
  { header: 'Overdue', key: 'overdue', kind: 'number' },
  { header: 'Lapsing in horizon', key: 'lapsingInHorizon', kind: 'number' },
  { header: 'Demand', key: 'demand', kind: 'number' },
  { header: 'Sessions needed', key: 'sessionsNeeded', kind: 'number' },
  { header: 'Trainers available', key: 'trainersAvailable', kind: 'number' },
  { header: 'Trainers needed', key: 'trainersNeeded', kind: 'number' },
  { header: 'Trainer shortfall', key: 'trainerShortfall', kind: 'number' },
];

export function needsSheets(a: NeedsAnalysis): Sheet[] {
  const heading = [
    'Prevent training needs analysis',
    `${a.organisation.name} (${a.organisation.code}) and every organisation within it`,
    `From ${formatUkDate(a.asOf)} for ${a.horizonMonths} months, to ${formatUkDate(a.horizonEnd)}; sessions of ${a.sessionCapacity} places; ${a.sessionsPerTrainer} sessions a trainer a year`,
  ];
  const rows = (breakdown: string, code: string, name: string, levels: LevelNeeds[]) => levels.map((l) => ({ breakdown, code, ...l, levelName: l.name, name }));
  return [
    { name: 'Summary', heading, columns: NEEDS_COLUMNS, rows: rows('Total', a.organisation.code, a.organisation.name, a.levels) },
    { name: 'By organisation', heading, columns: NEEDS_COLUMNS, rows: a.byOrganisation.flatMap((o) => rows('Organisation', o.code, o.direct ? `${o.name} (directly)` : o.name, o.levels)) },
    { name: 'By sector', heading, columns: NEEDS_COLUMNS, rows: a.bySector.flatMap((s) => rows('Sector', s.sector, s.name, s.levels)) },
    { name: 'By role', heading, columns: NEEDS_COLUMNS, rows: a.byRole.flatMap((r) => rows('Role', r.code, r.name, r.levels)) },
  ];
}

export function needsCsvSheet(a: NeedsAnalysis): Sheet {
  const sheets = needsSheets(a);
  return { name: 'Needs analysis', columns: NEEDS_COLUMNS, rows: sheets.flatMap((s) => s.rows) };
}
