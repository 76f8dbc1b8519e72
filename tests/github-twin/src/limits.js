'use strict';

/**
 * Primary rate limits, per token and per resource, in fixed windows that start with a token's
 * first request: REST `core` (5,000 requests an hour), `search` (30 a minute) and `graphql`
 * (5,000 points an hour), as GitHub grants a personal access token. Limits are configurable per
 * twin and per token.
 */

const DEFAULT_LIMITS = { core: 5000, search: 30, graphql: 5000 };
const WINDOWS = { core: 3_600_000, search: 60_000, graphql: 3_600_000 };

class RateLimits {
  /**
   * @param {{core?: number, search?: number, graphql?: number, windowMs?: number}} [limits]
   * @param {() => number} [wallClock]
   */
  constructor(limits = {}, wallClock = Date.now) {
    this.defaults = { ...DEFAULT_LIMITS, ...pick(limits, ['core', 'search', 'graphql']) };
    this.windowMs = limits.windowMs;
    this.wallClock = wallClock;
    /** @type {Map<string, {limit: number, used: number, resetAt: number}>} */
    this.buckets = new Map();
  }

  /**
   * The current window of a token's resource (rolled over when expired).
   * @param {string} key token (or "anonymous")
   * @param {'core'|'search'|'graphql'} resource
   * @param {Partial<Record<string, number>>} [overrides] the token's own limits
   */
  bucket(key, resource, overrides = {}) {
    const id = `${key}\u0000${resource}`;
    const now = this.wallClock();
    let b = this.buckets.get(id);
    if (!b || now >= b.resetAt) {
      const limit = overrides[resource] ?? this.defaults[resource];
      b = { limit, used: 0, resetAt: now + (this.windowMs ?? WINDOWS[resource]) };
      this.buckets.set(id, b);
    }
    return b;
  }

  /** The x-ratelimit-* headers for a bucket. */
  static headers(b, resource) {
    return {
      'x-ratelimit-limit': String(b.limit),
      'x-ratelimit-remaining': String(Math.max(0, b.limit - b.used)),
      'x-ratelimit-used': String(b.used),
      'x-ratelimit-reset': String(Math.ceil(b.resetAt / 1000)),
      'x-ratelimit-resource': resource,
    };
  }

  /** GET /rate_limit's view of a token. */
  overview(key, overrides = {}) {
    const view = (r) => {
      const b = this.bucket(key, r, overrides);
      return { limit: b.limit, used: b.used, remaining: Math.max(0, b.limit - b.used), reset: Math.ceil(b.resetAt / 1000) };
    };
    const core = view('core');
    return { resources: { core, search: view('search'), graphql: view('graphql') }, rate: core };
  }

  reset() {
    this.buckets.clear();
  }
}

function pick(obj, keys) {
  const out = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

module.exports = { RateLimits, DEFAULT_LIMITS };
