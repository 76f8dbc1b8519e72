'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { client, useTwin } = require('./helpers');

// 1,050 merged pull requests and 30 bug issues in one repository: more than search can reach.
const base = Date.parse('2026-06-01T00:00:00Z');
const scenario = {
  now: '2026-11-28T00:00:00Z',
  repositories: {
    'big/monorepo': {
      changes: Array.from({ length: 1050 }, (_, i) => ({ createdAt: base + i * 3_600_000, mergedAt: base + i * 3_600_000 + 1_800_000 })),
      incidents: Array.from({ length: 30 }, (_, i) => ({ createdAt: base + i * 86_400_000, closedAt: base + i * 86_400_000 + 600_000 })),
    },
  },
};
const t = useTwin({ scenario, frozenClock: true });

test('GraphQL search reports every match in issueCount but serves only the first 1,000', async () => {
  const api = client(t.twin);
  let pages = 0;
  let count = null;
  const nodes = await api.gqlAll(`query($after: String) { search(query: "repo:big/monorepo is:pr is:merged", type: ISSUE, first: 100, after: $after) {
    issueCount pageInfo { hasNextPage endCursor } nodes { ... on PullRequest { id createdAt } } } }`, {}, (d) => {
    pages++;
    count = d.search.issueCount;
    return d.search;
  });
  assert.equal(count, 1050);
  assert.equal(nodes.length, 1000);
  assert.equal(pages, 10);
  assert.equal(new Set(nodes.map((n) => n.id)).size, 1000);
  // Newest first by default: the oldest 50 (created in the first 50 hours) are out of reach.
  assert.equal(nodes.map((n) => n.createdAt).sort()[0], new Date(base + 50 * 3_600_000).toISOString().replace('.000Z', 'Z'));
});

test('REST search reports total_count but refuses pages past the first 1,000 results', async () => {
  const api = client(t.twin);
  const first = await api.get('/search/issues?q=repo:big/monorepo+is:pr&per_page=100');
  assert.equal(first.body.total_count, 1050);
  assert.match(first.headers.get('link'), /page=10>; rel="last"/);
  const { items, pages } = await api.getAll('/search/issues?q=repo:big/monorepo+is:pr&per_page=100');
  assert.equal(items.length, 1000);
  assert.equal(pages, 10);
  const past = await api.get('/search/issues?q=repo:big/monorepo+is:pr&per_page=100&page=11');
  assert.equal(past.status, 422);
  assert.equal(past.body.message, 'Only the first 1000 search results are available');
});

test('qualifiers narrow the results: created/merged/closed ranges, label, is:issue, sort', async () => {
  const api = client(t.twin);
  const r = await api.gql(`{
    june: search(query: "repo:big/monorepo is:pr merged:2026-06-01..2026-06-02", type: ISSUE, first: 1) { issueCount }
    after: search(query: "repo:big/monorepo is:pr created:>2026-06-30", type: ISSUE, first: 1) { issueCount }
    bugs: search(query: "repo:big/monorepo is:issue label:bug closed:<2026-06-11 sort:created-asc", type: ISSUE, first: 3) { issueCount nodes { ... on Issue { number createdAt } } }
    none: search(query: "repo:big/monorepo is:pr -label:bug is:open", type: ISSUE, first: 1) { issueCount }
  }`);
  assert.equal(r.body.errors, undefined);
  // PRs are created hourly from June 1st: 48 in June 1-2; merged 30 minutes later.
  assert.equal(r.body.data.june.issueCount, 48);
  // Created after June 30th, i.e. from July 1st 00:00: all but the first 30 days of hourly PRs.
  assert.equal(r.body.data.after.issueCount, 1050 - 30 * 24);
  assert.equal(r.body.data.bugs.issueCount, 10);
  const created = r.body.data.bugs.nodes.map((n) => n.createdAt);
  assert.deepEqual(created, ['2026-06-01T00:00:00Z', '2026-06-02T00:00:00Z', '2026-06-03T00:00:00Z']);
  assert.equal(r.body.data.none.issueCount, 0);
});
