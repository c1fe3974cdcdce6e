/**
 * The report pages people read and the files they download: the quarterly report (page, charts,
 * CSV, XLSX, PDF), the annual report, the needs analysis and the impact figures form. The figures
 * themselves are checked in quarterly.e2e-spec.ts and needs-analysis.e2e-spec.ts.
 */
import ExcelJS from 'exceljs';
import type { Response } from 'superagent';
import { chromiumPath } from '../src/reports/shared/pdf-printer';
import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { organisation } from './support/builders';
import { csvLines, everyCellQuoted } from './support/csv';
import { buildPartnership } from './quarterly-partnership';

/** supertest does not buffer binary bodies it does not know; this keeps them as bytes. */
function binary(res: Response, done: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/** The text a person reads: tags stripped, entities and whitespace tidied. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The form whose action is `action`, as HTML. */
function formOf(html: string, action: string): string {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posts to ${action}`);
  return html.slice(start, html.indexOf('</form>', start));
}

/** The first data rows of a CSV download, and its file name. */
async function download(http: Client, url: string): Promise<{ filename: string; lines: string[] }> {
  const res = await http.get(url).expect(200);
  return { filename: /filename="([^"]+)"/.exec(String(res.headers['content-disposition']))![1], lines: csvLines(res.text) };
}

const Q1 = 'organisation=P&year=2025&quarter=1';

describeEachDatabase('report pages and downloads', (kind) => {
  let t: TestApp;
  let http: Client;

  beforeAll(async () => {
    t = await createTestApp(kind);
    http = t.http();
    await buildPartnership(http, t.dataSource);
    // A child organisation whose name a spreadsheet would run as a formula.
    await organisation(http, 'Z1', 'P', { name: '=HYPERLINK("http://evil.example","Click")', sector: 'other' });
  });
  afterAll(() => t.close());

  describe('the quarterly report page', () => {
    let text: string;
    let html: string;
    beforeAll(async () => {
      html = (await http.get(`/reports/quarterly?${Q1}`).expect(200)).text;
      text = visibleText(html);
    });

    it('reads as a report to the working group, starting with a summary in words', () => {
      expect(text).toContain('Test Partnership: report to the Prevent Working Group');
      expect(text).toContain('Prevent training take-up, Q1 2025/26');
      expect(text).toContain(
        'In Q1 2025/26 (1 April 2025 to 30 June 2025), 11 Prevent training completions were recorded for people in Test Partnership: 6 at L1, 4 at L2 and 1 at L3.',
      );
      expect(text).toContain('3 sessions were delivered, with 6 places booked, 5 attendees (walk-ins included) and 2 no-shows.');
      expect(text).toContain('Compliance at 30 June 2025: L1 81.3% (60.0% at 31 March 2025), L2 88.9% (44.4% at 31 March 2025) and L3 100.0% (66.7% at 31 March 2025).');
      expect(text).toContain('L2 WRAP compliance at 30 June 2025, up 44.5 points');
      expect(text).toMatch(/By organisation, Q1 2025\/26 Organisation L1 trained Prevent awareness e-learning L2 trained WRAP L3 trained WRAP train the trainer/);
    });

    it('shows each chart as an image with alternative text and the figures in a table beside it', () => {
      expect(html).toMatch(/<img src="\/reports\/quarterly\/chart\.svg\?organisation&#x3D;P&amp;year&#x3D;2025&amp;quarter&#x3D;1&amp;chart&#x3D;take-up" alt="Bar chart of completions per level/);
      expect(html).toMatch(/chart&#x3D;compliance" alt="Line chart of compliance % per level/);
      expect(text).toMatch(/Completions per level Quarter L1 L2 L3 Q2 2024\/25 0 0 0 Q3 2024\/25 1 0 0 Q4 2024\/25 1 1 0 Q1 2025\/26 6 4 1/);
      expect(text).toMatch(/Q1 2025\/26 81\.3% 88\.9% 100\.0%/);
    });

    it('has the tables, feedback highlights and impact figures, and buttons to download what the form has chosen', () => {
      expect(text).toContain('Figures per level, Q1 2025/26');
      expect(text).toContain('By organisation, Q1 2025/26');
      expect(text).toContain('By sector, Q1 2025/26');
      expect(text).toContain('Confidence in recognising when someone may be vulnerable to radicalisation went from 2.0 before the session to 3.7 after');
      expect(text).toContain('“Clear and practical”');
      expect(text).toContain('Figures entered by 2 organisations for Q1 2025/26');
      expect(html).toContain('href="/static/print.css" media="print"');
      const form = formOf(html, '/reports/quarterly');
      for (const format of ['pdf', 'csv', 'xlsx']) expect(form).toMatch(new RegExp(`<button type="submit"[^>]* name="format" value="${format}">Download`));
      // Every wide table scrolls inside its own box on a phone.
      expect(html.match(/<table/g)!.length).toBe(html.match(/<div class="app-table-scroll" role="region" aria-label="[^"]+" tabindex="0">\s*<table/g)!.length);
    });

    it('escapes every name it shows', () => {
      expect(html).not.toContain('=HYPERLINK("http');
      expect(html).toContain('&#x3D;HYPERLINK(&quot;http://evil.example&quot;,&quot;Click&quot;)');
    });
  });

  describe('charts', () => {
    it('are SVG drawn on the server', async () => {
      const res = await http.get(`/reports/quarterly/chart.svg?${Q1}&chart=take-up`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
      const svg = res.body.toString('utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('Completions per level');
      expect(svg).toContain('#1d70b8');
      const line = (await http.get(`/reports/quarterly/chart.svg?${Q1}&chart=compliance`).buffer(true).parse(binary).expect(200)).body.toString('utf8');
      expect(line).toContain('Compliance % at the end of each quarter');
    });

    it('answer 400 for a chart that does not exist', async () => {
      const res = await http.get(`/reports/quarterly/chart.svg?${Q1}&chart=pie`).set('Accept', 'application/json').expect(400);
      expect(JSON.stringify(res.body.message)).toContain('chart must be one of: take-up, compliance');
    });
  });

  describe('downloads', () => {
    it('CSV: every level of the total, each organisation and each sector, formulas made harmless', async () => {
      const res = await http.get(`/reports/quarterly.csv?${Q1}`).expect(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="prevent-take-up-P-2025-Q1.csv"');
      expect(everyCellQuoted(res.text)).toBe(true);
      expect(res.text).toContain('"Q1 2025/26","Organisation","\'=HYPERLINK(""http://evil.example"",""Click"")","Z1","L1","Prevent awareness e-learning","0",');
      const lines = csvLines(res.text);
      expect(lines[0]).toBe(
        'Period,Breakdown,Name,Code,Level,Level name,Completions,People trained,First time,Refresher,Sessions delivered,Places booked,Attended,No-shows,Feedback responses,Average rating (out of 5),Compliance % at end,Compliance % at previous end',
      );
      expect(lines.slice(1, 4)).toEqual([
        'Q1 2025/26,Total,Test Partnership,P,L1,Prevent awareness e-learning,6,5,2,3,0,0,0,0,0,,81.3,60',
        'Q1 2025/26,Total,Test Partnership,P,L2,WRAP: Workshop to Raise Awareness of Prevent,4,4,3,1,2,5,4,2,3,4,88.9,44.4',
        'Q1 2025/26,Total,Test Partnership,P,L3,WRAP train the trainer,1,1,0,1,1,1,1,0,0,,100,66.7',
      ]);
      expect(lines).toContain('Q1 2025/26,Organisation,\'=HYPERLINK("http://evil.example","Click"),Z1,L1,Prevent awareness e-learning,0,0,0,0,0,0,0,0,0,,,');
      expect(lines.filter((l) => l.includes(',Sector,')).map((l) => l.split(',')[3])).toEqual([
        'local_authority',
        'local_authority',
        'local_authority',
        'education',
        'education',
        'education',
        'health',
        'health',
        'health',
        'other',
        'other',
        'other',
      ]);
    });

    it('XLSX: a workbook with the summary, breakdowns, the last four quarters and impact, cells as values not formulas', async () => {
      const res = await http.get(`/reports/quarterly.xlsx?${Q1}`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.body);
      expect(workbook.worksheets.map((w) => w.name)).toEqual(['Summary', 'By organisation', 'By sector', 'Last four quarters', 'Impact']);
      const summary = workbook.getWorksheet('Summary')!;
      const header = summary.getRow(6).values as unknown[];
      expect(header.slice(1, 8)).toEqual(['Period', 'Breakdown', 'Name', 'Code', 'Level', 'Level name', 'Completions']);
      expect((summary.getRow(8).values as unknown[]).slice(5, 11)).toEqual(['L2', 'WRAP: Workshop to Raise Awareness of Prevent', 4, 4, 3, 1]);
      const names: unknown[] = [];
      workbook.getWorksheet('By organisation')!.eachRow((row) => row.eachCell((cell) => {
        if (cell.type === ExcelJS.ValueType.Formula) throw new Error(`formula in ${cell.address}`);
        names.push(cell.value);
      }));
      expect(names).toContain('\'=HYPERLINK("http://evil.example","Click")');
    });

    it('PDF: the report printed on A4 by Chromium, or a plain 503 when Chromium is missing', async () => {
      if (!chromiumPath()) {
        const res = await http.get(`/reports/quarterly.pdf?${Q1}`).set('Accept', 'application/json').expect(503);
        expect(res.body.message).toContain('PDF export needs Chromium on the server');
        return;
      }
      const res = await http.get(`/reports/quarterly.pdf?${Q1}`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe('attachment; filename="prevent-take-up-P-2025-Q1.pdf"');
      const pdf = res.body as Buffer;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      // A4 portrait in points: 595.92 x 842.88.
      const text = pdf.toString('latin1');
      expect(text).toMatch(/\/MediaBox \[0 0 595\.9\d* 842\.8\d*\]/);
      // Tagged, so screen readers can follow it, with its language and title.
      expect(text).toContain('/StructTreeRoot');
      expect(text).toMatch(/\/MarkInfo <<[^>]*\/Marked true/);
      expect(text).toContain('/Lang (en-GB)');
      expect(text).toContain('/Title (Prevent training take-up, Q1 2025/26: Test Partnership)');
    });

    it('PDF: answers 503 saying how to print instead when Chromium is not installed', async () => {
      const saved = process.env.CHROMIUM_PATH;
      process.env.CHROMIUM_PATH = '/nowhere/chromium';
      try {
        const res = await http.get(`/reports/quarterly.pdf?${Q1}`).set('Accept', 'application/json').expect(503);
        expect(res.body.message).toBe("PDF export needs Chromium on the server; use your browser's Print > Save as PDF");
      } finally {
        if (saved === undefined) delete process.env.CHROMIUM_PATH;
        else process.env.CHROMIUM_PATH = saved;
      }
    });
  });

  describe('downloads follow the choices on the form', () => {
    // The download buttons submit the report's own form (name="format"), so what is chosen is what is downloaded, without JavaScript.
    it('quarterly: another organisation and quarter chosen, then CSV, Excel or PDF', async () => {
      const csv = await download(http, '/reports/quarterly?organisation=H1&year=2024&quarter=4&format=csv');
      expect(csv.filename).toBe('prevent-take-up-H1-2024-Q4.csv');
      expect(csv.lines[1]).toMatch(/^Q4 2024\/25,Total,Health Trust,H1,L1,/);
      const xlsx = await http.get('/reports/quarterly?organisation=H1&year=2024&quarter=4&format=xlsx').buffer(true).parse(binary).expect(200);
      expect(xlsx.headers['content-disposition']).toBe('attachment; filename="prevent-take-up-H1-2024-Q4.xlsx"');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.body);
      expect((workbook.getWorksheet('Summary')!.getRow(7).values as unknown[]).slice(1, 4)).toEqual(['Q4 2024/25', 'Total', 'Health Trust']);
      if (!chromiumPath()) return;
      const pdf = await http.get('/reports/quarterly?organisation=H1&year=2024&quarter=4&format=pdf').buffer(true).parse(binary).expect(200);
      expect(pdf.headers['content-disposition']).toBe('attachment; filename="prevent-take-up-H1-2024-Q4.pdf"');
      expect((pdf.body as Buffer).toString('latin1')).toContain('/Title (Prevent training take-up, Q4 2024/25: Health Trust)');
    });

    it('annual: another year and organisation chosen, then CSV; the page has the three buttons in its form', async () => {
      const form = formOf((await http.get('/reports/annual?organisation=P&year=2025').expect(200)).text, '/reports/annual');
      for (const format of ['pdf', 'csv', 'xlsx']) expect(form).toContain(`name="format" value="${format}"`);
      const csv = await download(http, '/reports/annual?organisation=S1&year=2024&format=csv');
      expect(csv.filename).toBe('prevent-annual-S1-2024.csv');
      expect(csv.lines[1]).toMatch(/^Q1 2024\/25,Total,Oak School,S1,L1,/);
      if (!chromiumPath()) return;
      const pdf = await http.get('/reports/annual?organisation=S1&year=2024&format=pdf').buffer(true).parse(binary).expect(200);
      const text = (pdf.body as Buffer).toString('latin1');
      expect(text).toContain('/StructTreeRoot');
      expect(text).toContain('/Lang (en-GB)');
      expect(text).toContain('/Title (Prevent training annual report 2024/25: Oak School)');
    });

    it('needs analysis: the date typed in the boxes, the organisation and the numbers chosen, then CSV or Excel', async () => {
      const chosen = 'organisation=H1&asOf-day=30&asOf-month=6&asOf-year=2025&horizonMonths=6&sessionCapacity=10&sessionsPerTrainer=4';
      const form = formOf((await http.get(`/reports/needs-analysis?${chosen}`).expect(200)).text, '/reports/needs-analysis');
      expect(form).toContain('name="format" value="csv"');
      expect(form).toContain('name="format" value="xlsx"');
      const csv = await download(http, `/reports/needs-analysis?${chosen}&format=csv`);
      expect(csv.filename).toBe('prevent-needs-analysis-H1-2025-06-30-6m.csv');
      expect(csv.lines[1]).toMatch(/^Total,Health Trust,H1,L1,/);
      const xlsx = await http.get(`/reports/needs-analysis?${chosen}&format=xlsx`).buffer(true).parse(binary).expect(200);
      expect(xlsx.headers['content-disposition']).toBe('attachment; filename="prevent-needs-analysis-H1-2025-06-30-6m.xlsx"');
    });
  });

  describe('a filter filled in wrongly', () => {
    it('keeps the form, says what to type at the field and in the summary, and downloads nothing', async () => {
      const res = await http.get('/reports/needs-analysis?organisation=P&asOf-day=31&asOf-month=2&asOf-year=2025&horizonMonths=lots&sessionCapacity=20&format=csv').expect(400);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      const text = visibleText(res.text);
      expect(text).toContain('Error: Needs analysis');
      expect(res.text).toMatch(/<div class="govuk-error-summary"[\s\S]*<a href="#asOf-day">From must be a real date between 1900 and 2199, for example 31 3 2026<\/a>[\s\S]*<a href="#horizonMonths">Months ahead must be a whole number from 1 to 60<\/a>/);
      expect(res.text).toContain('<p id="asOf-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> From must be a real date');
      expect(res.text).toContain('<p id="horizonMonths-error" class="govuk-error-message">');
      // What was typed is shown again.
      expect(res.text).toContain('id="asOf-day" name="asOf-day" type="text" inputmode="numeric" value="31"');
      expect(res.text).toContain('id="horizonMonths" name="horizonMonths" type="text" inputmode="numeric" value="lots"');
      expect(text).not.toContain('asOf must be');
    });

    it('on the quarterly report, a quarter the list does not have', async () => {
      const res = await http.get('/reports/quarterly?organisation=P&year=2025&quarter=9').expect(400);
      expect(res.text).toContain('<a href="#quarter">Choose a quarter from the list</a>');
      expect(res.text).toContain('action="/reports/quarterly"');
    });

    it('the API still takes YYYY-MM-DD and says so', async () => {
      const res = await http.get('/api/reports/needs-analysis?organisation=P&asOf=2025-02-31').expect(400);
      expect(JSON.stringify(res.body.message)).toContain('asOf must be a real date written YYYY-MM-DD');
      await http.get('/api/reports/needs-analysis?organisation=P&asOf=2025-06-30').expect(200);
    });
  });

  describe('the annual report page', () => {
    it('puts the quarters side by side and downloads as CSV', async () => {
      const text = visibleText((await http.get('/reports/annual?organisation=P&year=2025').expect(200)).text);
      expect(text).toContain('Prevent training annual report 2025/26');
      expect(text).toMatch(/L1: Prevent awareness e-learning Figure Q1 2025\/26 Q2 2025\/26 Q3 2025\/26 Q4 2025\/26 Year 2025\/26 Completions 6 0 0 0 6/);
      const csv = await http.get('/reports/annual.csv?organisation=P&year=2025').expect(200);
      expect(everyCellQuoted(csv.text)).toBe(true);
      expect(csvLines(csv.text).join('\n')).toContain('Year 2025/26,Total,Test Partnership,P,L2,WRAP: Workshop to Raise Awareness of Prevent,4,4,3,1,2,5,4,2,3,4,80,44.4');
    });
  });

  describe('the needs analysis page', () => {
    it('says in plain words what is needed, with CSV and XLSX', async () => {
      const query = 'organisation=P&asOf=2025-06-30&horizonMonths=12&sessionCapacity=20&sessionsPerTrainer=6';
      const text = visibleText((await http.get(`/reports/needs-analysis?${query}`).expect(200)).text);
      expect(text).toContain('3 people need WRAP (L2) in the next 12 months: about 1 session; 3 trained trainers, enough to run them.');
      expect(text).toContain('4 people need Prevent awareness e-learning (L1) in the next 12 months.');
      const short = visibleText((await http.get('/reports/needs-analysis?organisation=P&asOf=2025-06-30&horizonMonths=6&sessionCapacity=1&sessionsPerTrainer=1').expect(200)).text);
      expect(short).toContain('2 people need WRAP (L2) in the next 6 months: about 2 sessions; 3 trained trainers, 1 more needed.');
      const csv = await http.get(`/reports/needs-analysis.csv?${query}`).expect(200);
      expect(everyCellQuoted(csv.text)).toBe(true);
      const needs = csvLines(csv.text).join('\n');
      expect(needs).toContain('Total,Test Partnership,P,L2,WRAP: Workshop to Raise Awareness of Prevent,10,8,1,1,1,3,1,3,1,0');
      expect(needs).toContain('Role,Frontline care and support,FRONT,L2,WRAP: Workshop to Raise Awareness of Prevent,7,5,1,1,0,2,1,0,1,1');
      const xlsx = await http.get(`/reports/needs-analysis.xlsx?${query}`).buffer(true).parse(binary).expect(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.body);
      expect(workbook.worksheets.map((w) => w.name)).toEqual(['Summary', 'By organisation', 'By sector', 'By role']);
    });
  });

  describe('the impact figures form', () => {
    it('asks for counts only and says so', async () => {
      const html = (await http.get('/reports/impact?organisation=C1&year=2025&quarter=1').expect(200)).text;
      expect(visibleText(html)).toContain('Counts only. Do not enter names or any other details of the people concerned.');
      expect(html).not.toContain('<textarea');
      const inputs = [...formOf(html, '/reports/impact').matchAll(/<input[^>]*name="([^"]+)"/g)].map((m) => m[1]);
      expect(inputs).toEqual(['_csrf', 'education', 'health', 'localAuthority', 'police', 'community', 'other', 'channelReferrals']);
      // The figures already entered are shown for editing.
      expect(html).toContain('id="localAuthority" name="localAuthority" type="text" inputmode="numeric" spellcheck="false" value="3"');
    });

    it('saves the figures and shows them in the quarterly report', async () => {
      const form = { organisationCode: 'S1', year: '2025', quarter: '1', education: '6', health: '0', localAuthority: '0', police: '1', community: '0', other: '0', channelReferrals: '2' };
      const res = await http.post('/reports/impact').type('form').send(form).expect(303);
      expect(res.headers.location).toBe('/reports/impact?organisation=S1&year=2025&quarter=1&done=saved');
      const report = (await http.get(`/api/reports/quarterly?${Q1}`).expect(200)).body;
      expect(report.impact).toEqual({
        concerns: { education: 8, health: 5, localAuthority: 3, police: 1, community: 1, other: 0, total: 18 },
        channelReferrals: 3,
        organisationsReporting: 3,
      });
    });

    it('names each count that is not a whole number, and saves nothing', async () => {
      const form = { organisationCode: 'H1', year: '2025', quarter: '2', education: '', health: '-1', localAuthority: 'two', police: '0', community: '0', other: '0', channelReferrals: '1.5' };
      const res = await http.post('/reports/impact').type('form').send(form).expect(422);
      const text = visibleText(res.text);
      expect(text).toContain('Enter the number of concerns from education (0 if there were none)');
      expect(text).toContain('The number of concerns from health must be a whole number, like 3');
      expect(text).toContain('The number of concerns from local authority must be a whole number, like 3');
      expect(text).toContain('The number of Channel referrals must be a whole number, like 3');
      expect((await http.get('/api/impact-figures?organisation=H1&year=2025&quarter=2').expect(200)).body).toEqual([]);
    });

    it('is for coordinators and administrators only, within their organisations', async () => {
      const viewer = await t.as('viewer', 'P');
      await viewer.get('/reports/impact').expect(403);
      await viewer.put('/api/impact-figures').send({}).expect(403);
      const coordinator = await t.as('coordinator', 'H1');
      const figures = { organisationCode: 'C1', year: 2025, quarter: 2, concerns: { education: 1, health: 0, localAuthority: 0, police: 0, community: 0, other: 0 }, channelReferrals: 0 };
      await coordinator.put('/api/impact-figures').send(figures).expect(404);
      await coordinator.put('/api/impact-figures').send({ ...figures, organisationCode: 'H1' }).expect(200);
    });

    it('refuses a person’s details and counts that are not whole numbers through the API', async () => {
      const base = { organisationCode: 'H1', year: 2025, quarter: 2, concerns: { education: 1, health: 0, localAuthority: 0, police: 0, community: 0, other: 0 }, channelReferrals: 0 };
      const named = await http.put('/api/impact-figures').send({ ...base, personName: 'Someone' }).expect(400);
      expect(JSON.stringify(named.body.message)).toContain('property personName should not exist');
      const negative = await http.put('/api/impact-figures').send({ ...base, concerns: { ...base.concerns, police: -2 } }).expect(400);
      expect(JSON.stringify(negative.body.message)).toContain('concerns.police must be a whole number of 0 or more');
      const future = await http.put('/api/impact-figures').send({ ...base, year: 2099, quarter: 1 }).expect(422);
      expect(future.body.message).toContain('enter figures once it has begun');
    });
  });
});
