'use strict';
/*
 * Crash safety: the backend is SIGKILLed (its whole process group) at seeded random points of a
 * collection, three times, then left to finish with a clean run. The stored rows must equal those
 * of an uninterrupted run against the same GitHub data (PostgreSQL).
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { setTimeout: sleep } = require('node:timers/promises');
const h = require('../lib/harness');

const SEED = process.env.RELIABILITY_SEED || 'kill-1';
// The task timeout: also how long a killed run's lock stays held. A collection resumes within it
// plus the scheduler janitor's minute, plus start-up and polling.
const RUN_TIMEOUT = { seconds: 30 };
const RESUME_MS = 30_000 + 60_000 + 30_000;

let gh;
let dir;
const prefix = h.dbPrefix('kill');
const db = `${prefix}dora`;

test.before(async () => {
  gh = await h.startGitHub({ repos: 8 });
  dir = h.tmpDir('kill');
});

test.after(async () => {
  await h.stopAll();
  await gh?.close();
  await h.dropDatabases();
});

async function startBackend(name) {
  const port = await h.freePort();
  return h.startBackend({
    name,
    dir,
    config: h.backendConfig({
      port,
      database: h.pgDatabaseConfig(prefix),
      catalogFile: h.writeCatalog(dir, gh.org, gh.repositories),
      githubUrl: gh.url,
      githubToken: gh.token,
      extra: { doraMetrics: { collection: { timeout: RUN_TIMEOUT } } },
    }),
  });
}

/** Waits until the twin sees a request after the first `before` ones: a run has started. */
function runStarted(before, timeoutMs) {
  return h.waitFor(() => gh.proxy.requests().length > before, {
    timeoutMs,
    intervalMs: 20,
    what: 'a collection run to send its first GitHub request',
  });
}

test('SIGKILL at random points of a collection, then a clean run: rows equal an uninterrupted run', { timeout: 900_000 }, async t => {
  const base = await h.baseline(gh, dir);
  const services = gh.repositories.length;
  const random = h.prng(SEED);
  t.diagnostic(`seed ${SEED}; baseline: ${base.requests} GitHub requests, ${base.durationMs} ms, rows ${JSON.stringify(h.counts(base.snapshot))}`);

  const kills = [
    { how: 'after k GitHub requests', k: 1 + Math.floor(random() * Math.max(1, base.requests - 1)) },
    { how: 'after a random delay', delayMs: Math.floor(random() * base.durationMs) },
    { how: 'during the commits, after a random delay', delayMs: Math.floor(random() * 400) },
  ];
  const resumed = [];

  for (const [i, kill] of kills.entries()) {
    const before = gh.proxy.requests().length;
    const backend = await startBackend(`killed-${i + 1}`);
    await h.waitForCatalog(backend, services);
    const triggered = h.syncAndWait(backend, services, { timeoutMs: 600_000 }).catch(() => {});

    // After the first kill, the killed run still holds the global task's lock: the scheduler
    // frees it once the run's timeout has passed (its janitor looks every minute).
    const waitingSince = Date.now();
    await runStarted(before, RESUME_MS);
    const runStart = Date.now();
    if (i > 0) resumed.push(runStart - waitingSince);

    if (kill.k !== undefined) {
      await h.waitFor(() => gh.proxy.requests().length >= before + kill.k, { timeoutMs: 120_000, intervalMs: 10, what: `${kill.k} requests` });
    } else if (i === 2) {
      // The commits start once everything is fetched: a sync state row written in this run.
      await h.waitFor(
        () =>
          h.withClient(db, async c => {
            const { rows } = await c.query('select count(*)::int as n from dora_sync_state where updated_at > $1', [new Date(runStart - 1000)]);
            return rows[0].n > 0;
          }),
        { timeoutMs: 120_000, intervalMs: 10, what: 'the first commit' },
      );
      await sleep(kill.delayMs);
    } else {
      await sleep(kill.delayMs);
    }
    backend.kill('SIGKILL');
    await h.waitFor(() => !backend.alive(), { timeoutMs: 30_000, intervalMs: 20, what: 'the killed backend to exit' });
    await triggered;
    const snap = await h.snapshot(db);
    const completed = backend.runs().length > 0;
    t.diagnostic(
      `kill ${i + 1} (${kill.how}: ${kill.k ?? kill.delayMs}) after ${gh.proxy.requests().length - before} requests, ` +
        `${Date.now() - runStart} ms into the run${completed ? ' (the run had completed)' : ''}; rows ${JSON.stringify(h.counts(snap))}`,
    );
  }

  t.diagnostic(`collection resumed ${resumed.map(ms => `${ms} ms`).join(' and ')} after the restarted backends were ready`);

  // The final, clean run, without help: no lock is freed by hand.
  const backend = await startBackend('final');
  await h.waitForCatalog(backend, services);
  const run = await h.syncAndWait(backend, services, { timeoutMs: RESUME_MS + 120_000 });
  assert.equal(run.failed, 0, `the final run failed for ${run.failed} services (log ${backend.logFile})`);
  const after = await h.snapshot(db);
  assert.deepEqual(h.counts(after), h.counts(base.snapshot));
  assert.deepEqual(after, base.snapshot);
  await backend.stop();
});
