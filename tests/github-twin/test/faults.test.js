'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { startTwin } = require('../src/index');
const { END } = require('./helpers');

const DATA = { org: 'acme', repos: 1, seed: 3, days: 5, end: END };

/** Sends the same 40 requests in sequence and records what came back. */
async function run(faults) {
  const twin = await startTwin({ generate: DATA, frozenClock: true, faults });
  try {
    const outcomes = [];
    for (let i = 0; i < 40; i++) {
      const graphql = i % 3 === 0;
      try {
        const res = graphql
          ? await fetch(`${twin.url}/graphql`, { method: 'POST', headers: { authorization: 'bearer twin-token' }, body: JSON.stringify({ query: '{ viewer { login } }' }) })
          : await fetch(`${twin.url}/repos/acme/payments/deployments?page=${i}`, { headers: { authorization: 'token twin-token' } });
        const text = await res.text();
        JSON.parse(text);
        outcomes.push(`${res.status}${res.headers.get('retry-after') ? `/retry-after=${res.headers.get('retry-after')}` : ''}`);
      } catch (e) {
        outcomes.push(`error:${e.cause?.code ?? e.name}`);
      }
    }
    return { outcomes, log: twin.faults.log.map(({ seq, kind, status }) => ({ seq, kind, status })), stats: twin.stats() };
  } finally {
    await twin.close();
  }
}

const FAULTS = { seed: 'chaos-1', rate: 0.4, kinds: ['5xx', 'secondary', 'truncated', 'reset', 'slow'], slowMs: 20, retryAfter: 1 };

test('faults are a function of the seed and the request sequence', async () => {
  const a = await run(FAULTS);
  const b = await run(FAULTS);
  assert.deepEqual(b.outcomes, a.outcomes);
  assert.deepEqual(b.log, a.log);
  const c = await run({ ...FAULTS, seed: 'chaos-2' });
  assert.notDeepEqual(c.log, a.log);
  // Roughly the configured rate, and every configured kind turns up.
  assert.ok(a.log.length >= 8 && a.log.length <= 28, `faults: ${a.log.length}`);
  assert.deepEqual([...new Set(a.log.map((f) => f.kind))].sort(), ['5xx', 'reset', 'secondary', 'slow', 'truncated']);
  assert.equal(a.stats.faultsInjected, a.log.length);
  // What the client saw matches the log.
  for (const f of a.log) {
    const seen = a.outcomes[f.seq - 1];
    if (f.kind === '5xx') assert.equal(seen, String(f.status));
    if (f.kind === 'secondary') assert.equal(seen, `${f.status}/retry-after=1`);
    if (f.kind === 'reset' || f.kind === 'truncated') assert.match(seen, /^error:/);
    if (f.kind === 'slow') assert.equal(seen, '200');
  }
  const none = await run({ seed: 'chaos-1', rate: 0 });
  assert.deepEqual(none.log, []);
  assert.ok(none.outcomes.every((o) => o === '200'));
});

test('queued faults hit the next matching request; a timeout closes the connection', async () => {
  const twin = await startTwin({ generate: DATA, frozenClock: true, faults: { timeoutMs: 50 } });
  try {
    twin.faults.inject([{ kind: '5xx', status: 502, path: '^/graphql$' }]);
    const rest = await fetch(`${twin.url}/rate_limit`, { headers: { authorization: 'token twin-token' } });
    assert.equal(rest.status, 200, 'the 502 waits for a GraphQL request');
    const g = await fetch(`${twin.url}/graphql`, { method: 'POST', headers: { authorization: 'bearer twin-token' }, body: '{"query":"{ viewer { login } }"}' });
    assert.equal(g.status, 502);
    assert.match((await g.json()).errors[0].message, /^Something went wrong while executing your query/);
    twin.faults.inject([{ kind: 'timeout' }]);
    await assert.rejects(fetch(`${twin.url}/rate_limit`, { headers: { authorization: 'token twin-token' } }));
    const after = await fetch(`${twin.url}/rate_limit`, { headers: { authorization: 'token twin-token' } });
    assert.equal(after.status, 200);
  } finally {
    await twin.close();
  }
});

test('a concurrency secondary limit refuses requests beyond maxConcurrent', async () => {
  const twin = await startTwin({ generate: DATA, frozenClock: true, secondary: { maxConcurrent: 1 }, faults: { slowMs: 600_000 } });
  try {
    twin.faults.inject([{ kind: 'slow' }]);
    const slow = fetch(`${twin.url}/repos/acme/payments`, { headers: { authorization: 'token twin-token' } });
    // Once the first request is being held, a second one is over the limit.
    while (twin.held.size === 0) await new Promise((r) => setImmediate(r));
    const second = await fetch(`${twin.url}/repos/acme/payments`, { headers: { authorization: 'token twin-token' } });
    assert.equal(second.status, 403);
    assert.match((await second.json()).message, /secondary rate limit/);
    twin.releaseHeld();
    assert.equal((await slow).status, 200);
    assert.equal(twin.stats().tokens['twin-token'].secondaryLimited, 1);
  } finally {
    await twin.close();
  }
});
