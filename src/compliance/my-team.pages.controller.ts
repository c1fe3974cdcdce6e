import { Controller, Get, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { isIsoDate } from '../common/dates';
import { NamedAccessLog } from '../data-protection/named-access-log.service';
import { pagination } from '../staff/page-forms';
import { BookingOffers, PREVENT_ELEARNING } from '../sessions/booking-offers';
import { MyTeamService } from './my-team.service';
import { targetCell } from '../reports/targets/rag-cells';
import { teamHeadline } from '../reports/targets/team-targets';
import { TargetsService } from '../reports/targets/targets.service';

const PAGE_SIZE = 50;

@ApiExcludeController()
@Controller('my-team')
export class MyTeamPagesController {
  constructor(
    private readonly myTeam: MyTeamService,
    private readonly offers: BookingOffers,
    private readonly targets: TargetsService,
    private readonly accessLog: NamedAccessLog,
  ) {}

  /** Each person below the signed-in manager, each required level, most urgent first. */
  @Get()
  @Allow('admin', 'coordinator', 'manager')
  @Render('my-team/index')
  async index(@CurrentScope() scope: Scope, @Query() query: Record<string, string | undefined>) {
    const asOf = query.asOf && isIsoDate(query.asOf) && /^(19|20|21)\d\d-/.test(query.asOf) ? query.asOf : undefined;
    const team = await this.myTeam.team(scope, asOf);
    const pages = Math.max(1, Math.ceil(team.members.length / PAGE_SIZE));
    const page = Math.min(pages, Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1));
    const dateQuery = asOf ? `asOf=${asOf}&` : '';
    const shown = team.members.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    const [offers, book] = await Promise.all([this.offers.forPeople(scope, shown), this.targets.book(scope.rootOrganisationId === null ? [] : [scope.rootOrganisationId])]);
    const root = scope.rootOrganisationId;
    const headline = teamHeadline(team.levels, team.members, (level) => (root === null ? book.partnership(level) : book.forOrganisation(root, level))).map((h) => ({ ...h, cell: targetCell(h) }));
    this.accessLog.noteView(scope, { list: 'my-team', format: 'page', filter: { asOf, page }, rows: shown.length });
    return {
      title: 'My team',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'My team' }],
      ...team,
      total: team.members.length,
      members: shown.map((m) => {
        const { upcoming, offers: lacking } = offers.get(m.id) ?? { upcoming: [], offers: [] };
        const offerFor = new Map(lacking.map((o) => [o.levelCode, o]));
        return { ...m, upcoming, levels: m.levels.map((cell) => (cell ? { ...cell, offer: offerFor.get(cell.level) ?? null } : null)) };
      }),
      elearning: PREVENT_ELEARNING,
      booked: [...offers.values()].filter((o) => o.upcoming.length > 0).length,
      pagination: pagination(page, pages, (n) => `/my-team?${dateQuery}page=${n}`),
      overdue: team.summary.expired + team.summary.missing,
      headline,
      withTargets: headline.some((h) => h.targetPercent !== null),
    };
  }
}
