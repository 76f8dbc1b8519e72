'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { loadScenario, exportScenario, groundTruth, generateScenario } = require('../src/index');
const { client, useTwin, END } = require('./helpers');

// A hand-written scenario in the core's event shapes (instants as ISO strings or epoch ms).
const SCENARIO = {
  version: 1,
  now: '2026-11-28T12:00:00Z',
  repositories: {
    'shop/payments': {
      defaultBranch: 'trunk',
      labels: ['bug', { name: 'sev1', color: 'ff0000' }],
      deployments: [
        { id: 'DE_prod_1', environment: 'production', state: 'SUCCESS', createdAt: '2026-11-20T10:00:00Z' },
        { id: 'DE_prod_2', environment: 'production', state: 'FAILURE', createdAt: Date.parse('2026-11-21T10:00:00Z') },
        { id: 'DE_prod_3', environment: 'production', createdAt: '2026-11-28T11:50:00Z', statuses: [{ state: 'PENDING', createdAt: '2026-11-28T11:50:00Z' }, { state: 'SUCCESS', createdAt: '2026-11-28T12:10:00Z' }] },
        { environment: 'staging', state: 'INACTIVE', createdAt: '2026-11-19T10:00:00Z' },
      ],
      changes: [
        { id: 'PR_a', createdAt: '2026-11-19T08:00:00Z', firstCommitAt: '2026-11-18T08:00:00Z', mergedAt: '2026-11-19T09:00:00Z' },
        { id: 'PR_b', createdAt: Date.parse('2026-11-20T08:00:00Z'), mergedAt: '2026-11-20T09:30:00Z', labels: ['bug'] },
      ],
      incidents: [
        { id: 'I_1', createdAt: '2026-11-21T10:30:00Z', closedAt: '2026-11-21T11:30:00Z', stateReason: 'COMPLETED' },
        { id: 'I_2', createdAt: '2026-11-22T10:30:00Z', closedAt: '2026-11-22T10:40:00Z', stateReason: 'NOT_PLANNED', labels: ['sev1'] },
        { id: 'I_3', createdAt: '2026-11-27T10:30:00Z' },
      ],
      pullRequests: [
        { id: 'PR_elsewhere', createdAt: '2026-11-21T08:00:00Z', mergedAt: '2026-11-21T09:00:00Z', baseRefName: 'release/2' },
        { id: 'PR_closed', createdAt: '2026-11-21T08:00:00Z', closedAt: '2026-11-21T09:00:00Z' },
      ],
      issues: [{ id: 'I_feature', createdAt: '2026-11-23T00:00:00Z', labels: ['enhancement'] }],
    },
  },
};

const t = useTwin({ scenario: SCENARIO, frozenClock: true });

test('a scenario in the core\'s shapes is served with its ids, and its ground truth is derived from the data', () => {
  const truth = groundTruth(SCENARIO)['shop/payments'];
  const at = (s) => Date.parse(s);
  assert.deepEqual(truth.deployments.filter((d) => d.environment === 'production'), [
    { id: 'DE_prod_1', environment: 'production', state: 'SUCCESS', createdAt: at('2026-11-20T10:00:00Z') },
    { id: 'DE_prod_2', environment: 'production', state: 'FAILURE', createdAt: at('2026-11-21T10:00:00Z') },
    { id: 'DE_prod_3', environment: 'production', state: 'PENDING', createdAt: at('2026-11-28T11:50:00Z') },
  ]);
  assert.equal(truth.deployments.find((d) => d.environment === 'staging').state, 'INACTIVE');
  assert.deepEqual(truth.changes, [
    { id: 'PR_a', createdAt: at('2026-11-19T08:00:00Z'), firstCommitAt: at('2026-11-18T08:00:00Z'), mergedAt: at('2026-11-19T09:00:00Z') },
    // No first commit given: its first commit is authored when the PR was opened.
    { id: 'PR_b', createdAt: at('2026-11-20T08:00:00Z'), firstCommitAt: at('2026-11-20T08:00:00Z'), mergedAt: at('2026-11-20T09:30:00Z') },
  ]);
  assert.deepEqual(truth.incidents, [
    { id: 'I_1', createdAt: at('2026-11-21T10:30:00Z'), closedAt: at('2026-11-21T11:30:00Z'), stateReason: 'COMPLETED' },
    { id: 'I_2', createdAt: at('2026-11-22T10:30:00Z'), closedAt: at('2026-11-22T10:40:00Z'), stateReason: 'NOT_PLANNED' },
    { id: 'I_3', createdAt: at('2026-11-27T10:30:00Z'), closedAt: null, stateReason: null },
  ]);
  // Later, the pending deployment has succeeded.
  const later = groundTruth(SCENARIO, { asOf: '2026-11-28T12:30:00Z' })['shop/payments'];
  assert.equal(later.deployments.find((d) => d.id === 'DE_prod_3').state, 'ACTIVE');
});

