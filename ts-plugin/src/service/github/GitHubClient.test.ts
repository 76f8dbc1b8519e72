import { mockServices } from '@backstage/backend-test-utils';
import type { Twin } from '@internal/github-twin';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { startGitHubTwin, TOKEN } from '../__testUtils__/githubTwin';
import {
  GitHubClient,
  GitHubClientOptions,
  GitHubQueryError,
  GitHubRateLimitError,
  graphqlBaseUrl,
} from './GitHubClient';

jest.setTimeout(120_000);

const QUERY = 'query { rateLimit { cost } viewer { login } }';

describe('graphqlBaseUrl', () => {
  it('is the REST base, or /api for an Enterprise /api/v3 base', () => {
    expect(graphqlBaseUrl('https://api.github.com')).toBe(
      'https://api.github.com',
    );
    expect(graphqlBaseUrl('https://ghe.example.com/api/v3/')).toBe(
      'https://ghe.example.com/api',
    );
    expect(graphqlBaseUrl('http://127.0.0.1:7010')).toBe(
      'http://127.0.0.1:7010',
    );
  });
});

describe('GitHubClient', () => {
  let twin: Twin;

  beforeAll(async () => {
    twin = await startGitHubTwin({
      repos: 1,
      tokens: [TOKEN, { token: 'one-point', limits: { graphql: 1 } }],
      faults: { timeoutMs: 100, slowMs: 10 },
    });
  });

  afterAll(async () => {
    await twin.close();
  });

  const client = (options: Partial<GitHubClientOptions> = {}) => {
    const counters = { requests: 0, points: 0 };
    return {
      counters,
      client: new GitHubClient({
        apiBaseUrl: twin.url,
        token: TOKEN,
        logger: mockServices.logger.mock(),
        counters,
        retryBaseMs: 1,
        retryAfterUnitMs: 1,
        minRequestIntervalMs: 0,
        requestTimeoutMs: 5000,
        ...options,
      }),
    };
  };

  it('waits out secondary rate limits (403 and 429) as retry-after says', async () => {
    const { client: c, counters } = client();
    twin.faults.inject([
      { kind: 'secondary', status: 403, retryAfter: 2 },
      { kind: 'secondary', status: 429, retryAfter: 1 },
    ]);
    const { data } = await c.query(QUERY);
    expect(data.viewer.login).toBeTruthy();
    expect(counters).toEqual({ requests: 3, points: 1 });
  });

  it('retries 5xx, cut connections, truncated bodies and silence, a bounded number of times', async () => {
    const { client: c, counters } = client({ requestTimeoutMs: 1000 });
    twin.faults.inject([
      { kind: 'truncated' },
      { kind: 'reset' },
      { kind: 'timeout' },
    ]);
    await c.query(QUERY);
    expect(counters.requests).toBe(4);

    twin.faults.inject([{ kind: '5xx', status: 502, count: 4 }]);
    await expect(c.query(QUERY)).rejects.toBeInstanceOf(GitHubQueryError);
    expect(counters.requests).toBe(8); // one try and three retries
  });

  it('stops at a spent GraphQL budget, without asking again until it resets', async () => {
    const { client: c, counters } = client({ token: 'one-point' });
    await c.query(QUERY);
    await expect(c.query(QUERY)).rejects.toBeInstanceOf(GitHubRateLimitError);
    const sent = counters.requests;
    // The reset is an hour away: no request is sent to learn the same again.
    await expect(c.query(QUERY)).rejects.toThrow(
      /GraphQL rate limit is spent until/,
    );
    expect(counters.requests).toBe(sent);
  });

  it('takes a missing rate-limit header to mean no limit', async () => {
    // An Enterprise server with rate limiting off: no x-ratelimit-* headers, no rateLimit.
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ data: { rateLimit: null, viewer: { login: 'x' } } }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { client: c, counters } = client({
        apiBaseUrl: `http://127.0.0.1:${port}/api/v3`,
      });
      for (let i = 0; i < 3; i++) {
        await c.query(QUERY);
      }
      expect(counters).toEqual({ requests: 3, points: 0 });
    } finally {
      await new Promise(resolve => server.close(resolve));
    }
  });
});
