/**
 * What a scheduled email carries for each report, for a closed quarter: the Working Group pack as
 * its PDF, the NHS return and the trend as XLSX and CSV. Made with Scope.system() limited to the
 * subscription's organisation, and figures only: no attachment holds a name.
 */
import { Injectable } from '@nestjs/common';
import { Scope } from '../../auth/scope';
import { addDays } from '../../common/dates';
import type { Organisation } from '../../organisations/organisation.entity';
import { nhsReturnFile } from '../nhs-return/nhs-return.pages.controller';
import { NhsReturnService } from '../nhs-return/nhs-return.service';
import { quarterlySheets } from '../quarterly/quarterly-export';
import { reportFile } from '../shared/export-files';
import { ViewRenderer } from '../shared/view-renderer';
import { quarterKey, TrendService } from '../trend/trend.service';
import { packPdf } from '../working-group-pack/working-group-pack.controller';
import { trendSheet } from '../working-group-pack/working-group-pack.presenter';
import { WorkingGroupPackService } from '../working-group-pack/working-group-pack.service';
import type { Delivery } from './delivery-periods';
import type { SubscribableReport } from './report-subscription.entity';

export interface DeliveryContent {
  /** Paragraphs of the email about what is attached. */
  lines: string[];
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

@Injectable()
export class ReportDeliveries {
  constructor(
    private readonly nhs: NhsReturnService,
    private readonly packs: WorkingGroupPackService,
    private readonly trends: TrendService,
    private readonly views: ViewRenderer,
  ) {}

  async build(report: SubscribableReport, organisation: Organisation, quarter: Delivery['quarter']): Promise<DeliveryContent> {
    const scope = Scope.system();
    // "today" is the day after the quarter closed: the figures are the closed quarter's, never a running one's.
    const dayAfter = addDays(quarter.end, 1);
    if (report === 'nhs-return') {
      const v = await this.nhs.nhsReturn(scope, { organisation: organisation.code, year: quarter.year, quarter: quarter.quarter }, dayAfter);
      const files = await Promise.all([nhsReturnFile(v, 'xlsx'), nhsReturnFile(v, 'csv')]);
      return { lines: ['The return is attached as an Excel workbook and as CSV, one row per data item and a column per quarter of the year so far.'], attachments: files.map(asAttachment) };
    }
    if (report === 'trend') {
      const trend = await this.trends.trend(scope, { organisation: organisation.code, to: quarterKey(quarter) });
      const name = `prevent-compliance-trend-${organisation.code}-${quarterKey(quarter)}`;
      const files = await Promise.all([reportFile('xlsx', name, [trendSheet(trend)], 'Compliance trend'), reportFile('csv', name, [trendSheet(trend)], 'Compliance trend')]);
      return { lines: [`Compliance % at each quarter end from ${trend.quarters[0]?.label} is attached as an Excel workbook and as CSV.`], attachments: files.map(asAttachment) };
    }
    const pack = await this.packs.pack(scope, { organisation: organisation.code, year: quarter.year, quarter: quarter.quarter }, dayAfter);
    if (this.views.available) return { lines: ['The pack is attached as a PDF, ready to print or share with the group.'], attachments: [asAttachment(await packPdf(this.views, pack))] };
    // Without Chromium on the server the figures still go, as the quarterly report's workbook.
    const name = `prevent-take-up-${organisation.code}-${quarter.year}-Q${quarter.quarter}`;
    return {
      lines: ['The PDF could not be made on the server, so the quarterly report is attached as an Excel workbook; the whole pack is on the Working Group pack page.'],
      attachments: [asAttachment(await reportFile('xlsx', name, quarterlySheets(pack.quarterly), `Prevent training take-up`))],
    };
  }
}

function asAttachment(file: { filename: string; contentType: string; body: Buffer }) {
  return { filename: file.filename, contentType: file.contentType, content: file.body };
}
