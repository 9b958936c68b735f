// Failed logins are counted per account (a hash of the email, so the store holds no addresses)
// and per client IP. Past either limit, login answers 429 until the window ends, whether or not
// the password is right, and whether or not the account exists.
import { createHash } from 'node:crypto';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../errors';
import type { RateLimits } from '../rate-limit/limiters';
import { retryAfterSeconds } from '../middleware/rate-limit';

export class LoginThrottle {
  private readonly accountKey: string;

  constructor(
    private readonly limits: RateLimits,
    email: string,
    private readonly ip: string,
  ) {
    this.accountKey = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
  }

  /** 429 when this account or this IP has used up its failed attempts. */
  async assertAllowed(): Promise<void> {
    const spent = async (limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes | null> => {
      const res = await limiter.get(key);
      return res && res.consumedPoints >= limiter.points ? res : null;
    };
    const blocked = (await spent(this.limits.loginAccount, this.accountKey)) ?? (await spent(this.limits.loginIp, this.ip));
    if (blocked) throw new RateLimitedError('Too many failed sign-in attempts; try again later', retryAfterSeconds(blocked));
  }

  async recordFailure(): Promise<void> {
    await Promise.all([this.limits.loginAccount.penalty(this.accountKey), this.limits.loginIp.penalty(this.ip)]);
  }

  /** A successful login clears the account's count (the IP's stays: it may be guessing others). */
  async recordSuccess(): Promise<void> {
    await this.limits.loginAccount.delete(this.accountKey);
  }
}
