import { Module } from '@nestjs/common';
import { PdfPrinter } from './pdf-printer';
import { ReportPartials } from './report-partials';

/** What several reports share as providers: the PDF printer and the report view partials. */
@Module({ providers: [PdfPrinter, ReportPartials], exports: [PdfPrinter] })
export class ReportsSharedModule {}
