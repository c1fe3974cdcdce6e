import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { DataSource } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import { Scope, UserRole } from '../auth/scope';
import { MyTeamService } from '../compliance/my-team.service';
import { GapAnalysisService } from '../reports/gap-analysis/gap-analysis.service';
import { GapAnalysisQueryDto } from '../reports/gap-analysis/gap-analysis.dto';
import { BookingsService } from '../sessions/bookings.service';
import { SessionQuery, SessionView } from '../sessions/dto/session.dto';
import { formatLocal } from '../sessions/session-times';
import { formatUkDate } from '../common/dates';
import { type TargetCell, targetCell } from '../reports/targets/rag-cells';
import { SessionsService } from '../sessions/sessions.service';

/** How many sessions, people or imports a home page lists before "see all". */
const SHOWN = 5;

export interface HeadlineLevel {
  level: string;
  name: string;
  compliancePct: number | null;
  met: number;
  overdue: number;
  pending: number;
  /** The target that applies to the organisation and the figure's status against it, in words and as a tag colour. */
  target: TargetCell;
}

export interface Headline {
  organisation: { code: string; name: string };
  asOf: string;
  levels: HeadlineLevel[];
}

export interface SessionLine {
  id: number;
  title: string;
  levelCode: string;
  levelName: string;
  when: string;
  where: string | null;
  booked: number;
  capacity: number;
}

export interface BookedLine {
  staffId: number;
  name: string;
  sessionId: number;
  sessionTitle: string;
  when: string;
  waiting: boolean;
}

/** What the home page shows the signed-in account: its role's own tasks, each read through the access layer. */
export interface HomeView {
  role: UserRole;
  /** Coordinators, administrators and viewers: the gap analysis headline for the top of their organisations. */
  headline?: Headline;
  /** Coordinators and administrators: imports checked and waiting to be confirmed or cancelled. */
  importsToReview?: { count: number; items: { id: number; fileName: string }[] };
  /** Coordinators, administrators and trainers: sessions that have ended with no register taken. */
  registersDue?: { count: number; items: SessionLine[] };
  /** Trainers: the next sessions they train. */
  nextSessions?: { count: number; items: SessionLine[] };
  /** Managers: their team, from My team. */
  team?: { linked: boolean; size: number; overdue: number; expiring: number; pending: number; booked: BookedLine[]; bookedCount: number };
}

@Injectable()
export class HomeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly gapAnalysis: GapAnalysisService,
    private readonly myTeam: MyTeamService,
    private readonly sessions: SessionsService,
    private readonly bookings: BookingsService,
  ) {}

  async home(scope: Scope): Promise<HomeView> {
    const role = scope.actor!.role;
    switch (role) {
      case 'admin':
      case 'coordinator': {
        const [headline, importsToReview, registersDue] = await Promise.all([this.headline(scope), this.importsToReview(scope), this.registersDue(scope)]);
        return { role, headline, importsToReview, registersDue };
      }
      case 'trainer': {
        const [nextSessions, registersDue] = await Promise.all([this.sessionsOf(scope, 'upcoming', 'scheduled'), this.registersDue(scope)]);
        return { role, nextSessions, registersDue };
      }
      case 'manager':
        return { role, team: await this.team(scope) };
      case 'viewer':
        return { role, headline: await this.headline(scope) };
      case 'person':
        // A person signed in by a link has "My training" only; the guard keeps them off home.
        throw new ForbiddenException('This page is for tracker accounts');
    }
  }

  /** Compliance by level today for the top of the account's organisations: the gap analysis's own figures. */
  private async headline(scope: Scope): Promise<Headline> {
    const [report, names] = await Promise.all([this.gapAnalysis.report(scope, plainToInstance(GapAnalysisQueryDto, {})), this.gapAnalysis.levelNames()]);
    return {
      organisation: report.organisation,
      asOf: report.asOf,
      levels: report.levels.map((l, i) => ({
        target: targetCell(report.targets?.[i]),
        level: l.level,
        name: names.get(l.level) ?? l.level,
        compliancePct: l.compliancePct,
        met: l.met,
        overdue: l.overdue,
        pending: l.pending,
      })),
    };
  }

  /** Imports of the account's organisations that were checked and wait for someone to confirm or cancel them. */
  private async importsToReview(scope: Scope): Promise<HomeView['importsToReview']> {
    const [where, params] = this.scopes.importsPredicate(scope, 'i');
    const qb = this.dataSource
      .createQueryBuilder()
      .from('imports', 'i')
      .where(where, params)
      .andWhere('i.status = :previewed', { previewed: 'previewed' });
    const [{ count }] = await qb.clone().select('COUNT(*)', 'count').getRawMany<{ count: number | string }>();
    const items = await qb
      .select(['i.id AS id', 'i.file_name AS file_name'])
      .orderBy('i.created_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .limit(SHOWN)
      .getRawMany<{ id: number; file_name: string }>();
    return { count: Number(count), items: items.map((r) => ({ id: Number(r.id), fileName: r.file_name })) };
  }

  /**
   * Sessions that have ended but are still scheduled: nobody has taken their register, so their
   * attendees' training is not recorded yet. Only the sessions this account may take registers for.
   */
  private async registersDue(scope: Scope): Promise<{ count: number; items: SessionLine[] }> {
    return this.sessionsOf(scope, 'past', 'scheduled');
  }

  private async sessionsOf(scope: Scope, when: 'upcoming' | 'past', status?: 'scheduled'): Promise<{ count: number; items: SessionLine[] }> {
    // The list offers sessions hosted above the account's organisation too (to book people onto);
    // registers and the programme are those hosted inside it.
    const inside = scope.role === 'trainer' || scope.rootOrganisationId === null ? undefined : (await this.scopes.defaultOrganisation(scope)).code;
    const page = await this.sessions.list(scope, plainToInstance(SessionQuery, { when, status, organisation: inside, page: 1, pageSize: SHOWN }));
    return { count: page.total, items: page.items.map(sessionLine) };
  }

  /** My team's figures, and who in the team is booked on a session to come (the places My team lists). */
  private async team(scope: Scope): Promise<NonNullable<HomeView['team']>> {
    const team = await this.myTeam.team(scope);
    const { summary } = team;
    const upcoming = await this.bookings.upcomingFor(scope, team.members.map((m) => m.id));
    const booked = team.members
      .flatMap((m) => (upcoming.get(m.id) ?? []).map((b) => ({ staffId: m.id, name: m.name, sessionId: b.sessionId, sessionTitle: b.sessionTitle, date: b.date, waiting: b.status === 'waiting' })))
      .sort((a, b) => a.date.localeCompare(b.date) || a.name.localeCompare(b.name));
    return {
      linked: team.linked,
      size: team.members.length,
      overdue: summary.expired + summary.missing,
      expiring: summary.expiring,
      pending: summary.pending,
      booked: booked.slice(0, SHOWN).map(({ date, ...b }) => ({ ...b, when: formatUkDate(date) })),
      bookedCount: booked.length,
    };
  }
}

function sessionLine(s: SessionView): SessionLine {
  return {
    id: s.id,
    title: s.title,
    levelCode: s.levelCode,
    levelName: s.levelName,
    when: formatLocal(s.startsAt),
    where: s.venue ?? (s.onlineLink ? 'Online' : null),
    booked: s.booked,
    capacity: s.capacity,
  };
}
