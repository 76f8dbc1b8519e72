'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { client, useTwin, END } = require('./helpers');
const { validateRestResponse, startTwin } = require('../src/index');

const t = useTwin({
  generate: { org: 'acme', repos: 3, seed: 5, days: 40, end: END },
  frozenClock: true,
  tokens: ['twin-token', 'other-token', { token: 'tiny', login: 'tiny', limits: { core: 2 } }],
});
const c = () => client(t.twin);

function assertValid(template, status, body) {
  const v = validateRestResponse('GET', template, status, body);
  assert.ok(v.valid, `${template} ${status}: ${JSON.stringify(v.errors.slice(0, 3))}`);
}

test('response bodies validate against the operations\' OpenAPI response schemas', async () => {
  const api = c();
  const checks = [];
  const get = async (path, template) => {
    const r = await api.get(path);
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    assertValid(template, 200, r.body);
    checks.push(template);
    return r.body;
  };
  await get('/repos/acme/payments', '/repos/{owner}/{repo}');
  await get('/orgs/acme/repos?per_page=100', '/orgs/{org}/repos');
  const deployments = await get('/repos/acme/payments/deployments?environment=production&per_page=5', '/repos/{owner}/{repo}/deployments');
  await get(`/repos/acme/payments/deployments/${deployments[0].id}`, '/repos/{owner}/{repo}/deployments/{deployment_id}');
  const statuses = await get(`/repos/acme/payments/deployments/${deployments[1].id}/statuses`, '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses');
  await get(`/repos/acme/payments/deployments/${deployments[1].id}/statuses/${statuses[0].id}`, '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses/{status_id}');
  const pulls = await get('/repos/acme/payments/pulls?state=all&base=main&sort=updated&direction=desc&per_page=50', '/repos/{owner}/{repo}/pulls');
  await get(`/repos/acme/payments/pulls/${pulls[0].number}`, '/repos/{owner}/{repo}/pulls/{pull_number}');
  await get(`/repos/acme/payments/pulls/${pulls[0].number}/commits`, '/repos/{owner}/{repo}/pulls/{pull_number}/commits');
  const issues = await get('/repos/acme/payments/issues?labels=bug&state=all&since=2026-11-01T00:00:00Z&per_page=100', '/repos/{owner}/{repo}/issues');
  await get(`/repos/acme/payments/issues/${issues[0].number}`, '/repos/{owner}/{repo}/issues/{issue_number}');
  await get('/repos/acme/payments/labels', '/repos/{owner}/{repo}/labels');
  await get('/search/issues?q=org:acme+is:pr+is:merged+updated:>=2026-11-20&per_page=50', '/search/issues');
  await get('/rate_limit', '/rate_limit');
  await get('/user', '/user');
  assert.equal(checks.length, 15);
  // And a body that is wrong is caught by the same check (the validation can fail).
  assert.equal(validateRestResponse('GET', '/repos/{owner}/{repo}/deployments', 200, [{ ...deployments[0], id: 'x' }]).valid, false);
});

test('the issues API lists pull requests too (PRs carry pull_request), with state_reason', async () => {
  const { items } = await c().getAll('/repos/acme/payments/issues?state=all&labels=bug&per_page=100');
  const prs = items.filter((i) => i.pull_request);
  const issues = items.filter((i) => !i.pull_request);
  assert.ok(prs.length > 0, 'some PRs are labelled bug');
  assert.ok(issues.length > 0);
  assert.ok(prs.every((p) => p.node_id.startsWith('PR_')));
  assert.ok(issues.every((i) => i.node_id.startsWith('I_')));
  const reasons = new Set(issues.map((i) => i.state_reason));
  assert.ok(reasons.has('completed'));
  for (const i of issues) assert.equal(i.state === 'closed', i.closed_at !== null);
});

