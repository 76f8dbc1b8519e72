'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { client, useTwin, END } = require('./helpers');

const t = useTwin({
  generate: { org: 'acme', repos: 3, seed: 11, days: 20, end: END },
  frozenClock: true,
  tokens: ['twin-token', 'other-token', { token: 'small-budget', login: 'budget', limits: { graphql: 3 } }],
});
const gql = (...a) => client(t.twin).gql(...a);

test('a valid query returns data, with GitHub-shaped ids, instants and rate-limit headers', async () => {
  const r = await gql(`query($owner: String!, $name: String!) {
    viewer { login }
    repository(owner: $owner, name: $name) {
      nameWithOwner defaultBranchRef { name }
      deployments(first: 5, environments: ["production"], orderBy: {field: CREATED_AT, direction: DESC}) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { id databaseId environment state createdAt updatedAt commitOid latestStatus { state createdAt } }
      }
    }
  }`, { owner: 'acme', name: 'checkout' });
  assert.equal(r.status, 200);
  assert.equal(r.body.errors, undefined);
  const repo = r.body.data.repository;
  assert.equal(r.body.data.viewer.login, 'octocat');
  assert.equal(repo.nameWithOwner, 'acme/checkout');
  assert.equal(repo.defaultBranchRef.name, 'master');
  assert.equal(repo.deployments.nodes.length, 5);
  assert.ok(repo.deployments.totalCount > 5);
  for (const d of repo.deployments.nodes) {
    assert.match(d.id, /^DE_kw[A-Za-z0-9_-]+$/);
    assert.match(d.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(d.environment, 'production');
    assert.match(d.commitOid, /^[0-9a-f]{40}$/);
  }
  const created = repo.deployments.nodes.map((d) => d.createdAt);
  assert.deepEqual(created, [...created].sort().reverse(), 'DESC order');
  // The newest production deployment is still in progress at the end of generated history.
  assert.ok(['PENDING', 'IN_PROGRESS', 'QUEUED'].includes(repo.deployments.nodes[0].state));
  assert.equal(r.headers.get('x-ratelimit-resource'), 'graphql');
  assert.ok(Number(r.headers.get('x-ratelimit-used')) >= 1);
});

test('an unknown field is rejected as GitHub does (HTTP 200, errors, no data)', async () => {
  const query = 'query { repository(owner: "acme", name: "checkout") { nameWithOwner colour } }';
  const r = await gql(query);
  assert.equal(r.status, 200);
  assert.equal(r.body.data, undefined);
  assert.deepEqual(r.body.errors, [{
    path: ['query', 'repository', 'colour'],
    extensions: { code: 'undefinedField', typeName: 'Repository', fieldName: 'colour' },
    locations: [{ line: 1, column: query.indexOf('colour') + 1 }],
    message: "Field 'colour' doesn't exist on type 'Repository'",
  }]);
});

test('an unknown argument and a missing required argument are rejected with graphql-ruby shapes', async () => {
  const r = await gql('query Q { repository(owner: "acme") { pullRequests(first: 1, sort: CREATED) { totalCount } } }');
  assert.equal(r.status, 200);
  const byCode = Object.fromEntries(r.body.errors.map((e) => [e.extensions.code, e]));
  assert.equal(byCode.missingRequiredArguments.message, "Field 'repository' is missing required arguments: name");
  assert.deepEqual(byCode.missingRequiredArguments.path, ['query Q', 'repository']);
  assert.equal(byCode.argumentNotAccepted.message, "Field 'pullRequests' doesn't accept argument 'sort'");
  assert.deepEqual(byCode.argumentNotAccepted.path, ['query Q', 'repository', 'pullRequests', 'sort']);
});

test('first: 101 is rejected with GitHub\'s exact text; last: 101 too; a missing boundary as well', async () => {
  const query = '{ repository(owner: "acme", name: "payments") { pullRequests(first: 101) { nodes { id } } } }';
  let r = await gql(query);
  assert.equal(r.status, 200);
  assert.equal(r.body.data, undefined);
  assert.deepEqual(r.body.errors, [{
    type: 'EXCESSIVE_PAGINATION',
    path: ['repository', 'pullRequests'],
    locations: [{ line: 1, column: query.indexOf('pullRequests') + 1 }],
    message: 'Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.',
  }]);
  r = await gql('query($n: Int) { repository(owner: "acme", name: "payments") { issues(last: $n) { nodes { id } } } }', { n: 101 });
  assert.equal(r.body.errors[0].message, 'Requesting 101 records on the `issues` connection exceeds the `last` limit of 100 records.');
  r = await gql('{ repository(owner: "acme", name: "payments") { deployments { nodes { id } } } }');
  assert.equal(r.body.errors[0].type, 'MISSING_PAGINATION_BOUNDARIES');
  assert.equal(r.body.errors[0].message, 'You must provide a `first` or `last` value to properly paginate the `deployments` connection.');
  // Only counting needs no boundary.
  r = await gql('{ repository(owner: "acme", name: "payments") { deployments { totalCount } } }');
  assert.equal(r.body.errors, undefined);
  assert.ok(r.body.data.repository.deployments.totalCount > 0);
  r = await gql('{ repository(owner: "acme", name: "payments") { deployments(first: 0) { nodes { id } } } }');
  assert.equal(r.body.errors[0].path.join('.'), 'repository.deployments');
});

test('rateLimit.cost follows the published formula for a nested query', async () => {
  const query = `{
    rateLimit { cost nodeCount limit remaining used resetAt }
    organization(login: "acme") {
      repositories(first: 10) {
        nodes {
          pullRequests(first: 50) { nodes { commits(first: 1) { nodes { commit { oid } } } labels(first: 5) { nodes { name } } } }
          deployments(first: 100) { nodes { id } }
        }
      }
    }
    search(query: "org:acme is:pr", type: ISSUE, first: 100) { issueCount }
  }`;
  // Requests to fill each connection: repositories 1, pullRequests 10 (one per repository),
  // commits 10*50, labels 10*50, deployments 10, search 1: 1022 -> 1022/100 = 10.22 -> 10 points.
  const requests = 1 + 10 + 10 * 50 + 10 * 50 + 10 + 1;
  const nodes = 10 + 10 * 50 + 10 * 50 * 1 + 10 * 50 * 5 + 10 * 100 + 100;
  const before = await gql('{ rateLimit { used } }');
  const r = await gql(query);
  assert.equal(r.body.errors, undefined);
  const rl = r.body.data.rateLimit;
  assert.equal(rl.cost, Math.round(requests / 100));
  assert.equal(rl.cost, 10);
  assert.equal(rl.nodeCount, nodes);
  assert.equal(rl.limit, 5000);
  assert.equal(rl.used, before.body.data.rateLimit.used + 10);
  assert.equal(rl.remaining, 5000 - rl.used);
  assert.equal(r.headers.get('x-ratelimit-used'), String(rl.used));
  assert.ok(Date.parse(rl.resetAt) > Date.now());
  // 201 requests round to 2; a query without connections costs the minimum, 1.
  const two = await gql('{ rateLimit { cost } organization(login: "acme") { repositories(first: 100) { nodes { issues(first: 1) { totalCount } pullRequests(first: 1) { totalCount } } } } }');
  assert.equal(two.body.data.rateLimit.cost, 2);
  const one = await gql('{ rateLimit { cost nodeCount } viewer { login } }');
  assert.deepEqual(one.body.data.rateLimit, { cost: 1, nodeCount: 0 });
  // dryRun reports the cost without spending it.
  const dry = await gql(`{ rateLimit(dryRun: true) { cost used } organization(login: "acme") { repositories(first: 100) { nodes { issues(first: 1) { totalCount } pullRequests(first: 1) { totalCount } } } } }`);
  const after = await gql('{ rateLimit { used } }');
  assert.equal(dry.body.data.rateLimit.cost, 2);
  assert.equal(after.body.data.rateLimit.used, dry.body.data.rateLimit.used + 1);
});

test('a query over the node limit is refused before execution', async () => {
  const r = await gql('{ organization(login: "acme") { repositories(first: 100) { nodes { pullRequests(first: 100) { nodes { labels(first: 100) { nodes { name } } } } } } } }');
  assert.equal(r.body.data, undefined);
  assert.equal(r.body.errors[0].type, 'MAX_NODE_LIMIT_EXCEEDED');
  assert.equal(r.body.errors[0].message, 'By the time this query traverses to the labels connection, it is requesting up to 1,010,100 possible nodes which exceeds the maximum limit of 500,000.');
});

test('RATE_LIMITED once the hourly budget is spent (HTTP 200, remaining 0)', async () => {
  const small = client(t.twin, 'small-budget');
  const q = '{ rateLimit { cost remaining } organization(login: "acme") { repositories(first: 100) { nodes { issues(first: 1) { totalCount } pullRequests(first: 1) { totalCount } } } } }';
  const first = await small.gql(q);
  assert.deepEqual(first.body.data.rateLimit, { cost: 2, remaining: 1 });
  const second = await small.gql(q); // allowed while not yet exhausted; used may pass the limit
  assert.deepEqual(second.body.data.rateLimit, { cost: 2, remaining: 0 });
  const third = await small.gql(q);
  assert.equal(third.status, 200);
  assert.equal(third.body.data, undefined);
  assert.equal(third.body.errors.length, 1);
  assert.equal(third.body.errors[0].type, 'RATE_LIMITED');
  assert.match(third.body.errors[0].message, /^API rate limit already exceeded for user ID \d+\.$/);
  assert.equal(third.headers.get('x-ratelimit-remaining'), '0');
  assert.ok(Number(third.headers.get('x-ratelimit-reset')) * 1000 > Date.now());
  // Another token's budget is its own.
  const other = await client(t.twin, 'other-token').gql('{ rateLimit { used } }');
  assert.equal(other.body.data.rateLimit.used, 1);
  assert.equal(t.twin.stats().tokens['small-budget'].rateLimited, 1);
  assert.equal(t.twin.stats().tokens['small-budget'].graphqlPoints, 4);
});

test('a missing repository under an alias gives partial data and a NOT_FOUND error at its path', async () => {
  const r = await gql(`{
  a: repository(owner: "acme", name: "no-such-repo") { name }
  b: repository(owner: "acme", name: "payments") { name }
}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.data, { a: null, b: { name: 'payments' } });
  assert.deepEqual(r.body.errors, [{
    type: 'NOT_FOUND',
    path: ['a'],
    locations: [{ line: 2, column: 3 }],
    message: "Could not resolve to a Repository with the name 'acme/no-such-repo'.",
  }]);
});

test('node and nodes re-read deployments; unknown ids are null with NOT_FOUND', async () => {
  const list = await gql('{ repository(owner: "acme", name: "payments") { deployments(last: 2) { nodes { id state } } } }');
  const [d1, d2] = list.body.data.repository.deployments.nodes;
  const r = await gql('query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Deployment { id state latestStatus { state } } } }', { ids: [d1.id, 'DE_nope', d2.id] });
  assert.equal(r.body.data.nodes[0].id, d1.id);
  assert.equal(r.body.data.nodes[0].state, d1.state);
  assert.equal(r.body.data.nodes[1], null);
  assert.equal(r.body.data.nodes[2].id, d2.id);
  assert.deepEqual(r.body.errors.map((e) => [e.type, e.path]), [['NOT_FOUND', ['nodes', 1]]]);
  const one = await gql('query($id: ID!) { node(id: $id) { ... on Deployment { environment } } }', { id: d2.id });
  assert.ok(one.body.data.node.environment);
});

test('pullRequests and issues filters: states, baseRefName, labels, filterBy.since, orderBy', async () => {
  const c = client(t.twin);
  const prs = await c.gqlAll(`query($after: String) { repository(owner: "acme", name: "payments") {
      pullRequests(first: 100, after: $after, states: MERGED, baseRefName: "main", orderBy: {field: CREATED_AT, direction: ASC}) {
        pageInfo { hasNextPage endCursor }
        nodes { id number createdAt mergedAt updatedAt baseRefName merged commits(first: 1) { nodes { commit { authoredDate committedDate oid } } } }
      } } }`, {}, (d) => d.repository.pullRequests);
  assert.ok(prs.length > 10);
  for (const p of prs) {
    assert.equal(p.merged, true);
    assert.equal(p.baseRefName, 'main');
    assert.ok(p.mergedAt >= p.createdAt);
    assert.ok(p.commits.nodes[0].commit.authoredDate <= p.createdAt);
  }
  const since = '2026-11-20T00:00:00Z';
  const issues = await c.gqlAll(`query($after: String, $since: DateTime) { repository(owner: "acme", name: "payments") {
      issues(first: 50, after: $after, labels: ["bug"], filterBy: {since: $since}, orderBy: {field: UPDATED_AT, direction: DESC}) {
        pageInfo { hasNextPage endCursor }
        nodes { id state stateReason createdAt closedAt updatedAt labels(first: 10) { nodes { name } } }
      } } }`, { since }, (d) => d.repository.issues);
  assert.ok(issues.length > 0);
  for (const i of issues) {
    assert.ok(i.updatedAt >= since);
    assert.ok(i.labels.nodes.some((l) => l.name === 'bug'));
    assert.equal(i.state === 'CLOSED', i.closedAt !== null);
    if (i.state === 'CLOSED') assert.ok(['COMPLETED', 'NOT_PLANNED', 'DUPLICATE'].includes(i.stateReason));
  }
  const updated = issues.map((i) => i.updatedAt);
  assert.deepEqual(updated, [...updated].sort().reverse());
});

test('cursors page through a connection without gaps or repeats, forwards and backwards', async () => {
  const c = client(t.twin);
  const q = `query($after: String, $before: String, $first: Int, $last: Int) { repository(owner: "acme", name: "payments") {
    deployments(first: $first, last: $last, after: $after, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id } } } }`;
  const all = await c.gqlAll(q, { first: 7 }, (d) => d.repository.deployments);
  const total = (await c.gql(q, { first: 1 })).body.data.repository.deployments.totalCount;
  assert.equal(all.length, total);
  assert.equal(new Set(all.map((d) => d.id)).size, total);
  const page2 = (await c.gql(q, { first: 7, after: (await c.gql(q, { first: 7 })).body.data.repository.deployments.pageInfo.endCursor })).body.data.repository.deployments;
  assert.equal(page2.pageInfo.hasPreviousPage, true);
  const back = (await c.gql(q, { last: 7, before: page2.pageInfo.startCursor })).body.data.repository.deployments;
  assert.deepEqual(back.nodes.map((n) => n.id), all.slice(0, 7).map((n) => n.id));
  const bad = await c.gql(q, { first: 1, after: 'not-a-cursor' });
  assert.equal(bad.body.errors[0].message, '`not-a-cursor` does not appear to be a valid cursor.');
});

test('search returns PullRequest and Issue nodes for a collector\'s qualifiers', async () => {
  const c = client(t.twin);
  const q = `query($q: String!, $after: String) { search(query: $q, type: ISSUE, first: 100, after: $after) {
    issueCount pageInfo { hasNextPage endCursor }
    nodes { __typename ... on PullRequest { id baseRefName mergedAt repository { nameWithOwner } } ... on Issue { id closedAt stateReason labels(first: 5) { nodes { name } } } } } }`;
  const merged = await c.gqlAll(q, { q: 'repo:acme/payments is:pr is:merged base:main merged:>=2026-11-15' }, (d) => d.search);
  assert.ok(merged.length > 0);
  for (const p of merged) {
    assert.equal(p.__typename, 'PullRequest');
    assert.equal(p.baseRefName, 'main');
    assert.ok(p.mergedAt >= '2026-11-15T00:00:00Z');
  }
  const bugs = await c.gqlAll(q, { q: 'org:acme is:issue label:bug closed:>=2026-11-10 updated:>=2026-11-10' }, (d) => d.search);
  assert.ok(bugs.length > 0);
  for (const i of bugs) {
    assert.equal(i.__typename, 'Issue');
    assert.ok(i.closedAt >= '2026-11-10T00:00:00Z');
    assert.ok(i.labels.nodes.some((l) => l.name === 'bug'));
  }
});

test('the Enterprise path /api/graphql answers too; tokens are required', async () => {
  const r = await gql('{ viewer { login } }', {}, { path: '/api/graphql' });
  assert.equal(r.body.data.viewer.login, 'octocat');
  const bad = await client(t.twin, 'wrong').gql('{ viewer { login } }');
  assert.equal(bad.status, 401);
  assert.deepEqual(bad.body, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/graphql', status: '401' });
  const none = await client(t.twin, null).gql('{ viewer { login } }');
  assert.equal(none.status, 401);
});

test('syntax and variable errors look like GitHub\'s', async () => {
  const syntax = await gql('{ repository(owner: ) { name } }');
  assert.equal(syntax.status, 200);
  assert.match(syntax.body.errors[0].message, /^Parse error on "\)" \(RPAREN\) at \[1, 21\]$/);
  const vars = await gql('query($n: Int!) { repository(owner: "acme", name: "payments") { issues(first: $n) { totalCount } } }', { n: 'ten' });
  assert.equal(vars.body.errors[0].message, 'Variable $n of type Int! was provided invalid value');
  assert.equal(vars.body.errors[0].extensions.value, 'ten');
});

test('fields outside what the twin models resolve to typed defaults instead of crashing', async () => {
  const r = await gql(`{ repository(owner: "acme", name: "payments") {
    id databaseId isPrivate isArchived forkCount stargazerCount licenseInfo { name } primaryLanguage { name } diskUsage
    owner { login ... on Organization { name } }
    pullRequests(first: 2) { nodes { id title author { login } reviewDecision reviews(first: 2) { totalCount nodes { state } } mergeCommit { oid } isDraft additions } }
    issues(first: 2) { nodes { title author { login } comments(first: 1) { totalCount } milestone { title } reactions(first: 1) { totalCount } } }
    deployments(first: 2) { nodes { creator { login } task payload ref { name } statuses(first: 3) { nodes { state createdAt description } } } }
  } }`);
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body.errors));
  const repo = r.body.data.repository;
  assert.equal(repo.owner.login, 'acme');
  assert.equal(repo.pullRequests.nodes.length, 2);
  assert.equal(repo.deployments.nodes[0].creator.login, 'github-actions');
  assert.ok(repo.deployments.nodes[0].statuses.nodes.length >= 1);
});
