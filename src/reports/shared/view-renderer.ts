/**
 * Renders a report's Handlebars view to HTML outside a request (a scheduled job's PDF) as well as
 * inside one, through the Express app's own view engine, so a PDF mailed on a schedule is printed
 * from the very page a person downloads.
 */
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express } from 'express';
import { PdfPrinter, PRINT_ORIGIN, type PrintResource } from './pdf-printer';

export const PRINT_LAYOUT = 'reports/report-print-layout';

@Injectable()
export class ViewRenderer {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly printer: PdfPrinter,
  ) {}

  render(view: string, model: object): Promise<string> {
    const app = this.host.httpAdapter.getInstance<Express>();
    return new Promise((resolve, reject) => app.render(view, model as Record<string, unknown>, (error: Error | null, html?: string) => (error ? reject(error) : resolve(html ?? ''))));
  }

  /** The view in the print layout, printed to a tagged A4 PDF. */
  async pdf(view: string, model: object, footer: string, resources?: PrintResource): Promise<Buffer> {
    const html = await this.render(view, { ...model, printView: true, layout: PRINT_LAYOUT, printOrigin: PRINT_ORIGIN });
    return this.printer.print(html, { footer, resources });
  }

  get available(): boolean {
    return this.printer.available;
  }
}
