import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { notFound } from '../common/http-errors';
import { ApiToken } from './api-token.entity';
import { User } from './user.entity';

const TOKEN_PREFIX = 'ptt_';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** last_used_at is written at most this often per token, so reads don't all become writes. */
const TOUCH_EVERY_MS = 60_000;

@Injectable()
export class TokensService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get tokens() {
    return this.dataSource.getRepository(ApiToken);
  }

  /** A new token for the user; the plain text is returned once and never stored. */
  async issue(userId: number, name: string): Promise<{ token: string; record: ApiToken }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const record = await this.tokens.save(
      this.tokens.create({ userId, name, tokenHash: sha256(token), prefix: token.slice(0, 10), lastUsedAt: null, revokedAt: null }),
    );
    return { token, record };
  }

  list(userId: number): Promise<ApiToken[]> {
    return this.tokens.find({ where: { userId }, order: { id: 'DESC' } });
  }

  async revoke(userId: number, id: number): Promise<void> {
    const token = await this.tokens.findOneBy({ id, userId });
    if (!token) throw notFound('token', id);
    if (!token.revokedAt) {
      token.revokedAt = new Date().toISOString();
      await this.tokens.save(token);
    }
  }

  /** The active user a bearer token belongs to, or null. */
  async authenticate(token: string): Promise<User | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    // One statement: findOne with a relation first finds the distinct ids, then reads them, on every API call.
    const record = await this.tokens
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.user', 'u')
      .where('t.tokenHash = :hash', { hash: sha256(token) })
      .andWhere('t.revokedAt IS NULL')
      .getOne();
    if (!record?.user || record.user.disabled) return null;
    const now = new Date();
    if (!record.lastUsedAt || now.getTime() - Date.parse(record.lastUsedAt) > TOUCH_EVERY_MS) {
      // Not awaited: on SQLite a write waits for any open transaction (an import), and the request need not.
      void this.tokens.update({ id: record.id }, { lastUsedAt: now.toISOString() }).catch(() => undefined);
    }
    return record.user;
  }
}

/** Revokes every token of the user still in use, inside the caller's transaction; how many. */
export async function revokeAllTokens(manager: EntityManager, userId: number): Promise<number> {
  const result = await manager.update(ApiToken, { userId, revokedAt: IsNull() }, { revokedAt: new Date().toISOString() });
  return result.affected ?? 0;
}
