import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AnySignedIn } from '../auth/allow.decorator';
import { CurrentScope } from '../auth/current-scope.decorator';
import { Scope } from '../auth/scope';
import { todayIso } from '../common/dates';
import { OrganisationStaffCounts } from './organisation-staff-counts';
import { OrganisationsService } from './organisations.service';
import { SECTOR_NAMES } from './sectors';

@ApiExcludeController()
@Controller('organisations')
export class OrganisationsPagesController {
  constructor(
    private readonly organisations: OrganisationsService,
    private readonly counts: OrganisationStaffCounts,
  ) {}

  /** The organisation tree the user can see, with current head counts per subtree. */
  @Get()
  @AnySignedIn()
  @Render('organisations/index')
  async index(@CurrentScope() scope: Scope) {
    const root = scope.rootOrganisationId;
    const [organisations, people] = await Promise.all([
      this.organisations.list(root === null ? undefined : [root]),
      this.counts.currentStaffBySubtree(todayIso(), root),
    ]);
    const top = Math.min(...organisations.map((o) => o.depth));
    return {
      title: 'Organisations',
      canSeePeople: scope.canSeePeople,
      organisations: organisations.map((o) => ({
        code: o.code,
        name: o.name,
        sector: SECTOR_NAMES[o.sector] ?? o.sector,
        isEmployer: o.isEmployer,
        // Indentation classes go up to 6 levels; deeper ones stay at 6.
        indent: Math.min(o.depth - top, 6),
        people: people.get(o.id) ?? 0,
        staffHref: `/staff?${new URLSearchParams({ organisation: o.code, status: 'current' })}`,
      })),
    };
  }
}
