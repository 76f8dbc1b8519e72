import { setTimeout as sleep } from 'node:timers/promises';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';

/*
 * One GitHub API host seen through one credential: GraphQL queries over Octokit, with GitHub's
 * retry and rate-limit rules (bounded retries, retry-after honoured), per-request timeouts and
 * complete-body checks, and counters of requests and points.
 */

const GitHubOctokit = Octokit.plugin(retry, throttling);

/** A GraphQL error entry as GitHub sends it. */
export type GraphQLErrorEntry = {
  type?: string;
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
};

/** A query that GitHub did not answer with data (after the bounded retries). */
export class GitHubQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitHubQueryError';
  }
}

/** The token's budget is spent; nothing more is sent with it in this run. */
export class GitHubRateLimitError extends GitHubQueryError {
  constructor(message: string) {
    super(message);
    this.name = 'GitHubRateLimitError';
  }
}

export type RequestCounters = { requests: number; points: number };

export type GitHubClientOptions = {
  /** The REST base URL of the host (`https://api.github.com`, `https://ghe/api/v3`). */
  apiBaseUrl: string;
  token?: string;
  logger: LoggerService;
  counters: RequestCounters;
  signal?: AbortSignal;
  /** A request that has not answered by then is abandoned (and retried). */
  requestTimeoutMs?: number;
  /** Unit of the retry back-off for 5xx and network errors: 1, 4, 9 times it. */
  retryBaseMs?: number;
  /** What one second of `retry-after` (or of the wait to a rate-limit reset) lasts. */
  retryAfterUnitMs?: number;
  /** Longer waits than this are not waited: the query fails, the next run resumes. */
  maxWaitSeconds?: number;
  /**
   * The least time between two queries. Queries are sent one at a time; GitHub asks for a second
   * between POST requests, which GraphQL queries are.
   */
  minRequestIntervalMs?: number;
};

const DEFAULTS = {
  requestTimeoutMs: 60_000,
  retryBaseMs: 1000,
  retryAfterUnitMs: 1000,
  maxWaitSeconds: 120,
  minRequestIntervalMs: 1000,
};

/** GraphQL's URL for a REST base: `{apiBaseUrl}/graphql`, or `/api/graphql` for `/api/v3`. */
export function graphqlBaseUrl(apiBaseUrl: string): string {
  const base = apiBaseUrl.replace(/\/+$/, '');
  return /\/api\/v3$/.test(base) ? base.replace(/\/v3$/, '') : base;
}

function describe(error: unknown): string {
  const e = error as { status?: number; message?: string; name?: string };
  if (typeof e?.status === 'number' && e.status !== 500) {
    return `GitHub answered ${e.status}: ${e.message}`;
  }
  return e?.message ?? String(error);
}

export class GitHubClient {
  private readonly octokit: InstanceType<typeof GitHubOctokit>;
  private readonly options: GitHubClientOptions & typeof DEFAULTS;
  /** The GraphQL budget as the last response told it; undefined: unknown or unlimited. */
  private budget?: { remaining: number; resetAt: number };