test('a bad parameter value or an unknown parameter gets GitHub\'s 422 shape', async () => {
  const r = await c().get('/repos/acme/payments/issues?state=merged');
  assert.equal(r.status, 422);
  assert.equal(r.body.message, 'Validation Failed');
  assert.deepEqual(r.body.errors.map(({ resource, field, code, value }) => ({ resource, field, code, value })), [{ resource: 'Issue', field: 'state', code: 'invalid', value: 'merged' }]);
  assert.match(r.body.documentation_url, /^https:\/\/docs\.github\.com\/rest\/issues\/issues#list-repository-issues$/);
  assertValid('/repos/{owner}/{repo}/issues', 422, r.body);
  const unknown = await c().get('/repos/acme/payments/pulls?per-page=10');
  assert.equal(unknown.status, 422);
  assert.equal(unknown.body.errors[0].field, 'per-page');
  const notInt = await c().get('/repos/acme/payments/deployments?per_page=ten');
  assert.equal(notInt.status, 422);
  const since = await c().get('/repos/acme/payments/issues?since=yesterday');
  assert.equal(since.status, 422);
});

test('per_page above 100 is served as 100, as GitHub does', async () => {
  const total = (await c().gql('{ repository(owner: "acme", name: "payments") { deployments { totalCount } } }')).body.data.repository.deployments.totalCount;
  assert.ok(total > 101, `the data set needs more than 101 deployments (${total})`);
  const r = await c().get('/repos/acme/payments/deployments?per_page=101');
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 100);
  assert.match(r.headers.get('link'), /per_page=101&page=2>; rel="next"/);
});

