'use strict';
/*
 * A sentinel GitHub token never leaks: not in the backend's stdout or stderr (at debug level),
 * not in any response body or header of any route, not in any row of any of its databases.
 * First a collection with the right token while the twin injects faults (5xx, secondary limits,
 * slow answers, timeouts, truncated bodies, resets), then one with a wrong token, which the twin
 * answers with 401 Bad credentials.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const h = require('../lib/harness');

const SENTINEL = `ghp_SENTINEL_${crypto.randomBytes(12).toString('hex')}`;
const WRONG = `ghp_SENTINEL_${crypto.randomBytes(12).toString('hex')}`;
const FAULT_SEED = process.env.RELIABILITY_SEED || 'sentinel-1';

let gh;
let dir;
const prefixes = [h.dbPrefix('token'), h.dbPrefix('wrongtoken')];
const responses = [];
const backends = [];

test.before(async () => {
  gh = await h.startGitHub({
    repos: 6,
    seed: 'token-leak',
    tokens: [SENTINEL],
    faults: { seed: FAULT_SEED, rate: 0.2, retryAfter: 1, slowMs: 500, timeoutMs: 2000 },
  });
  dir = h.tmpDir('token');
});

test.after(async () => {
  await h.stopAll();
  await gh?.close();
  await h.dropDatabases();
});

/** The forms a token could leak in: itself, its random part, base64 of it (as in Basic auth). */
function needles(token) {
  const random = token.replace('ghp_SENTINEL_', '');
  return [token, random, Buffer.from(token).toString('base64'), Buffer.from(`x-access-token:${token}`).toString('base64'), encodeURIComponent(token)];
}
const NEEDLES = [...needles(SENTINEL), ...needles(WRONG)];

function leaks(text) {
  return NEEDLES.filter(n => text.includes(n));
}

async function start(name, prefix, token) {
  const port = await h.freePort();
  const backend = await h.startBackend({
    name,
    dir,
    env: { LOG_LEVEL: 'debug' },
    config: h.backendConfig({
      port,
      database: h.pgDatabaseConfig(prefix),
      catalogFile: h.writeCatalog(dir, gh.org, gh.repositories),
      githubUrl: gh.url,
      githubToken: token,
    }),
  });
  backends.push(backend);
  await h.waitForCatalog(backend, gh.repositories.length);
  return backend;
}

