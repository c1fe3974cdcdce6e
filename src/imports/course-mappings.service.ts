import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Scope } from '../auth/scope';
import { ScopeService } from '../access/scope.service';
import { conflict, notFound, unknownCode } from '../common/http-errors';
import { Level } from '../levels/level.entity';
import { CourseMapping, courseKey } from './course-mapping.entity';
import { CourseMappingDto, CourseMappingView } from './dto/import.dto';

/** The table that turns a learning platform's course names into levels. Names are matched trimmed and case-insensitively. */
@Injectable()
export class CourseMappingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
  ) {}

  async list(scope: Scope): Promise<CourseMappingView[]> {
    this.scopes.assertCanEditPeople(scope);
    const mappings = await this.dataSource.getRepository(CourseMapping).find({ relations: { level: true } });
    return mappings.sort((a, b) => a.level.rank - b.level.rank || a.courseName.localeCompare(b.courseName)).map(courseMappingView);
  }

  /** Replaces the whole table (PUT): names must be distinct once trimmed and lower-cased. */
  async replace(scope: Scope, dtos: CourseMappingDto[]): Promise<CourseMappingView[]> {
    this.scopes.assertCanEditPeople(scope);
    const keys = new Set<string>();
    for (const [i, dto] of dtos.entries()) {
      const key = courseKey(dto.courseName);
      if (keys.has(key)) throw new UnprocessableEntityException(`mappings.${i}.courseName: "${dto.courseName}" is given twice`);
      keys.add(key);
    }
    await this.dataSource.transaction(async (m) => {
      const rows = [];
      for (const [i, dto] of dtos.entries()) rows.push({ courseName: dto.courseName, nameKey: courseKey(dto.courseName), levelId: (await this.level(m, dto.levelCode, `mappings.${i}.levelCode`)).id });
      await m.createQueryBuilder().delete().from(CourseMapping).execute();
      if (rows.length > 0) await m.insert(CourseMapping, rows);
    });
    return this.list(scope);
  }

  async add(scope: Scope, dto: CourseMappingDto): Promise<CourseMappingView> {
    this.scopes.assertCanEditPeople(scope);
    return this.dataSource.transaction(async (m) => {
      const key = courseKey(dto.courseName);
      if (await m.existsBy(CourseMapping, { nameKey: key })) throw conflict(`The course "${dto.courseName}" already has a level: remove it first to change it`);
      const level = await this.level(m, dto.levelCode, 'levelCode');
      const saved = await m.save(m.create(CourseMapping, { courseName: dto.courseName, nameKey: key, levelId: level.id }));
      saved.level = level;
      return courseMappingView(saved);
    });
  }

  async remove(scope: Scope, id: number): Promise<void> {
    this.scopes.assertCanEditPeople(scope);
    const result = await this.dataSource.getRepository(CourseMapping).delete({ id });
    if (!result.affected) throw notFound('course mapping', id);
  }

  private async level(m: EntityManager, code: string, field: string): Promise<Level> {
    const level = await m.findOneBy(Level, { code: code.trim().toUpperCase() });
    if (!level) throw unknownCode(field, 'level', code);
    return level;
  }
}

const courseMappingView = (c: CourseMapping): CourseMappingView => ({
  id: c.id,
  courseName: c.courseName,
  levelCode: c.level.code,
  levelName: c.level.name,
});
