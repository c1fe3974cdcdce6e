import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AnySignedIn } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';

/** The list of reports, each in a sentence saying what it answers. */
@ApiExcludeController()
@Controller('reports')
export class ReportsIndexPagesController {
  constructor(private readonly scopes: ScopeService) {}

  @Get()
  @AnySignedIn()
  @Render('reports/index')
  async index(@CurrentScope() scope: Scope) {
    const top = await this.scopes.defaultOrganisation(scope).catch(() => null);
    const reports = [
      {
        name: 'Gap analysis',
        href: '/reports/gap-analysis',
        description: 'Who needs each level of Prevent training and who holds it on a date, by organisation, sector and role.',
      },
      {
        name: 'Quarterly take-up',
        href: '/reports/quarterly',
        description: 'The report to the Prevent Working Group: training completed, sessions, attendance, feedback and compliance in a quarter, with impact figures. Prints and downloads as PDF, CSV and Excel.',
      },
      { name: 'Annual report', href: '/reports/annual', description: 'The four quarters of a financial year side by side, with the year’s totals.' },
      {
        name: 'Compliance trend',
        href: '/reports/trend',
        description: 'Compliance % at each quarter end over the last eight quarters (or the quarters you choose), per level, by organisation or sector, with a chart; CSV and Excel.',
      },
      {
        name: 'Needs analysis',
        href: '/reports/needs-analysis',
        description: 'How many people will need each level over the coming months, how many WRAP sessions that means and how many trainers.',
      },
      { name: 'Trainer coverage', href: '/reports/trainer-coverage', description: 'Trained WRAP trainers (valid L3) in each organisation and the sessions they ran; organisations without one.' },
      {
        name: 'Prevent lead coverage',
        href: '/reports/lead-coverage',
        description: 'Whether each school or other organisation has a named Prevent lead holding a valid L3, for the annual audit.',
      },
      {
        name: 'Prevent Working Group pack',
        href: '/reports/working-group-pack',
        description: 'For a quarter: the quarterly report, the compliance trend and the exceptions (organisations below target, organisations without a trained Prevent lead), as a page and a PDF.',
      },
      {
        name: 'NHS Prevent quarterly return',
        href: '/reports/nhs-return',
        description: 'For a health organisation: NHS England’s quarterly data items (Prevent lead, staff eligible for and trained in basic awareness and WRAP / level 3, referrals), as CSV and Excel.',
      },
      {
        name: 'Inspection evidence pack',
        href: '/reports/evidence-pack',
        description: 'For one organisation, a dated PDF for Ofsted or CQC: its Prevent lead, compliance against target, sessions attended and staff training records.',
      },
    ];
    if (scope.role === 'admin' || scope.role === 'coordinator') {
      reports.push({ name: 'Targets', href: '/reports/targets', description: 'The compliance % each level should reach, for the partnership, a sector or an organisation, that reports show each figure against.' });
    }
    if (scope.canEditPeople) {
      reports.push({ name: 'Scheduled reports', href: '/reports/subscriptions', description: 'Have the Working Group pack, the NHS return or the trend emailed to a list of people when each quarter closes, or monthly or weekly.' });
      reports.push({
        name: 'Impact figures',
        href: '/reports/impact',
        description: 'Enter the counts of concerns reported and Channel referrals for a quarter (counts only, no one’s details).',
      });
    }
    return { title: 'Reports', breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Reports' }], scopeName: top?.name ?? 'your organisations', reports };
  }
}
