'use strict';

// The clients the plugin's collector uses (@octokit/core with the paginate, retry and throttling
// plugins, and its GraphQL client) against the twin: what they rely on (link headers, retry-after,
// x-ratelimit-*, GraphQL's RATE_LIMITED) is there and shaped as they expect.

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { useTwin, END } = require('./helpers');

const t = useTwin({
  generate: { org: 'acme', repos: 2, seed: 21, days: 30, end: END },
  frozenClock: true,
  tokens: ['twin-token', { token: 'one-point', limits: { graphql: 1 } }],
  faults: { retryAfter: 1 },
});

let Client;
before(async () => {
  const { Octokit } = await import('@octokit/core');
  const { paginateRest } = await import('@octokit/plugin-paginate-rest');
  const { retry } = await import('@octokit/plugin-retry');
  const { throttling } = await import('@octokit/plugin-throttling');
  Client = Octokit.plugin(paginateRest, retry, throttling);
});

function octokit(id, events, { auth = 'twin-token', baseUrl = t.twin.url } = {}) {
  return new Client({
    auth,
    baseUrl,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    // Waits are scaled down to milliseconds: the twin's retry-after and reset are honoured, not slept.
    retry: { retryAfterBaseValue: 1 },
    throttle: {
      id,
      retryAfterBaseValue: 1,
      onRateLimit: (retryAfter, options, _o, retryCount) => {
        events.push(['primary', options.url, retryAfter, retryCount]);
        return false;
      },
      onSecondaryRateLimit: (retryAfter, options, _o, retryCount) => {
        events.push(['secondary', options.url, retryAfter, retryCount]);
        return retryCount < 2;
      },
    },
  });
}

test('paginate walks link headers; a 502 is retried; a secondary limit is waited out', async () => {
  const events = [];
  const ok = octokit('rest', events);
  const all = await ok.paginate('GET /repos/{owner}/{repo}/deployments', { owner: 'acme', repo: 'payments', per_page: 30 });
  assert.equal(all.length, t.twin.groundTruth()['acme/payments'].deployments.length);
  t.twin.faults.inject([{ kind: '5xx', status: 502 }, { kind: 'secondary', status: 403 }]);
  const r = await ok.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'payments' });
  assert.equal(r.status, 200);
  // The throttling plugin recognised the 403 as a secondary limit and read retry-after.
  assert.deepEqual(events, [['secondary', '/repos/{owner}/{repo}', 1, 0]]);
  // A 429 secondary limit is retried too (by the retry plugin, which sees it first).
  t.twin.faults.inject([{ kind: 'secondary', status: 429 }]);
  assert.equal((await ok.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'payments' })).status, 200);
  assert.deepEqual(t.twin.faults.log.map((f) => `${f.kind}:${f.status}`), ['5xx:502', 'secondary:403', 'secondary:429']);
});

test('GraphQL through octokit: data, and RATE_LIMITED reaches onRateLimit', async () => {
  const events = [];
  const data = await octokit('gql-a', events).graphql('query($o: String!, $n: String!) { repository(owner: $o, name: $n) { defaultBranchRef { name } } }', { o: 'acme', n: 'checkout' });
  assert.equal(data.repository.defaultBranchRef.name, 'master');
  const limited = octokit('gql-b', events, { auth: 'one-point' });
  await limited.graphql('{ viewer { login } }');
  await assert.rejects(limited.graphql('{ viewer { login } }'), /GraphQL Rate Limit Exceeded/);
  assert.equal(events.length, 1);
  assert.equal(events[0][0], 'primary');
  assert.ok(events[0][2] > 3000, 'retryAfter runs to the window reset, about an hour away');
});

test('an Enterprise base URL (/api/v3) works for REST and GraphQL', async () => {
  const events = [];
  const ghes = octokit('ghes', events, { baseUrl: `${t.twin.url}/api/v3` });
  const repos = await ghes.paginate('GET /orgs/{org}/repos', { org: 'acme', per_page: 1 });
  assert.deepEqual(repos.map((r) => r.full_name).sort(), ['acme/checkout', 'acme/payments']);
  const gql = new Client({ auth: 'twin-token', baseUrl: `${t.twin.url}/api`, throttle: { enabled: false } });
  const data = await gql.graphql('{ viewer { login } }');
  assert.equal(data.viewer.login, 'octocat');
});
