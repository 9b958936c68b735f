import type { Config } from '../../config';
import type { Logger } from '../../observability/logger';
import { createRateLimits, type RateLimits } from './limiters';

const byConfig = new WeakMap<Config, RateLimits>();

/** One set of limiters (and one store pool) per loaded Config, shared by the app's middleware. */
export function rateLimitsFor(config: Config, logger: Logger): RateLimits {
  let limits = byConfig.get(config);
  if (!limits) {
    limits = createRateLimits(config, logger);
    byConfig.set(config, limits);
  }
  return limits;
}
