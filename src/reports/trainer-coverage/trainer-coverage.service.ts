/**
 * Trainer coverage (Wolverhampton: trainers in each directorate): for each child organisation of
 * the one chosen, the people holding a valid L3 on the date (rules.inScope and rules.meets), the
 * sessions each delivered as a trainer in the 12 months up to the date, and the people they
 * trained there (attended bookings, walk-ins included). Organisations with no trainer stand out.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Scope } from '../../auth/scope';
import { ScopeService } from '../../access/scope.service';
import { addDays, addMonths, type IsoDate, todayIso } from '../../common/dates';
import { sql } from '../../database/sql';
import { validTrainers } from '../shared/compliance-figures';
import { loadSubtree, sectorName } from '../shared/groups';
import { type CoverageOrganisationView, type TrainerCoverageQuery, type TrainerCoverageView } from './trainer-coverage.dto';
import { subtreeIds } from '../../access/subtree';

@Injectable()
export class TrainerCoverageService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
  ) {}

  /** Counts per organisation; with `named`, each organisation's trainers by name (403 for viewers). */
  async coverage(scope: Scope, q: TrainerCoverageQuery, named: boolean): Promise<TrainerCoverageView> {
    if (named) this.scopes.assertCanSeePeople(scope);
    const root = q.organisation ? await this.scopes.organisation(scope, q.organisation) : await this.scopes.defaultOrganisation(scope);
    const asOf = q.asOf ?? todayIso();
    // The 12 months up to and including the date.
    const sessionsFrom = addDays(addMonths(asOf, -12), 1);
    const m = this.dataSource.manager;
    const [subtree, trainers] = await Promise.all([loadSubtree(m, root), validTrainers(m, root.id, asOf)]);
    const delivered = await this.sessionsOf(m, root.id, sessionsFrom, asOf);
    // Named lists show only the people the asker may see (a trainer: themselves and those booked on their sessions); the counts cover everyone.
    const people = named ? await this.scopes.names(scope, trainers.map((t) => t.staffId)) : new Map<number, { ref: string; name: string }>();

    const groups = [...subtree.children, subtree.root];
    const organisations = groups.map((o) => {
      const direct = o.id === subtree.root.id;
      const mine = trainers.filter((t) => subtree.groupOf.get(t.organisationId) === o.id);
      const sessions = new Map<number, number>();
      for (const t of mine) for (const [sessionId, attended] of delivered.get(t.staffId)?.entries() ?? []) sessions.set(sessionId, attended);
      const row: CoverageOrganisationView = {
        code: o.code,
        name: o.name,
        sector: o.sector,
        sectorName: sectorName(o.sector),
        direct,
        trainers: mine.length,
        sessionsDelivered: sessions.size,
        peopleTrained: [...sessions.values()].reduce((a, b) => a + b, 0),
        hasTrainer: mine.length > 0,
      };
      if (named) {
        row.trainerList = mine
          .filter((t) => people.has(t.staffId))
          .map((t) => {
            const own = subtree.organisations.get(t.organisationId)!;
            const theirs = delivered.get(t.staffId) ?? new Map<number, number>();
            return {
              employeeRef: people.get(t.staffId)?.ref ?? '',
              name: people.get(t.staffId)?.name ?? '',
              organisationCode: own.code,
              organisationName: own.name,
              validUntil: t.validUntil,
              sessionsDelivered: theirs.size,
              peopleTrained: [...theirs.values()].reduce((a, b) => a + b, 0),
            };
          })
          .sort((a, b) => a.name.localeCompare(b.name) || a.employeeRef.localeCompare(b.employeeRef));
      }
      return row;
    });
    // The chosen organisation's own row only when someone there is a trainer or it has no children.
    const shown = organisations.filter((o) => !o.direct || o.trainers > 0 || subtree.children.length === 0);
    return {
      organisation: { code: root.code, name: root.name },
      asOf,
      sessionsFrom,
      organisations: shown,
      withoutTrainer: shown.filter((o) => !o.hasTrainer).map((o) => o.code),
      trainers: trainers.length,
    };
  }

  /** For each trainer of the subtree, their delivered sessions in the period and the attendances at each. */
  private async sessionsOf(m: EntityManager, rootId: number, from: IsoDate, to: IsoDate): Promise<Map<number, Map<number, number>>> {
    const rows = await sql<{ staff_id: number; session_id: number; attended: number }>(
      m,
      `SELECT st.staff_id, ts.id AS session_id,
              (SELECT COUNT(*) FROM bookings b WHERE b.session_id = ts.id AND b.status = 'booked' AND b.attendance = 'attended') AS attended
       FROM session_trainers st JOIN training_sessions ts ON ts.id = st.session_id
       WHERE ts.status = 'delivered' AND substr(ts.starts_at, 1, 10) >= $2 AND substr(ts.starts_at, 1, 10) <= $3
         AND st.staff_id IN (SELECT s.id FROM staff s WHERE s.organisation_id IN (${subtreeIds('$1')}))`,
      [rootId, from, to],
    );
    const byTrainer = new Map<number, Map<number, number>>();
    for (const r of rows) {
      const id = Number(r.staff_id);
      let sessions = byTrainer.get(id);
      if (!sessions) byTrainer.set(id, (sessions = new Map()));
      sessions.set(Number(r.session_id), Number(r.attended));
    }
    return byTrainer;
  }
}