test('the twin serves the scenario: default branch, labels, states, a PR labelled bug is not an issue', async () => {
  const r = await client(t.twin).gql(`{ repository(owner: "shop", name: "payments") {
    defaultBranchRef { name }
    d: deployments(first: 10, environments: ["production"]) { nodes { id state } }
    p: pullRequests(first: 10) { nodes { id state baseRefName labels(first: 5) { nodes { name } } } }
    i: issues(first: 10, labels: ["bug"]) { nodes { id state stateReason labels(first: 5) { nodes { name } } } }
    l: label(name: "sev1") { color }
  } }`);
  const repo = r.body.data.repository;
  assert.equal(repo.defaultBranchRef.name, 'trunk');
  assert.deepEqual(repo.d.nodes, [{ id: 'DE_prod_1', state: 'SUCCESS' }, { id: 'DE_prod_2', state: 'FAILURE' }, { id: 'DE_prod_3', state: 'PENDING' }]);
  assert.deepEqual(repo.p.nodes.map((p) => [p.id, p.state, p.baseRefName]), [
    ['PR_a', 'MERGED', 'trunk'], ['PR_b', 'MERGED', 'trunk'], ['PR_elsewhere', 'MERGED', 'release/2'], ['PR_closed', 'CLOSED', 'trunk'],
  ]);
  assert.deepEqual(repo.i.nodes.map((i) => i.id), ['I_1', 'I_2', 'I_3']);
  assert.deepEqual(repo.i.nodes[1].labels.nodes.map((l) => l.name), ['bug', 'sev1']);
  assert.equal(repo.l.color, 'ff0000');
});

test('scenario mistakes are reported with the offending field', () => {
  const bad = (repo, message) => assert.throws(() => loadScenario({ repositories: { 'o/r': repo } }), (e) => e.code === 'INVALID_SCENARIO' && message.test(e.message));
  bad({ deployments: [{ environment: 'production', createdAt: 'yesterday' }] }, /deployments\[0\]\.createdAt: not an ISO-8601 instant/);
  bad({ deployments: [{ environment: 'production', state: 'DONE', createdAt: 0 }] }, /deployments\[0\]\.state: "DONE" is not one of/);
  bad({ changes: [{ createdAt: 0 }] }, /changes\[0\]\.mergedAt: required/);
  bad({ changes: [{ createdAt: 0, mergedAt: 1, baseRefName: 'dev' }] }, /a change is merged into the default branch/);
  bad({ incidents: [{ createdAt: 0, closedAt: 1, stateReason: 'FIXED' }] }, /stateReason: "FIXED" is not one of/);
  bad({ incidents: [{ createdAt: 0, colour: 'red' }] }, /incidents\[0\]: unknown key "colour"/);
  bad({ incidents: [{ id: 'X', createdAt: 0 }], issues: [{ id: 'X', createdAt: 1 }] }, /duplicate node id "X"/);
  assert.throws(() => loadScenario({ repositories: { 'not a repo': {} } }), /expected "owner\/name"/);
  assert.throws(() => loadScenario({ repos: {} }), /unknown key "repos"/);
});

