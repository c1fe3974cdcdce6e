/**
 * The NHS return laid out as the return asks: one row per data item, one column per quarter. The
 * same rows make the page's table, the CSV and the XLSX; nothing is worked out here.
 */
import { formatUkDate } from '../../common/dates';
import type { Sheet } from '../shared/export-files';
import type { NhsQuarterView, NhsReturnView, NhsTrainingFiguresView } from './nhs-return.dto';

interface DataItem {
  /** The return's section. */
  section: string;
  item: string;
  /** What a quarter's cell holds, as a spreadsheet value (numbers stay numbers). */
  value: (q: NhsQuarterView) => string | number | null;
}

const yesNo = (b: boolean) => (b ? 'Yes' : 'No');

function trainingItems(section: string, pick: (q: NhsQuarterView) => NhsTrainingFiguresView): DataItem[] {
  return [
    { section, item: 'Staff eligible', value: (q) => pick(q).eligible },
    { section, item: 'Staff trained', value: (q) => pick(q).trained },
    { section, item: 'Staff eligible and not trained', value: (q) => pick(q).notTrained },
    { section, item: 'New starters not yet due', value: (q) => pick(q).notYetDue },
    { section, item: 'Percentage trained', value: (q) => pick(q).percentTrained },
  ];
}

export function dataItems(v: NhsReturnView): DataItem[] {
  const levels = (codes: string[]) => codes.join(', ');
  return [
    { section: 'Prevent lead', item: 'Named Prevent lead in post', value: (q) => yesNo(q.leadNamed) },
    { section: 'Prevent lead', item: 'Prevent lead trained (holds a valid L3)', value: (q) => yesNo(q.leadTrained) },
    ...trainingItems(`Basic Prevent awareness (${levels(v.mapping.basic.levels)})`, (q) => q.basic),
    ...trainingItems(`WRAP / level 3 (${levels(v.mapping.wrap.levels)})`, (q) => q.wrap),
    { section: 'Referrals', item: 'Prevent referrals (concerns reported)', value: (q) => q.referrals },
    { section: 'Referrals', item: 'Of which referred to Channel', value: (q) => q.channelReferrals },
  ];
}

/** The page's table: rows of data items, a column per quarter. */
export function nhsTable(v: NhsReturnView) {
  const cell = (value: string | number | null, item: string) =>
    value === null ? '–' : typeof value === 'number' ? (item === 'Percentage trained' ? `${value.toFixed(1)}%` : value.toLocaleString('en-GB')) : value;
  const items = dataItems(v);
  return {
    caption: `NHS Prevent quarterly return, ${v.yearName}: ${v.organisation.name}`,
    columns: [{ label: 'Data item', numeric: false }, ...v.quarters.map((q) => ({ label: q.label, sub: `at ${formatUkDate(q.end)}`, numeric: true }))],
    sections: [...new Set(items.map((i) => i.section))].map((section) => ({
      section,
      span: v.quarters.length + 1,
      rows: items.filter((i) => i.section === section).map((i) => ({ label: i.item, cells: v.quarters.map((q) => cell(i.value(q), i.item)) })),
    })),
  };
}

/** The download: a row per data item, its section and item first, then a column per quarter. */
export function nhsSheet(v: NhsReturnView): Sheet {
  return {
    name: `NHS Prevent return ${v.yearName}`,
    heading: [
      `NHS Prevent quarterly return, ${v.yearName}`,
      `${v.organisation.name} (${v.organisation.code})`,
      'Figures at each quarter’s last day. Percentage trained leaves out new starters not yet due.',
    ],
    columns: [
      { header: 'Section', key: 'section', width: 34 },
      { header: 'Data item', key: 'item', width: 40 },
      ...v.quarters.map((q) => ({ header: `${q.label} (at ${q.end})`, key: `q${q.quarter}`, width: 22 })),
    ],
    rows: dataItems(v).map((i) => ({ section: i.section, item: i.item, ...Object.fromEntries(v.quarters.map((q) => [`q${q.quarter}`, i.value(q)])) })),
  };
}
