// A session is a refresh-token family: login starts one, each refresh spends the current token
// and issues the next, logout or a replayed (spent) token revokes the whole family.
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config';
import { insertAuditEntry } from '../../db/audit';
import {
  findRefreshTokenForUpdate,
  insertRefreshToken,
  markRefreshTokenSpent,
  revokeRefreshTokenFamily,
} from '../../db/refresh-tokens';
import type { TenantTx } from '../../db/sql';
import { findUser, type User } from '../../db/users';
import { signAccessToken } from './access-token';
import { generateRefreshToken, hashRefreshToken } from './refresh-token';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

const DAY_MS = 86_400_000;

async function issueTokens(tx: TenantTx, config: Config, user: User, familyId: string): Promise<TokenPair> {
  const refreshToken = generateRefreshToken(user.tenantId);
  await insertRefreshToken(tx, {
    tenantId: user.tenantId,
    userId: user.id,
    familyId,
    tokenHash: hashRefreshToken(refreshToken),
    expiresAt: new Date(Date.now() + config.auth.refreshTokenTtlDays * DAY_MS),
  });
  const accessToken = await signAccessToken(config.auth, { userId: user.id, tenantId: user.tenantId, role: user.role });
  return { accessToken, refreshToken, expiresIn: config.auth.accessTokenTtlSeconds, tokenType: 'Bearer' };
}

/** In the user's tenant transaction. */
export function startSession(tx: TenantTx, config: Config, user: User): Promise<TokenPair> {
  return issueTokens(tx, config, user, randomUUID());
}

export type RefreshOutcome = { kind: 'rotated'; tokens: TokenPair } | { kind: 'reused' } | { kind: 'invalid' };

/**
 * Spends `refreshToken` and issues the next pair of its family. A token that was already spent
 * means two parties hold the family (one of them a thief): every token of it is revoked, which
 * the caller must commit before answering 401.
 */
export async function rotateSession(
  tx: TenantTx,
  config: Config,
  refreshToken: string,
  requestId: string,
): Promise<RefreshOutcome> {
  const record = await findRefreshTokenForUpdate(tx, hashRefreshToken(refreshToken));
  if (!record || record.revokedAt) return { kind: 'invalid' };
  if (record.spentAt) {
    const revoked = await revokeRefreshTokenFamily(tx, record.familyId);
    await insertAuditEntry(tx, {
      tenantId: record.tenantId,
      actorId: record.userId,
      action: 'auth.refresh_token_reused',
      target: `user:${record.userId}`,
      requestId,
      detail: { familyId: record.familyId, revokedTokens: revoked },
    });
    return { kind: 'reused' };
  }
  if (record.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
  const user = await findUser(tx, record.userId);
  if (!user) return { kind: 'invalid' };
  await markRefreshTokenSpent(tx, record.id);
  const tokens = await issueTokens(tx, config, user, record.familyId);
  await insertAuditEntry(tx, {
    tenantId: record.tenantId,
    actorId: user.id,
    action: 'auth.refreshed',
    target: `user:${user.id}`,
    requestId,
    detail: { familyId: record.familyId },
  });
  return { kind: 'rotated', tokens };
}

/** Revokes the session the token belongs to; a token we do not know is a no-op. */
export async function endSession(tx: TenantTx, refreshToken: string, requestId: string): Promise<void> {
  const record = await findRefreshTokenForUpdate(tx, hashRefreshToken(refreshToken));
  if (!record) return;
  await revokeRefreshTokenFamily(tx, record.familyId);
  await insertAuditEntry(tx, {
    tenantId: record.tenantId,
    actorId: record.userId,
    action: 'auth.logout',
    target: `user:${record.userId}`,
    requestId,
    detail: { familyId: record.familyId },
  });
}
