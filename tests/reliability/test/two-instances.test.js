'use strict';
/*
 * Two backend instances on one PostgreSQL database against one GitHub twin: a collection never
 * runs twice at once, and the rows equal a single instance's.
 *
 * The instances use different GitHub tokens, so the proxy in front of the twin attributes every
 * request to its instance; each instance logs the end and the duration of each of its runs.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { setTimeout: sleep } = require('node:timers/promises');
const h = require('../lib/harness');

let gh;
let dir;
const prefix = h.dbPrefix('two');
const db = `${prefix}dora`;
const TOKENS = ['token-instance-a', 'token-instance-b'];

test.before(async () => {
  gh = await h.startGitHub({ repos: 8, tokens: TOKENS });
  dir = h.tmpDir('two');
});

test.after(async () => {
  await h.stopAll();
  await gh?.close();
  await h.dropDatabases();
});

/** Waits for the collection task to be free, then checks no further run starts for a while. */
async function quiet(ms = 6000) {
  await h.waitFor(async () => !(await h.taskRow(db))?.current_run_ticket, { timeoutMs: 180_000, intervalMs: 200, what: 'the task lock to be released' });
  const before = gh.proxy.requests().length;
  await sleep(ms);
  return gh.proxy.requests().length === before;
}

test('two instances on one database: collections never overlap, and the rows equal one instance\'s', { timeout: 480_000 }, async t => {
  const base = await h.baseline(gh, dir);
  const services = gh.repositories.length;
  const catalogFile = h.writeCatalog(dir, gh.org, gh.repositories);
  const firstRequest = gh.proxy.requests().length;

  // One after the other: Backstage's own migrations (the catalog's, and those of the auth and
  // scheduler services in each plugin database) are not safe to run twice at once on an empty
  // database, whatever the plugin. Both instances then schedule the task.
  const instances = [];
  for (const [i, token] of TOKENS.entries()) {
    const port = await h.freePort();
    instances.push(
      await h.startBackend({
        name: `instance-${'ab'[i]}`,
        dir,
        config: h.backendConfig({ port, database: h.pgDatabaseConfig(prefix), catalogFile, githubUrl: gh.url, githubToken: token }),
      }),
    );
  }
  await Promise.all(instances.map(b => h.waitForCatalog(b, services)));
  const allRuns = () =>
    instances.flatMap((b, i) => b.runs().map(r => ({ ...r, instance: i, from: r.at - r.ms, to: r.at }))).sort((x, y) => x.at - y.at);
  const describe = runs => JSON.stringify(runs.map(r => ({ instance: 'ab'[r.instance], services: r.services, failed: r.failed, requests: r.requests, ms: r.ms })));

  // Round 0 is the first scheduled run of both (each after its initial delay). Then three rounds
  // of POST /sync to both at once, with the GitHub answers held for 7 s after the run's first
  // request: both are asked again in the middle of the run, and the other instance has time to
  // poll the task (every 5 s) and start a run of its own if it could.
  const rounds = [];
  for (let round = 0; round < 4; round++) {
    const since = Date.now();
    const requestsBefore = gh.proxy.requests().length;
    if (round > 0) {
      gh.proxy.hold();
      const answers = await Promise.all(instances.map(b => h.api(b.url, 'POST', '/api/dora/sync')));
      assert.deepEqual(answers.map(a => a.status), [202, 202]);
    }
    await h.waitFor(() => gh.proxy.requests().length > requestsBefore, { timeoutMs: 120_000, intervalMs: 50, what: `round ${round}'s run to start` });
    if (round > 0) {
      const runner = TOKENS.indexOf(gh.proxy.requests()[requestsBefore].token);
      const answers = await Promise.all(instances.map(b => h.api(b.url, 'POST', '/api/dora/sync')));
      assert.deepEqual(answers.map(a => a.status), [202, 202], 'POST /sync during a run');
      await sleep(7000);
      const during = gh.proxy.requests().slice(requestsBefore);
      assert.ok(
        during.every(r => r.token === TOKENS[runner]),
        `round ${round}: instance ${'ab'[1 - runner]} sent a GitHub request while instance ${'ab'[runner]}'s run was in progress`,
      );
      gh.proxy.release();
    }
    await h.waitFor(() => allRuns().some(r => r.at >= since), { timeoutMs: 180_000, intervalMs: 100, what: `round ${round}'s run to end` });
    const stayedQuiet = await quiet();
    const runs = allRuns().filter(r => r.at >= since);
    rounds.push({ round, runs: runs.length, stayedQuiet });
    t.diagnostic(`round ${round}: ${describe(runs)}`);
  }

  const runs = allRuns();
  const requests = gh.proxy.requests().slice(firstRequest);
  t.diagnostic(`${runs.length} runs: ${runs.filter(r => r.instance === 0).length} by instance a, ${runs.filter(r => r.instance === 1).length} by instance b; ${requests.length} GitHub requests`);

  // No two runs overlap in time (each run's span is [end - duration, end] from its log line).
  for (let i = 1; i < runs.length; i++) {
    assert.ok(
      runs[i].from >= runs[i - 1].to,
      `run ${i} (instance ${'ab'[runs[i].instance]}, ${new Date(runs[i].from).toISOString()}) started before run ${i - 1} (instance ${'ab'[runs[i - 1].instance]}) ended at ${new Date(runs[i - 1].to).toISOString()}`,
    );
  }
  // Every GitHub request was sent inside a run of the instance whose token it carries: no
  // instance fetched while the other one's run was going on.
  const slack = 250;
  for (const req of requests) {
    const instance = TOKENS.indexOf(req.token);
    assert.ok(instance >= 0, `a request with an unknown token: ${req.token}`);
    const own = runs.find(r => r.instance === instance && req.start >= r.from - slack && req.start <= r.to + slack);
    assert.ok(own, `request at ${new Date(req.start).toISOString()} by instance ${'ab'[instance]} is outside its runs`);
    const other = runs.find(r => r.instance !== instance && req.start > r.from + slack && req.start < r.to - slack);
    assert.equal(other, undefined, `instance ${'ab'[instance]} sent a request during a run of the other instance`);
  }
  // One run per round: simultaneous requests are served by one run, and a request made during
  // a run is covered by it (POST /sync: "that run, or the next, covers the request").
  assert.deepEqual(
    rounds.map(r => r.runs),
    rounds.map(() => 1),
    `runs per round: ${JSON.stringify(rounds)}`,
  );
  assert.ok(rounds.every(r => r.stayedQuiet), `a run started after a round had ended: ${JSON.stringify(rounds)}`);
  assert.ok(runs.every(r => r.services === services && r.failed === 0), 'every run collected every service');

  assert.deepEqual(await h.snapshot(db), base.snapshot);
  assert.ok(instances.every(b => b.alive()));
});
