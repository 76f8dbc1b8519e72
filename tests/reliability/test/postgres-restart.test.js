'use strict';
/*
 * PostgreSQL goes away during a collection. The run fails cleanly (the failure is recorded or
 * logged; the process stays up and serves again once the database is back) and the next run
 * completes the data: the rows equal an uninterrupted run's.
 *
 * The database is shared with other engineers' tests: it is down for a few seconds only, twice,
 * and each case waits for it to accept queries again.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');

let gh;
let dir;
let backend;
let base;
const prefix = h.dbPrefix('pg');
const db = `${prefix}dora`;
let services;
// The task timeout: also how long the lock of a run that could not release it (the database was
// gone) stays held. The next run starts within it plus the scheduler janitor's minute, plus polling.
const RUN_TIMEOUT = { seconds: 30 };
const RESUME_MS = 30_000 + 60_000 + 30_000;

test.before(async () => {
  gh = await h.startGitHub({ repos: 8 });
  dir = h.tmpDir('pg');
  services = gh.repositories.length;
});

test.after(async () => {
  gh?.proxy.release();
  await h.stopAll();
  await gh?.close();
  await h.waitForPostgres().catch(() => {});
  await h.dropDatabases().catch(() => {});
});

/** Whether the backend answers GET /services with 200 within `timeoutMs`. */
async function serves(timeoutMs = 60_000) {
  return h
    .waitFor(async () => (await h.api(backend.url, 'GET', '/api/dora/services')).status === 200, { timeoutMs, intervalMs: 500 })
    .then(() => true, () => false);
}

/** Lines of the backend log since line `from` that tell of a failed collection. */
function failureLines(from) {
  return backend
    .lines()
    .slice(from)
    .filter(l => / (warn|error) /.test(l) && /collection|dora-metrics-collection|Task worker/i.test(l) && !/incomingRequest/.test(l));
}

/** Waits for the next complete run (POST /sync until one ends); undefined if none in `timeoutMs`. */
async function nextCompleteRun(timeoutMs) {
  return h.syncAndWait(backend, services, { timeoutMs }).catch(() => undefined);
}

test('PostgreSQL restarts during a collection', { timeout: 720_000 }, async t => {
  base = await h.baseline(gh, dir);
  const port = await h.freePort();
  backend = await h.startBackend({
    name: 'backend',
    dir,
    config: h.backendConfig({ port, database: h.pgDatabaseConfig(prefix), catalogFile: h.writeCatalog(dir, gh.org, gh.repositories), githubUrl: gh.url, githubToken: gh.token, extra: { doraMetrics: { collection: { timeout: RUN_TIMEOUT } } } }),
  });
  await h.waitForCatalog(backend, services);

  await t.test('down while the run stores what it fetched: the run fails cleanly, the next one completes the data', async t => {
    // The first (full) run: its last GitHub answer is held, PostgreSQL is stopped, the answer is
    // released, so the run goes on to store its events with the database gone.
    const requestsBefore = gh.proxy.requests().length;
    const logFrom = backend.lines().length;
    const runsBefore = backend.runs().length;
    assert.equal((await h.api(backend.url, 'POST', '/api/dora/sync')).status, 202);
    await h.waitFor(() => gh.proxy.requests().length >= requestsBefore + base.requests - 1, { timeoutMs: 120_000, intervalMs: 10, what: 'the run to fetch' });
    gh.proxy.hold();
    await h.waitFor(() => gh.proxy.requests().length >= requestsBefore + base.requests, { timeoutMs: 60_000, intervalMs: 20, what: 'the last request' });
    let failures;
    try {
      h.stopPostgres();
      gh.proxy.release();
      failures = await h
        .waitFor(() => failureLines(logFrom).length > 0 && failureLines(logFrom), { timeoutMs: 30_000, intervalMs: 100, what: 'the failure to be logged' })
        .catch(() => []);
    } finally {
      gh.proxy.release();
      h.startPostgres();
      await h.waitForPostgres();
    }
    const back = Date.now();
    t.diagnostic(`logged: ${failures.map(l => l.slice(0, 300)).join(' | ')}`);
    assert.ok(backend.alive(), 'the backend process is still running');
    assert.ok(failures.length > 0, 'the failed run is logged');
    assert.equal(backend.runs().length, runsBefore, 'the run did not report success');
    assert.ok(await serves(), 'the backend serves GET /services once PostgreSQL is back');
    t.diagnostic(`serving ${Date.now() - back} ms after PostgreSQL was back`);

    const row = await h.taskRow(db);
    const run = await nextCompleteRun(RESUME_MS);
    assert.ok(
      run,
      `no complete collection within ${RESUME_MS} ms of PostgreSQL's return; task row: ticket ${row?.current_run_ticket}, expires ${row?.current_run_expires_at?.toISOString?.()}`,
    );
    t.diagnostic(`a complete run ${Date.now() - back} ms after PostgreSQL was back (lock then: ${row?.current_run_ticket ? 'held' : 'free'})`);
    assert.equal(run.failed, 0);
    assert.deepEqual(await h.snapshot(db), base.snapshot);
  });

  await t.test('restarted while the run fetches: the run completes or fails cleanly, the data ends complete', async t => {
    const requestsBefore = gh.proxy.requests().length;
    const runsBefore = backend.runs().length;
    const logFrom = backend.lines().length;
    gh.proxy.hold();
    assert.equal((await h.api(backend.url, 'POST', '/api/dora/sync')).status, 202);
    try {
      await h.waitFor(() => gh.proxy.requests().length > requestsBefore, { timeoutMs: 120_000, intervalMs: 20, what: 'the run to start' });
      h.restartPostgres();
    } finally {
      gh.proxy.release();
      await h.waitForPostgres();
    }
    const ended = await h
      .waitFor(() => backend.runs().length > runsBefore || failureLines(logFrom).length > 0, { timeoutMs: 120_000, intervalMs: 200 })
      .then(() => true, () => false);
    const run = backend.runs()[runsBefore];
    t.diagnostic(run ? `the run went on: ${JSON.stringify(run)}` : `the run failed: ${failureLines(logFrom).map(l => l.slice(0, 300)).join(' | ')}`);
    assert.ok(ended, 'the run ended (completed or logged its failure)');
    assert.ok(backend.alive(), 'the backend process is still running');
    assert.ok(await serves(), 'the backend serves GET /services');
    if (!run || run.failed > 0) {
      const next = await nextCompleteRun(RESUME_MS);
      assert.ok(next, `no complete collection within ${RESUME_MS} ms`);
      assert.equal(next.failed, 0);
    }
    assert.deepEqual(await h.snapshot(db), base.snapshot);
  });
});
