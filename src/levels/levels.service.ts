import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { notFound, unknownCode } from '../common/http-errors';
import { readOncePerRequest } from '../database/flow-context';
import { LevelView, UpdateLevelDto } from './dto/level.dto';
import { Level } from './level.entity';

@Injectable()
export class LevelsService {
  constructor(@InjectRepository(Level) private readonly levels: Repository<Level>) {}

  /** The levels by rank: read once for a whole page (readOncePerRequest), each caller given its own copies. */
  async list(): Promise<Level[]> {
    const levels = await readOncePerRequest('levels', () => this.levels.find({ order: { rank: 'ASC' } }));
    return levels.map((l) => Object.assign(new Level(), l));
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