/** Calls every route (successes and errors) and keeps each answer's status, headers and body. */
async function callEveryRoute(backend) {
  const names = gh.repositories.map(r => r.split('/')[1]);
  const jsonHeaders = { 'content-type': 'application/json' };
  const calls = [
    ['GET', '/services'],
    ['GET', '/scorecards?days=30'],
    ['GET', '/scorecards?owner=rel-team&days=7'],
    ['GET', '/scorecards?days=abc'],
    ...names.flatMap(n => [
      ['GET', `/scorecard/${n}?days=30`],
      ['GET', `/scorecard/${n}?days=365`],
      ['GET', `/services/${n}/events?days=365`],
      ['GET', `/services/${n}/events?kind=deployment,incident&days=90`],
      ['GET', `/targets/${n}`],
    ]),
    ['POST', `/targets/${names[0]}`, { body: JSON.stringify({ leadTime: 12 }), headers: jsonHeaders }],
    ['POST', `/targets/${names[0]}`, { body: JSON.stringify({ leadTime: 'x' }), headers: jsonHeaders }],
    ['DELETE', `/targets/${names[0]}`],
    ['GET', '/scorecard/component%3Adefault%2Fno-such-service'],
    ['GET', '/scorecard/%E0%A4%A'],
    ['GET', '/services/nope/events?kind=foo'],
    ['POST', '/sync', { body: '{"services": 1}', headers: jsonHeaders }],
    ['POST', '/sync', { body: JSON.stringify({ services: [names[0]] }), headers: jsonHeaders }],
  ];
  for (const [method, path, options] of calls) {
    const res = await h.api(backend.url, method, `/api/dora${path}`, options);
    assert.ok(res.status < 500, `${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    responses.push({ what: `${backend.name} ${method} ${path}`, text: `${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${res.text}` });
  }
  for (const path of ['/.backstage/health/v1/readiness', '/.backstage/health/v1/liveness']) {
    const res = await h.api(backend.url, 'GET', path);
    responses.push({ what: `${backend.name} GET ${path}`, text: `${[...res.headers].join('\n')}\n${res.text}` });
  }
}

test('a collection with the sentinel token, under injected faults', { timeout: 300_000 }, async t => {
  const backend = await start('sentinel', prefixes[0], SENTINEL);
  const services = gh.repositories.length;
  // Besides the random faults (rate 0.2), at the start of the first run: four 5xx in a row
  // (one more than the client's retries: the query fails, and the run records its errors),
  // then every other kind once.
  gh.twin.faults.inject(['5xx', '5xx', '5xx', '5xx', 'secondary', 'truncated', 'reset', 'timeout', 'slow'].map(kind => ({ kind })));
  const runs = [];
  for (let i = 0; i < 3; i++) {
    runs.push(await h.syncAndWait(backend, services, { timeoutMs: 240_000 }));
  }
  const stats = gh.twin.stats();
  const listed = await h.api(backend.url, 'GET', '/api/dora/services');
  t.diagnostic(`runs: ${JSON.stringify(runs)}; twin: ${stats.requests} requests, ${stats.faultsInjected} faults ${JSON.stringify(stats.tokens[SENTINEL]?.faults)}`);
  t.diagnostic(`logged failures: ${backend.lines().filter(l => / warn .*collection of/.test(l)).length}; lastError now: ${JSON.stringify(listed.json.services.map(s => s.lastError))}`);
  assert.ok(runs.some(r => r.failed > 0), 'some run failed (the error paths ran)');
  // The token was really used, and the faults really happened.
  assert.ok(gh.proxy.requests().some(r => r.token === SENTINEL), 'the twin saw the sentinel token');
  assert.ok(stats.faultsInjected > 0, 'faults were injected');
  await callEveryRoute(backend);
  await backend.stop({ graceful: true });
});

test('a collection with a wrong token: 401 from the twin, the error recorded', { timeout: 300_000 }, async t => {
  const backend = await start('wrong-token', prefixes[1], WRONG);
  const services = gh.repositories.length;
  const run = await h.syncAndWait(backend, services, { timeoutMs: 240_000 });
  assert.equal(run.failed, services, 'every service failed');
  assert.ok(gh.proxy.requests().some(r => r.token === WRONG && r.status === 401), 'the twin answered 401 to the wrong token');
  const listed = await h.api(backend.url, 'GET', '/api/dora/services');
  t.diagnostic(`lastError: ${JSON.stringify(listed.json.services.map(s => s.lastError))}`);
  assert.ok(listed.json.services.length === services && listed.json.services.every(s => typeof s.lastError === 'string' && s.lastError.length > 0), listed.text);
  await callEveryRoute(backend);
  await backend.stop({ graceful: true });
});

test('the sentinel tokens appear in no log line, no response and no database row', async () => {
  assert.equal(backends.length, 2, 'both collections ran');
  // The scan itself finds a token where there is one.
  assert.ok(leaks(`authorization: token ${SENTINEL}`).length > 0 && leaks(JSON.stringify({ t: WRONG })).length > 0);
  for (const backend of backends) {
    const output = backend.stdout + backend.stderr;
    assert.ok(output.length > 0);
    assert.deepEqual(leaks(output), [], `${backend.name}'s output (${backend.logFile})`);
  }
  assert.ok(responses.length > 40, `${responses.length} responses`);
  for (const { what, text } of responses) {
    assert.deepEqual(leaks(text), [], what);
  }
  for (const prefix of prefixes) {
    const dbs = await h.withClient('postgres', c => c.query('select datname from pg_database where datname like $1', [`${prefix}%`]));
    assert.ok(dbs.rows.length >= 2, `the databases of ${prefix}`);
    for (const { datname } of dbs.rows) {
      const dump = await h.dumpDatabase(datname);
      assert.deepEqual(leaks(dump), [], `database ${datname}`);
    }
  }
});
