/** The evidence pack as its page and PDF show it: dates in words, statuses in words as well as colour. */
import { formatUkDate } from '../../common/dates';
import { RAG_TAG_CLASSES } from '../targets/rag';
import { STATUS_WORDS } from '../shared/words';
import type { EvidencePackView } from './evidence-pack.dto';

const pct = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)}%`);

export function evidenceModel(p: EvidencePackView) {
  const lead = p.lead;
  const leadSummary =
    lead.leadsWithValidL3 > 0
      ? `${p.organisation.name} has a named Prevent lead holding a valid L3 (train the trainer).`
      : lead.leads > 0
        ? `${p.organisation.name} has a named Prevent lead, but no lead holds a valid L3 on ${formatUkDate(p.preparedOn)}.`
        : `${p.organisation.name} has no named Prevent lead on ${formatUkDate(p.preparedOn)}.`;
  return {
    preparedOnText: formatUkDate(p.preparedOn),
    leadSummary,
    leads: (lead.leadList ?? []).map((l) => ({
      name: l.name,
      organisation: l.organisationName,
      training: l.validL3 ? (l.validUntil ? `Valid L3 until ${formatUkDate(l.validUntil)}` : 'Valid L3, does not lapse') : 'No valid L3',
    })),
    leadsUnnamed: lead.leads - (lead.leadList?.length ?? 0),
    levels: p.levels.map((l) => ({
      ...l,
      label: `${l.level} ${l.name}`,
      pctText: pct(l.compliancePct),
      targetText: l.target.targetPercent === null ? 'No target set' : `${l.target.targetPercent}%`,
      ragWords: l.target.words,
      ragTag: RAG_TAG_CLASSES[l.target.status as keyof typeof RAG_TAG_CLASSES],
    })),
    sessionsFromText: formatUkDate(p.sessionsFrom),
    sessions: p.sessions.map((s) => ({ ...s, dateText: formatUkDate(s.date) })),
    namedList: p.namedList?.map((l) => ({
      caption: `${l.level} ${l.name}: everyone who needs it`,
      people: l.people.map((person) => ({
        name: person.name,
        ref: person.employeeRef,
        organisation: person.organisation.name,
        status: STATUS_WORDS[person.status],
        due: person.dueOn ? formatUkDate(person.dueOn) : '–',
      })),
    })),
  };
}