test('link pagination walks every page exactly once', async () => {
  const api = c();
  const gql = await api.gql('{ repository(owner: "acme", name: "payments") { deployments { totalCount } } }');
  const total = gql.body.data.repository.deployments.totalCount;
  const { items, pages } = await api.getAll('/repos/acme/payments/deployments?per_page=7');
  assert.equal(items.length, total);
  assert.equal(new Set(items.map((d) => d.id)).size, total);
  assert.equal(pages, Math.ceil(total / 7));
  const created = items.map((d) => d.created_at);
  assert.deepEqual(created, [...created].sort().reverse(), 'newest first');
  const middle = await api.get('/repos/acme/payments/deployments?per_page=7&page=2');
  const rels = [...middle.headers.get('link').matchAll(/rel="(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(rels, ['prev', 'next', 'last', 'first']);
  const beyond = await api.get(`/repos/acme/payments/deployments?per_page=7&page=${pages + 1}`);
  assert.deepEqual(beyond.body, []);
});

test('ETags are per token; If-None-Match gives a free 304 to the same token only', async () => {
  const api = c();
  const first = await api.get('/repos/acme/payments/pulls?state=all&per_page=5');
  const etag = first.headers.get('etag');
  assert.match(etag, /^W\/"[0-9a-f]{64}"$/);
  const used = Number(first.headers.get('x-ratelimit-used'));
  const again = await api.get('/repos/acme/payments/pulls?state=all&per_page=5', { 'if-none-match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.body, null);
  assert.equal(again.headers.get('etag'), etag);
  assert.equal(Number(again.headers.get('x-ratelimit-used')), used, 'a 304 costs nothing');
  const other = await client(t.twin, 'other-token').get('/repos/acme/payments/pulls?state=all&per_page=5', { 'if-none-match': etag });
  assert.equal(other.status, 200);
  assert.notEqual(other.headers.get('etag'), etag);
  assert.equal(t.twin.stats().tokens['twin-token'].notModified, 1);
  // A change on "GitHub" changes the body, so the old ETag no longer matches.
  const [pr] = first.body;
  t.twin.mutate([{ op: 'update', id: pr.node_id, set: { title: 'Renamed' } }]);
  const changed = await api.get('/repos/acme/payments/pulls?state=all&per_page=5', { 'if-none-match': etag });
  assert.equal(changed.status, 200);
});

test('rate-limit headers count requests; an exhausted token gets 403 with remaining 0', async () => {
  const tiny = client(t.twin, 'tiny');
  const a = await tiny.get('/repos/acme/payments');
  assert.equal(a.headers.get('x-ratelimit-limit'), '2');
  assert.equal(a.headers.get('x-ratelimit-remaining'), '1');
  assert.equal(a.headers.get('x-ratelimit-resource'), 'core');
  const rl = await tiny.get('/rate_limit');
  assert.equal(rl.body.resources.core.used, 1, '/rate_limit is free');
  await tiny.get('/repos/acme/payments');
  const refused = await tiny.get('/repos/acme/payments');
  assert.equal(refused.status, 403);
  assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
  assert.match(refused.body.message, /^API rate limit exceeded for user ID \d+\.$/);
  const search = await c().get('/search/issues?q=is:issue+repo:acme/payments');
  assert.equal(search.headers.get('x-ratelimit-resource'), 'search');
  assert.equal(search.headers.get('x-ratelimit-limit'), '30');
});

test('injected secondary rate limits answer 403 or 429 with retry-after', async () => {
  t.twin.faults.inject([{ kind: 'secondary', status: 403, retryAfter: 7 }, { kind: 'secondary', status: 429, path: 'graphql' }]);
  const r = await c().get('/repos/acme/payments/deployments');
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('retry-after'), '7');
  assert.match(r.body.message, /^You have exceeded a secondary rate limit\./);
  assert.ok(r.headers.get('x-ratelimit-remaining') !== '0', 'a secondary limit is not the primary one');
  const g = await c().gql('{ viewer { login } }');
  assert.equal(g.status, 429);
  assert.equal(g.headers.get('retry-after'), '60');
  const ok = await c().get('/repos/acme/payments/deployments');
  assert.equal(ok.status, 200);
});

test('bad tokens get 401; anonymous REST works with 60 requests an hour', async () => {
  const bad = await client(t.twin, 'nope').get('/repos/acme/payments');
  assert.equal(bad.status, 401);
  assert.deepEqual(bad.body, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
  const anon = await client(t.twin, null).get('/repos/acme/payments');
  assert.equal(anon.status, 200);
  assert.equal(anon.headers.get('x-ratelimit-limit'), '60');
  const me = await client(t.twin, null).get('/user');
  assert.equal(me.status, 401);
});

test('not found, unimplemented and Enterprise (/api/v3) paths', async () => {
  const missing = await c().get('/repos/acme/nothing-here/deployments');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.message, 'Not Found');
  const unimplemented = await c().get('/repos/acme/payments/releases');
  assert.equal(unimplemented.status, 404);
  assert.match(unimplemented.headers.get('x-github-twin'), /not implemented: repos\/list-releases/);
  const ghes = await c().get('/api/v3/repos/acme/payments/deployments?per_page=2');
  assert.equal(ghes.status, 200);
  assert.match(ghes.headers.get('link'), /\/api\/v3\/repos\/acme\/payments\/deployments\?per_page=2&page=2>; rel="next"/);
  assert.match(ghes.body[0].url, /\/api\/v3\/repos\/acme\/payments\/deployments\/\d+$/);
});

test('search/issues needs is:issue or is:pull-request, as GitHub now requires', async () => {
  const r = await c().get('/search/issues?q=repo:acme/payments+label:bug');
  assert.equal(r.status, 422);
  assert.equal(r.body.errors[0].message, "Query must include 'is:issue' or 'is:pull-request'");
  const ok = await c().get('/search/issues?q=repo:acme/payments+label:bug+is:issue&sort=created&order=asc');
  assert.equal(ok.status, 200);
  assert.ok(ok.body.items.every((i) => !i.pull_request));
  const created = ok.body.items.map((i) => i.created_at);
  assert.deepEqual(created, [...created].sort());
});

test('with strictParams: false, unknown parameters are ignored (as GitHub itself does)', async () => {
  const lenient = await startTwin({ generate: { org: 'acme', repos: 1, seed: 1, days: 2, end: END }, strictParams: false });
  try {
    const r = await client(lenient).get('/repos/acme/payments/pulls?per-page=10&state=all');
    assert.equal(r.status, 200);
    const bad = await client(lenient).get('/repos/acme/payments/pulls?state=merged');
    assert.equal(bad.status, 422, 'a wrong value of a known parameter is still refused');
  } finally {
    await lenient.close();
  }
});