  constructor(options: GitHubClientOptions) {
    this.options = { ...DEFAULTS, ...options };
    const { logger, maxWaitSeconds } = this.options;
    this.octokit = new GitHubOctokit({
      auth: options.token,
      baseUrl: graphqlBaseUrl(options.apiBaseUrl),
      userAgent: 'backstage-plugin-dora-metrics',
      // Octokit's own messages carry no credentials; keep them out of the info stream.
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => logger.debug(message),
        error: (message: string) => logger.debug(message),
      },
      request: { fetch: this.fetch },
      retry: {
        retries: 3,
        retryAfterBaseValue: this.options.retryBaseMs,
        // 403 and 429 are rate limits, waited out by the throttling plugin with retry-after.
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
      },
      throttle: {
        // This client's own pacing of POST requests (the plugin's default is shared and 1 s).
        write: new Bottleneck.Group({
          maxConcurrent: 1,
          minTime: this.options.minRequestIntervalMs,
        }),
        retryAfterBaseValue: this.options.retryAfterUnitMs,
        onRateLimit: (
          retryAfter: number,
          _o: unknown,
          _k: unknown,
          n: number,
        ) => n < 1 && retryAfter <= maxWaitSeconds,
        onSecondaryRateLimit: (
          retryAfter: number,
          _o: unknown,
          _k: unknown,
          n: number,
        ) => n < 3 && retryAfter <= maxWaitSeconds,
      },
    });
  }

  /**
   * Sends one query. Returns its data and the errors that name a part of it (partial data,
   * e.g. one repository not found); throws GitHubQueryError when there is no data at all.
   */
  async query(
    document: string,
  ): Promise<{ data: Record<string, any>; errors: GraphQLErrorEntry[] }> {
    await this.awaitBudget();
    let body: {
      data?: Record<string, any> | null;
      errors?: GraphQLErrorEntry[];
    };
    try {
      const response = await this.octokit.request('POST /graphql', {
        query: document,
      });
      body = response.data as typeof body;
    } catch (error) {
      if (this.options.signal?.aborted) {
        throw new GitHubQueryError('the collection run was cancelled');
      }
      const errors = (error as { data?: { errors?: GraphQLErrorEntry[] } }).data
        ?.errors;
      if (errors?.some(e => e.type === 'RATE_LIMITED')) {
        throw new GitHubRateLimitError(
          `GitHub's GraphQL rate limit is spent: ${errors[0].message}`,
        );
      }
      throw new GitHubQueryError(describe(error));
    }
    if (!body || typeof body !== 'object') {
      throw new GitHubQueryError('GitHub sent an empty GraphQL response');
    }
    const errors = body.errors ?? [];
    if (errors.some(e => e.type === 'RATE_LIMITED')) {
      throw new GitHubRateLimitError(
        `GitHub's GraphQL rate limit is spent: ${errors[0].message}`,
      );
    }
    if (!body.data) {
      throw new GitHubQueryError(
        `GitHub rejected the query: ${errors.map(e => e.message).join('; ')}`,
      );
    }
    const rateLimit = body.data.rateLimit;
    if (rateLimit && typeof rateLimit.cost === 'number') {
      this.options.counters.points += rateLimit.cost;
    }
    return { data: body.data, errors };
  }

  /**
   * Waits for the reset when the known budget is spent (and the reset is near); fails fast when
   * it is far. GitHub still runs a query that costs more than what remains. No rate-limit header
   * means no limit (GitHub Enterprise with rate limiting off).
   */
  private async awaitBudget(): Promise<void> {
    const budget = this.budget;
    if (!budget || budget.remaining > 0) {
      return;
    }
    const waitSeconds = Math.ceil((budget.resetAt - Date.now()) / 1000) + 1;
    if (waitSeconds > this.options.maxWaitSeconds) {
      throw new GitHubRateLimitError(
        `GitHub's GraphQL rate limit is spent until ${new Date(
          budget.resetAt,
        ).toISOString()}`,
      );
    }
    if (waitSeconds > 0) {
      await sleep(waitSeconds * this.options.retryAfterUnitMs, undefined, {
        signal: this.options.signal,
      }).catch(() => {});
    }
    this.budget = undefined;
  }

  /**
   * Every HTTP request goes through here: counted, bounded in time, and its body read whole, so
   * a cut connection or a truncated body becomes an error that is retried, never half an answer.
   */
  private readonly fetch = async (
    url: string | URL,
    init?: RequestInit,
  ): Promise<Response> => {
    const { counters, signal, requestTimeoutMs } = this.options;
    counters.requests += 1;
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { ...init, signal: combined });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) {
        throw error;
      }
      if (timeout.aborted) {
        throw new Error(`GitHub did not answer within ${requestTimeoutMs} ms`);
      }
      throw new Error(
        `the request to GitHub failed: ${
          (error as { cause?: { message?: string } }).cause?.message ??
          (error as Error).message
        }`,
      );
    }
    if (/application\/json/.test(response.headers.get('content-type') ?? '')) {
      try {
        JSON.parse(text);
      } catch {
        throw new Error('GitHub sent an incomplete response');
      }
    }
    this.noteBudget(response.headers);
    const empty = [101, 204, 205, 304].includes(response.status);
    return new Response(empty ? null : text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };

  private noteBudget(headers: Headers): void {
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = headers.get('x-ratelimit-reset');
    const resource = headers.get('x-ratelimit-resource');
    if (remaining === null || reset === null) {
      this.budget = undefined;
      return;
    }
    if (resource && resource !== 'graphql') {
      return;
    }
    this.budget = {
      remaining: Number(remaining),
      resetAt: Number(reset) * 1000,
    };
  }
}
