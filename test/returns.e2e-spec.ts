/**
 * The returns partners send (issue 15): the NHS Prevent quarterly return equals the gap analysis
 * at each quarter end for the levels mapped to its categories; the inspection evidence pack is a
 * tagged PDF whose text can be read back, naming people only to those who may see them; and a
 * scheduled Working Group pack arrives by SMTP when the quarter closes, once, on a test clock.
 */
import ExcelJS from 'exceljs';
import type { ParsedMail } from 'mailparser';
import type { Response } from 'superagent';
import { Scope } from '../src/auth/scope';
import { addDays, financialQuarter, formatUkDate, quarterOf, todayIso } from '../src/common/dates';
import { OutboxSender } from '../src/notifications/outbox-sender';
import { lastEndedQuarter, quarterLabel } from '../src/reports/quarterly/quarterly.service';
import { chromiumPath } from '../src/reports/shared/pdf-printer';
import { SubscriptionsService } from '../src/reports/subscriptions/subscriptions.service';
import { TargetsService } from '../src/reports/targets/targets.service';
import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';
import { csvLines } from './support/csv';
import { chromiumPdfText as pdfText } from './support/chromium-pdf-text';
import { startSmtp, TestSmtp } from './support/smtp';

function binary(res: Response, done: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

const today = todayIso();
const last = lastEndedQuarter(today);
const lastEnd = financialQuarter(last.year, last.quarter).end;
const year = last.year;
const flat = (s: string) => s.replace(/\s+/g, ' ');
/** A page's text as read: tags dropped, apostrophes and spaces tidied. */
const visible = (html: string) => flat(html.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&'));

/** A partnership with an NHS trust (and a ward inside it), a school, and people whose training differs. */
async function partnership(http: Client): Promise<void> {
  await organisation(http, 'P', null, { name: 'Test Partnership' });
  await organisation(http, 'H', 'P', { name: 'Test NHS Trust', sector: 'health' });
  await organisation(http, 'HA', 'H', { name: 'Ward A', sector: 'health' });
  await organisation(http, 'S', 'P', { name: 'Test School', sector: 'education' });
  await role(http, 'ALL', 'All staff');
  await role(http, 'CLIN', 'Clinical staff');
  await role(http, 'PREVENT_LEAD', 'Organisational Prevent lead');
  await requirement(http, 'ALL', 'L1', { graceDays: 0 });
  await requirement(http, 'CLIN', 'L2', { graceDays: 90 });
  await person(http, { employeeRef: 'N1', organisationCode: 'H', firstName: 'Nia', lastName: 'One', roleCodes: ['ALL', 'CLIN'] });
  await completion(http, 'N1', 'L2', addDays(lastEnd, -365));
  await person(http, { employeeRef: 'N2', organisationCode: 'HA', firstName: 'Ned', lastName: 'Two', roleCodes: ['ALL'] });
  await completion(http, 'N2', 'L1', addDays(lastEnd, -10));
  await person(http, { employeeRef: 'N3', organisationCode: 'HA', firstName: 'Noor', lastName: 'Three', roleCodes: ['ALL', 'CLIN'] });
  await person(http, { employeeRef: 'N5', organisationCode: 'HA', firstName: 'Nat', lastName: 'Five', roleCodes: ['CLIN'], startDate: addDays(lastEnd, -30) });
  await person(http, { employeeRef: 'LL', organisationCode: 'H', firstName: 'Lena', lastName: 'Lead', roleCodes: ['ALL', 'PREVENT_LEAD'] });
  await completion(http, 'LL', 'L3', addDays(lastEnd, -700));
  await person(http, { employeeRef: 'S1', organisationCode: 'S', firstName: 'Sam', lastName: 'School', roleCodes: ['ALL'] });
  await http
    .put('/api/impact-figures')
    .send({ organisationCode: 'HA', year, quarter: last.quarter, concerns: { education: 0, health: 3, localAuthority: 1, police: 0, community: 0, other: 0 }, channelReferrals: 1 })
    .expect(200);
}

type Figures = { required: number; met: number; pending: number; overdue: number; compliancePct: number | null };
const asReturn = (l: Figures) => ({ eligible: l.required, trained: l.met, notYetDue: l.pending, notTrained: l.overdue, percentTrained: l.compliancePct });

describeEachDatabase('returns in their recipients’ shapes', (kind) => {
  let t: TestApp;
  let http: Client;
  let smtp: TestSmtp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp(kind, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://prevent.example.gov.uk' });
    http = t.http();
    await partnership(http);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  describe('NHS Prevent quarterly return', () => {
    const gapAt = async (asOf: string) => (await http.get(`/api/reports/gap-analysis?organisation=H&asOf=${asOf}`).expect(200)).body.levels as (Figures & { level: string })[];

    it('each quarter’s training figures are the gap analysis at its last day for the mapped levels, with the lead and referrals', async () => {
      const v = (await http.get(`/api/reports/nhs-return?organisation=H&year=${year}`).expect(200)).body;
      expect(v.mapping.basic).toEqual({ levels: ['L1'], figuresLevel: 'L1' });
      expect(v.mapping.wrap).toEqual({ levels: ['L2', 'L3'], figuresLevel: 'L2' });
      // Only quarters that have closed: never one still running.
      expect(v.quarters.map((q: { quarter: number }) => q.quarter)).toEqual([1, 2, 3, 4].filter((q) => q <= last.quarter));
      for (const q of v.quarters) {
        const gap = await gapAt(q.end);
        expect(q.basic).toEqual(asReturn(gap.find((l) => l.level === 'L1')!));
        expect(q.wrap).toEqual(asReturn(gap.find((l) => l.level === 'L2')!));
      }
      const closed = v.quarters[v.quarters.length - 1];
      expect(closed.end).toBe(lastEnd);
      // Nia, Ned and Lena trained of five who need L1 (Nat is a new starter, Noor never trained); Nia of three for WRAP.
      expect(closed.basic).toEqual({ eligible: 5, trained: 3, notYetDue: 1, notTrained: 1, percentTrained: 75 });
      expect(closed.wrap).toEqual({ eligible: 3, trained: 1, notYetDue: 1, notTrained: 1, percentTrained: 50 });
      expect(closed).toMatchObject({ leadNamed: true, leadTrained: true, referrals: 4, channelReferrals: 1, organisationsReporting: 1 });
    });

    it('an administrator for the whole partnership maps other levels, and the figures follow the gap analysis for them', async () => {
      await http.put('/api/reports/nhs-return/mapping').send({ basicLevels: ['L2'], wrapLevels: ['L3'] }).expect(200);
      const closed = (await http.get(`/api/reports/nhs-return?organisation=H&year=${year}`).expect(200)).body.quarters.at(-1);
      const gap = await gapAt(lastEnd);
      expect(closed.basic).toEqual(asReturn(gap.find((l) => l.level === 'L2')!));
      expect(closed.wrap).toEqual(asReturn(gap.find((l) => l.level === 'L3')!));
      const both = await http.put('/api/reports/nhs-return/mapping').send({ basicLevels: ['L1', 'L2'], wrapLevels: ['L2'] }).expect(422);
      expect(both.body.message).toBe('wrapLevels: L2 cannot count for both categories: choose it for one of them');
      const coordinator = await t.as('coordinator', 'P');
      await coordinator.put('/api/reports/nhs-return/mapping').send({ basicLevels: ['L1'], wrapLevels: ['L2'] }).expect(403);
      await http.put('/api/reports/nhs-return/mapping').send({ basicLevels: ['L1'], wrapLevels: ['L2', 'L3'] }).expect(200);
    });

    it('downloads as CSV and XLSX with a row per data item and a column per quarter; only for health organisations', async () => {
      const csv = await http.get(`/reports/nhs-return.csv?organisation=H&year=${year}`).expect(200);
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="nhs-prevent-return-H-${year}.csv"`);
      const lines = csvLines(csv.text);
      expect(lines[0]).toBe(
        ['Section', 'Data item', ...[1, 2, 3, 4].filter((q) => q <= last.quarter).map((q) => `${quarterLabel({ year, quarter: q })} (at ${financialQuarter(year, q as 1).end})`)].join(','),
      );
      expect(lines.find((l) => l.startsWith('Basic Prevent awareness (L1),Staff eligible,'))).toMatch(/,5$/);
      expect(lines).toContainEqual(expect.stringMatching(/^WRAP \/ level 3 \(L2, L3\),Percentage trained,.*,50$/));
      expect(lines).toContainEqual(expect.stringMatching(/^Prevent lead,Named Prevent lead in post,.*Yes$/));
      const xlsx = await http.get(`/reports/nhs-return.xlsx?organisation=H&year=${year}`).buffer(true).parse(binary).expect(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.body);
      const sheet = book.worksheets[0];
      const rows: unknown[][] = [];
      sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      expect(rows).toContainEqual(['Basic Prevent awareness (L1)', 'Staff trained', ...Array(last.quarter - 1).fill(expect.anything()), 3]);
      const school = await http.get(`/api/reports/nhs-return?organisation=S&year=${year}`).expect(422);
      expect(school.body.message).toBe('organisation: The NHS return is for health organisations; Test School is in the education sector');
      const page = await http.get(`/reports/nhs-return?organisation=H&year=${year}`).expect(200);
      expect(flat(page.text)).toContain('Staff eligible');
    });
  });

  describe('inspection evidence pack', () => {
    const pdfAs = async (client: Client) => {
      const res = await client.get('/reports/evidence-pack.pdf?organisation=H').buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      return res.body as Buffer;
    };

    beforeAll(async () => {
      await t.app.get(TargetsService).setPartnership(Scope.system(), { level: 'L1', targetPercent: 85 });
    });

    it('is a tagged PDF, dated, with the lead and their L3, compliance against target, and the named list for a coordinator', async () => {
      if (!chromiumPath()) return void (await http.get('/reports/evidence-pack.pdf?organisation=H').set('Accept', 'application/json').expect(503));
      const pdf = await pdfAs(await t.as('coordinator', 'H'));
      const raw = pdf.toString('latin1');
      expect(raw).toContain('/StructTreeRoot');
      expect(raw).toMatch(/\/MarkInfo <<[^>]*\/Marked true/);
      expect(raw).toContain('/Lang (en-GB)');
      expect(raw).toContain('/Title (Prevent training evidence: Test NHS Trust)');
      const text = flat(pdfText(pdf));
      expect(text).toContain('Prevent training evidence');
      expect(text).toContain(`Prepared on ${formatUkDate(today)}`);
      expect(text).toContain('Lena Lead');
      expect(text).toContain('Valid L3 until');
      expect(text).toContain('85%');
      expect(text).toContain('Below target');
      expect(text).toContain('Staff training records');
      expect(text).toContain('Noor Three');
    });

    it('shows a viewer the figures but no name, and keeps the named list to coordinators and administrators', async () => {
      const viewer = await t.as('viewer', 'H');
      const json = (await viewer.get('/api/reports/evidence-pack?organisation=H').expect(200)).body;
      expect(json.lead.leadsWithValidL3).toBe(1);
      expect(json.lead.leadList).toBeUndefined();
      expect(json.namedList).toBeNull();
      expect(json.levels[0]).toMatchObject({ level: 'L1', compliancePct: expect.any(Number), target: { targetPercent: 85 } });
      const manager = await t.as('manager', 'H');
      expect((await manager.get('/api/reports/evidence-pack?organisation=H').expect(200)).body.namedList).toBeNull();
      if (!chromiumPath()) return;
      const text = flat(pdfText(await pdfAs(viewer)));
      expect(text).toContain('Compliance against target');
      expect(text).toContain('1 lead is counted but not named');
      for (const name of ['Lena Lead', 'Noor Three', 'Nia One']) expect(text).not.toContain(name);
      expect(text).not.toContain('Staff training records');
    });
  });

  describe('scheduled delivery', () => {
    it('emails the Working Group pack to each address once, the day after the quarter closes, with that quarter’s figures', async () => {
      const coordinator = await t.as('coordinator', 'P');
      const created = await coordinator
        .post('/api/report-subscriptions')
        .send({ report: 'working-group-pack', organisation: 'P', frequency: 'quarterly', recipients: ['pwg@example.gov.uk', 'Chair@Example.gov.uk'] })
        .expect(201);
      expect(created.body).toMatchObject({ reportName: 'Prevent Working Group pack', recipients: ['pwg@example.gov.uk', 'chair@example.gov.uk'] });
      // Nothing for quarters that closed before it was set up, nor while the quarter runs.
      const running = quarterOf(today);
      const closes = financialQuarter(running.year, running.quarter).end;
      const jobs = t.app.get(SubscriptionsService);
      const at = (date: string) => new Date(`${date}T09:00:00Z`);
      expect(await jobs.run(at(today))).toBe(0);
      expect(await jobs.run(at(closes))).toBe(0);
      // The day after it closes: one email to each address; running again (or on another server) writes nothing.
      expect(await jobs.run(at(addDays(closes, 1)))).toBe(2);
      expect(await jobs.run(at(addDays(closes, 2)))).toBe(0);
      await t.app.get(OutboxSender).sendDue(at(addDays(closes, 1)));
      const mails: ParsedMail[] = await smtp.waitFor(2);
      const label = quarterLabel(running);
      expect(mails.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address).sort()).toEqual(['chair@example.gov.uk', 'pwg@example.gov.uk']);
      for (const mail of mails) {
        expect(mail.subject).toBe(`Prevent Working Group pack, ${label}: Test Partnership`);
        expect(String(mail.text)).toContain(`with the figures of ${label}, which closed on ${formatUkDate(closes)}`);
      }
      const attachment = mails[0].attachments[0];
      if (!chromiumPath()) return void expect(attachment.filename).toMatch(/\.xlsx$/);
      expect(attachment.filename).toBe(`prevent-working-group-pack-P-${running.year}-Q${running.quarter}.pdf`);
      const text = flat(pdfText(attachment.content));
      expect(text).toContain(`Prevent Working Group pack, ${label}`);
      expect(text).toContain('Organisations with no Prevent lead holding a valid L3');
      expect(text).toContain('Test School');
      expect(text).not.toContain('This quarter has not ended');
    });

    it('the pages: the packs show with their forms, and the scheduling form shows every problem at its box', async () => {
      expect(visible((await http.get('/reports/evidence-pack?organisation=H').expect(200)).text)).toContain(`Prepared on ${formatUkDate(today)}`);
      const pack = visible((await http.get(`/reports/working-group-pack?organisation=P&year=${last.year}&quarter=${last.quarter}`).expect(200)).text);
      expect(pack).toContain(`Prevent Working Group pack, ${quarterLabel(last)}`);
      expect(pack).toMatch(/Organisations with no Prevent lead holding a valid L3 at .* Test School \(Education\): No named lead/);
      const page = await http.get('/reports/subscriptions').expect(200);
      expect(visible(page.text)).toContain('Prevent Working Group pack');
      const refused = await http.post('/reports/subscriptions').set('Accept', 'text/html').type('form').send({ organisation: 'P', recipients: 'not an address' }).expect(422);
      const text = visible(refused.text);
      expect(text).toContain('There is a problem');
      for (const problem of ['Choose which report to send', 'Choose how often to send it', 'Enter each email address in the correct format']) expect(text).toContain(problem);
      expect(refused.text).toContain('>not an address</textarea>');
    });

    it('refuses the NHS return for an organisation outside health, and stops a subscription', async () => {
      const coordinator = await t.as('coordinator', 'P');
      const refused = await coordinator.post('/api/report-subscriptions').send({ report: 'nhs-return', organisation: 'S', frequency: 'monthly', recipients: ['a@example.gov.uk'] }).expect(422);
      expect(refused.body.field).toBe('organisation');
      const bad = await coordinator.post('/api/report-subscriptions').send({ report: 'trend', organisation: 'P', frequency: 'weekly', recipients: ['not an address'] }).expect(400);
      expect(JSON.stringify(bad.body.message)).toContain('Enter each email address in the correct format');
      const { id } = (await coordinator.post('/api/report-subscriptions').send({ report: 'nhs-return', organisation: 'H', frequency: 'monthly', recipients: ['nhs@example.gov.uk'] }).expect(201)).body;
      const school = await t.as('coordinator', 'S');
      await school.delete(`/api/report-subscriptions/${id}`).expect(404);
      expect((await school.get('/api/report-subscriptions').expect(200)).body.items).toEqual([]);
      await coordinator.delete(`/api/report-subscriptions/${id}`).expect(204);
      expect((await coordinator.get('/api/report-subscriptions').expect(200)).body.items.map((s: { report: string }) => s.report)).toEqual(['working-group-pack']);
    });
  });
});
