import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { notFound, unknownCode } from '../common/http-errors';
import { loadFramework } from '../compliance/framework';
import { LevelView, UpdateLevelDto } from './dto/level.dto';
import { Level } from './level.entity';

@Injectable()
export class LevelsService {
  constructor(@InjectRepository(Level) private readonly levels: Repository<Level>) {}

  /**
   * The levels by rank, from the framework the page reads once anyway (loadFramework), each caller
   * given its own copies.
   */
  async list(): Promise<Level[]> {
    const { levels } = await loadFramework(this.levels.manager);
    return levels.map(({ id, code, name, rank, validityMonths }) => Object.assign(new Level(), { id, code, name, rank, validityMonths }));
  }

  async getByCode(code: string): Promise<Level> {
    const level = await this.levels.findOneBy({ code });
    if (!level) throw notFound('level', code);
    return level;
  }

  async resolveCode(code: string, field = 'levelCode'): Promise<Level> {
    const level = await this.levels.findOneBy({ code });
    if (!level) throw unknownCode(field, 'level', code);
    return level;
  }

  async update(code: string, dto: UpdateLevelDto): Promise<Level> {
    const level = await this.getByCode(code);
    if (dto.name !== undefined) level.name = dto.name;
    if (dto.validityMonths !== undefined) level.validityMonths = dto.validityMonths;
    return this.levels.save(level);
  }
}

export const levelView = (l: Level): LevelView => ({ code: l.code, name: l.name, rank: l.rank, validityMonths: l.validityMonths });