test('export and reload keep every id and the ground truth (a mutated data set can be replayed)', () => {
  const generated = generateScenario({ org: 'acme', repos: 2, seed: 9, days: 10, end: END });
  const store = loadScenario(generated, { frozen: true });
  const exported = exportScenario(store);
  const replayed = loadScenario(JSON.parse(JSON.stringify(exported)), { frozen: true });
  assert.deepEqual(groundTruth(replayed), groundTruth(store));
  assert.deepEqual(exportScenario(replayed), exported);
});

test('control endpoints: stats, truth, mutate, clock, scenario, faults, reset', async () => {
  const base = t.twin.url;
  const post = async (path, body) => (await fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body) })).json();
  const get = async (path) => (await fetch(`${base}${path}`)).json();
  await post('/_twin/reset', {});
  await client(t.twin).gql('{ rateLimit { cost } repository(owner: "shop", name: "payments") { d: deployments(first: 100) { totalCount } } }');
  await client(t.twin).get('/repos/shop/payments');
  const stats = await get('/_twin/stats');
  assert.deepEqual(
    (({ requests, rest, graphql, graphqlPoints }) => ({ requests, rest, graphql, graphqlPoints }))(stats.tokens['twin-token']),
    { requests: 2, rest: 1, graphql: 1, graphqlPoints: 1 },
  );
  assert.equal(stats.rateLimits['twin-token'].graphql.used, 1);
  assert.equal(stats.rateLimits['twin-token'].core.used, 1);

  const added = await post('/_twin/mutate', [{ op: 'add', repo: 'shop/payments', kind: 'deployment', event: { environment: 'production', createdAt: '2026-11-28T11:55:00Z', statuses: [{ state: 'QUEUED' }] } }]);
  const id = added.results[0].id;
  await post('/_twin/mutate', { mutations: [{ op: 'addStatus', id, state: 'success', createdAt: '2026-11-28T11:58:00Z' }] });
  let truth = await get('/_twin/truth');
  assert.equal(truth['shop/payments'].deployments.find((d) => d.id === id).state, 'ACTIVE');
  assert.equal(truth['shop/payments'].deployments.find((d) => d.id === 'DE_prod_1').state, 'INACTIVE', 'auto_inactive');

  const clock = await post('/_twin/clock', { advanceMs: 20 * 60_000 });
  assert.equal(clock.now, '2026-11-28T12:20:00.000Z');
  truth = await get('/_twin/truth');
  assert.equal(truth['shop/payments'].deployments.find((d) => d.id === 'DE_prod_3').state, 'ACTIVE');
  // DE_prod_3 was created before the added deployment: its late success supersedes nothing.
  assert.equal(truth['shop/payments'].deployments.find((d) => d.id === id).state, 'ACTIVE');
  const earlier = await get('/_twin/truth?asOf=2026-11-28T12:00:00Z');
  assert.equal(earlier['shop/payments'].deployments.find((d) => d.id === 'DE_prod_3').state, 'PENDING');

  const bad = await fetch(`${base}/_twin/mutate`, { method: 'POST', body: JSON.stringify([{ op: 'update', id: 'I_1', set: { colour: 'red' } }]) });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /unknown key "colour"/);

  await post('/_twin/faults', { inject: [{ kind: '5xx', status: 503 }] });
  assert.equal((await client(t.twin).get('/repos/shop/payments')).status, 503);
  assert.equal((await get('/_twin/faults')).log.length, 1);

  const exported = await get('/_twin/scenario');
  assert.ok(exported.repositories['shop/payments'].deployments.some((d) => d.id === id));
  // Replace the data set, then go back to the original one.
  const replaced = await post('/_twin/scenario', { generate: { org: 'other', repos: 1, seed: 1, days: 3, end: END } });
  assert.deepEqual(replaced.repositories, ['other/payments']);
  assert.equal((await client(t.twin).get('/repos/shop/payments')).status, 404);
  await post('/_twin/scenario', { scenario: SCENARIO, frozenClock: true });
  assert.equal((await client(t.twin).get('/repos/shop/payments')).status, 200);
  await post('/_twin/reset', { data: true });
  assert.equal((await get('/_twin/stats')).requests, 0);
  assert.equal((await get('/_twin/clock')).now, '2026-11-28T12:00:00.000Z');
});
