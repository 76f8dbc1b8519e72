'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { client, useTwin, END } = require('./helpers');
const { generateOrg, generateScenario } = require('../src/index');

const OPTIONS = { org: 'acme', repos: 4, seed: 42, days: 25, end: END };
const t = useTwin({ generate: OPTIONS, frozenClock: true, validateResponses: true });

const ms = (iso) => (iso === null ? null : Date.parse(iso));
const byTime = (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const sorted = (truth) => Object.fromEntries(Object.entries(truth).map(([k, v]) => [k, {
  deployments: [...v.deployments].sort(byTime), changes: [...v.changes].sort(byTime), incidents: [...v.incidents].sort(byTime),
}]));

test('the generator is deterministic for a seed (and changes with it)', () => {
  const a = generateScenario(OPTIONS);
  const b = generateScenario({ ...OPTIONS });
  assert.deepEqual(a, b);
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  const c = generateScenario({ ...OPTIONS, seed: 43 });
  assert.notDeepEqual(a.repositories, c.repositories);
  assert.deepEqual(generateOrg(OPTIONS).groundTruth, generateOrg(OPTIONS).groundTruth);
});

test('the generated organization has what a DORA collector must handle', () => {
  const { scenario, groundTruth } = generateOrg(OPTIONS);
  const repos = Object.keys(groundTruth);
  assert.equal(repos.length, 4);
  assert.deepEqual(Object.values(scenario.repositories).map((r) => r.defaultBranch).sort(), ['main', 'main', 'main', 'master']);
  const all = Object.values(groundTruth);
  const deployments = all.flatMap((r) => r.deployments);
  const states = new Set(deployments.map((d) => d.state));
  for (const s of ['ACTIVE', 'INACTIVE', 'FAILURE']) assert.ok(states.has(s), `a ${s} deployment`);
  assert.ok(deployments.some((d) => ['PENDING', 'IN_PROGRESS', 'QUEUED'].includes(d.state)), 'a deployment not yet completed');
  assert.deepEqual([...new Set(deployments.map((d) => d.environment))].sort(), ['prod', 'production', 'staging']);
  assert.ok(all.some((r) => r.deployments.length === 0), 'a repository without deployments');
  const incidents = all.flatMap((r) => r.incidents);
  const reasons = new Set(incidents.map((i) => i.stateReason));
  for (const r of ['COMPLETED', 'NOT_PLANNED', null]) assert.ok(reasons.has(r), `an incident with stateReason ${r}`);
  assert.ok(incidents.some((i) => i.closedAt === null), 'an open incident');
  // PRs labelled bug exist, and none of them is an incident.
  const bugPrs = Object.values(scenario.repositories).flatMap((r) => r.pullRequests).filter((p) => p.labels.includes('bug'));
  assert.ok(bugPrs.length > 0);
  const prs = Object.values(scenario.repositories).flatMap((r) => r.pullRequests);
  assert.ok(prs.some((p) => p.closedAt && !p.mergedAt), 'a PR closed unmerged');
  assert.ok(prs.some((p) => p.mergedAt && p.baseRefName !== 'main' && p.baseRefName !== 'master'), 'a PR merged elsewhere');
  const changes = all.flatMap((r) => r.changes);
  assert.ok(changes.length > 50);
  for (const ch of changes) assert.ok(ch.firstCommitAt <= ch.createdAt && ch.createdAt <= ch.mergedAt);
});

test('ground truth equals what GraphQL serves (every page walked, events rebuilt)', async () => {
  const api = client(t.twin);
  const org = await api.gqlAll('query($after: String) { organization(login: "acme") { repositories(first: 2, after: $after) { pageInfo { hasNextPage endCursor } nodes { name defaultBranchRef { name } } } } }', {}, (d) => d.organization.repositories);
  const rebuilt = {};
  for (const repo of org) {
    const vars = { owner: 'acme', name: repo.name, branch: repo.defaultBranchRef.name };
    const deployments = await api.gqlAll(`query($owner: String!, $name: String!, $after: String) { repository(owner: $owner, name: $name) {
      deployments(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id environment state createdAt } } } }`, vars, (d) => d.repository.deployments);
    const prs = await api.gqlAll(`query($owner: String!, $name: String!, $branch: String!, $after: String) { repository(owner: $owner, name: $name) {
      pullRequests(first: 100, after: $after, states: MERGED, baseRefName: $branch) { pageInfo { hasNextPage endCursor }
        nodes { id createdAt mergedAt commits(first: 1) { nodes { commit { authoredDate } } } } } } }`, vars, (d) => d.repository.pullRequests);
    const issues = await api.gqlAll(`query($owner: String!, $name: String!, $after: String) { repository(owner: $owner, name: $name) {
      issues(first: 100, after: $after, labels: ["bug"]) { pageInfo { hasNextPage endCursor } nodes { id createdAt closedAt stateReason(enableDuplicate: true) } } } }`, vars, (d) => d.repository.issues);
    rebuilt[`acme/${repo.name}`] = {
      deployments: deployments.map((d) => ({ id: d.id, environment: d.environment, state: d.state, createdAt: ms(d.createdAt) })),
      changes: prs.map((p) => ({ id: p.id, createdAt: ms(p.createdAt), firstCommitAt: ms(p.commits.nodes[0].commit.authoredDate), mergedAt: ms(p.mergedAt) })),
      incidents: issues.map((i) => ({ id: i.id, createdAt: ms(i.createdAt), closedAt: ms(i.closedAt), stateReason: i.stateReason })),
    };
  }
  assert.deepEqual(sorted(rebuilt), sorted(generateOrg(OPTIONS).groundTruth));
});

test('ground truth equals what REST serves (link pages walked, statuses and commits read)', async () => {
  const api = client(t.twin);
  const { items: repos } = await api.getAll('/orgs/acme/repos?per_page=3');
  const rebuilt = {};
  const statusState = { success: 'ACTIVE' };
  for (const repo of repos) {
    const base = `/repos/${repo.full_name}`;
    const { items: deployments } = await api.getAll(`${base}/deployments?per_page=100`);
    const ds = [];
    for (const d of deployments) {
      const latest = (await api.get(`${base}/deployments/${d.id}/statuses?per_page=1`)).body[0];
      ds.push({ id: d.node_id, environment: d.environment, state: latest ? statusState[latest.state] ?? latest.state.toUpperCase() : 'PENDING', createdAt: ms(d.created_at) });
    }
    const { items: pulls } = await api.getAll(`${base}/pulls?state=closed&base=${encodeURIComponent(repo.default_branch)}&per_page=100`);
    const changes = [];
    for (const p of pulls.filter((x) => x.merged_at)) {
      const [first] = (await api.get(`${base}/pulls/${p.number}/commits?per_page=1`)).body;
      changes.push({ id: p.node_id, createdAt: ms(p.created_at), firstCommitAt: ms(first.commit.author.date), mergedAt: ms(p.merged_at) });
    }
    const { items: issues } = await api.getAll(`${base}/issues?labels=bug&state=all&per_page=100`);
    rebuilt[repo.full_name] = {
      deployments: ds,
      changes,
      incidents: issues.filter((i) => !i.pull_request).map((i) => ({ id: i.node_id, createdAt: ms(i.created_at), closedAt: ms(i.closed_at), stateReason: i.state_reason ? i.state_reason.toUpperCase() : null })),
    };
  }
  assert.deepEqual(sorted(rebuilt), sorted(generateOrg(OPTIONS).groundTruth));
  // Every REST body served on the way matched its OpenAPI response schema.
  assert.equal(t.twin.stats().invalidResponses, 0);
  assert.ok(t.twin.stats().tokens['twin-token'].rest > 300);
});

test('moving the clock completes the pending deployment and supersedes the previous one', async () => {
  const api = client(t.twin);
  const q = '{ repository(owner: "acme", name: "payments") { deployments(last: 3, environments: ["production"]) { nodes { id state } } } }';
  const before = (await api.gql(q)).body.data.repository.deployments.nodes;
  const pending = before[before.length - 1];
  assert.ok(['PENDING', 'IN_PROGRESS'].includes(pending.state));
  t.twin.advance(30 * 60_000);
  try {
    const after = (await api.gql(q)).body.data.repository.deployments.nodes;
    const done = after[after.length - 1];
    assert.equal(done.id, pending.id);
    assert.ok(['ACTIVE', 'FAILURE', 'ERROR'].includes(done.state));
    const truth = t.twin.groundTruth()['acme/payments'].deployments;
    assert.equal(truth.find((d) => d.id === pending.id).state, done.state);
    if (done.state === 'ACTIVE') {
      const prevActive = before.slice(0, -1).filter((d) => d.state === 'ACTIVE');
      for (const p of prevActive) assert.equal(after.find((d) => d.id === p.id).state, 'INACTIVE');
    }
  } finally {
    t.twin.advance(-30 * 60_000);
  }
});

test('mutations between syncs: a new incident, a close and a new deployment status show up', async () => {
  const api = client(t.twin);
  const since = new Date(t.twin.now()).toISOString();
  const [added] = t.twin.mutate([{ op: 'add', repo: 'acme/search', kind: 'incident', event: { createdAt: t.twin.now() - 3_600_000, title: 'Checkout is down' } }]);
  const openBug = t.twin.groundTruth()['acme/payments'].incidents.find((i) => i.closedAt === null && i.stateReason === null);
  t.twin.mutate([{ op: 'update', id: openBug.id, set: { closedAt: t.twin.now(), stateReason: 'NOT_PLANNED' } }]);
  const r = await api.gql(`query($since: DateTime) { a: repository(owner: "acme", name: "search") { issues(first: 100, labels: ["bug"], filterBy: {since: $since}) { nodes { id title state } } }
    b: repository(owner: "acme", name: "payments") { issues(first: 100, labels: ["bug"], filterBy: {since: $since}) { nodes { id state stateReason } } } }`, { since });
  assert.deepEqual(r.body.data.a.issues.nodes, [{ id: added.id, title: 'Checkout is down', state: 'OPEN' }]);
  assert.deepEqual(r.body.data.b.issues.nodes, [{ id: openBug.id, state: 'CLOSED', stateReason: 'NOT_PLANNED' }]);
  const s = await api.get(`/search/issues?q=${encodeURIComponent(`org:acme is:issue label:bug updated:>=${since}`)}`);
  assert.deepEqual(s.body.items.map((i) => i.node_id).sort(), [added.id, openBug.id].sort());
  // Undo, so other tests see the generated data.
  t.twin.mutate([{ op: 'remove', id: added.id }, { op: 'update', id: openBug.id, set: { closedAt: null, stateReason: null } }]);
});
