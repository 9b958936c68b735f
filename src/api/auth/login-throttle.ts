// Failed logins, throttled as OWASP's authentication guidance describes, so that a stranger
// cannot lock an owner out by guessing: per (account, client IP) a few failures; per client IP
// more, across every account it tries; per account from every address a much higher ceiling,
// reached only by a distributed attack, which the owner is told about. Accounts are counted by a
// hash of the email (the store holds no addresses). Past a limit, login answers 429 until the
// window ends, whether or not the password is right and whether or not the account exists.
import { createHash } from 'node:crypto';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../errors';
import type { RateLimits } from '../rate-limit/limiters';
import { retryAfterSeconds } from '../middleware/rate-limit';

export class LoginThrottle {
  private readonly accountKey: string;
  private readonly accountIpKey: string;

  constructor(
    private readonly limits: RateLimits,
    email: string,
    private readonly ip: string,
  ) {
    this.accountKey = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
    this.accountIpKey = `${this.accountKey}:${ip}`;
  }

  /** 429 when this account from this IP, this IP, or this account has used up its failures. */
  async assertAllowed(): Promise<void> {
    const spent = async (limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes | null> => {
      const res = await limiter.get(key);
      return res && res.consumedPoints >= limiter.points ? res : null;
    };
    const blocked =
      (await spent(this.limits.loginAccountIp, this.accountIpKey)) ??
      (await spent(this.limits.loginIp, this.ip)) ??
      (await spent(this.limits.loginAccount, this.accountKey));
    if (blocked)
      throw new RateLimitedError('Too many failed sign-in attempts; try again later', retryAfterSeconds(blocked));
  }

  /** Counts a failure; true exactly when it is the one that brings the account to its ceiling. */
  async recordFailure(): Promise<{ accountCeilingReached: boolean }> {
    const [, , account] = await Promise.all([
      this.limits.loginAccountIp.penalty(this.accountIpKey),
      this.limits.loginIp.penalty(this.ip),
      this.limits.loginAccount.penalty(this.accountKey),
    ]);
    return { accountCeilingReached: account.consumedPoints === this.limits.loginAccount.points };
  }

  /** A successful login clears this address's count for the account; the IP's stays (it may be guessing others). */
  async recordSuccess(): Promise<void> {
    await this.limits.loginAccountIp.delete(this.accountIpKey);
  }
}
