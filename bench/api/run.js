#!/usr/bin/env node
'use strict';

// API load benchmark (never part of `npm test`):
//   node bench/api/run.js [--services 1000 --days 365 --duration 10 --connections 10]
//
// A real Backstage backend (the catalog and this plugin, started as the reliability tests start
// theirs) on a fresh PostgreSQL database holding `services` services x `days` days of raw
// events; autocannon over loopback against GET /api/dora/scorecard/:service (rotating over the
// services) and GET /api/dora/scorecards (all of them); and, timed the same way with the same
// concurrency, the bare SQL that fetches the same rows (the queries the store sends, captured
// from the store itself). Before any timing, the route's scorecard of a service must equal the
// addon's computeScorecard over the same rows, and the collection run that the backend makes
// at start-up must have left the seeded events as they were.

const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const autocannon = require('autocannon');
const knexFactory = require('knex');
const pg = require('pg');
const core = require('@internal/dora-metrics-core');
const harness = require('../../tests/reliability/lib/harness.js');
const { seed, serviceName, entityRef } = require('./seed.js');

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
// Backstage gives each plugin its own database, `<prefix><pluginId>`.
const PREFIX = 'dora_bench_api_';
const DATABASE = `${PREFIX}dora`;
const ORG = 'bench-org';
const PERIOD_DAYS = 30;
// knex's default pool, which the plugin's database client uses.
const POOL_SIZE = 10;
const EVENT_TABLES = ['dora_deployments', 'dora_changes', 'dora_incidents'];

function parseArgs(argv) {
  const args = {
    services: 1000,
    days: 365,
    duration: 10,
    connections: 10,
    heavyConnections: 2,
    heavyDuration: 30,
    seed: 'dora-bench-api',
  };
  const flags = {
    '--services': 'services',
    '--days': 'days',
    '--duration': 'duration',
    '--connections': 'connections',
    '--heavy-connections': 'heavyConnections',
    '--heavy-duration': 'heavyDuration',
    '--seed': 'seed',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--help' || flag === '-h') {
      console.log(
        'usage: node bench/api/run.js [--services 1000] [--days 365] [--duration 10] [--connections 10]\n' +
          '                             [--heavy-connections 2] [--heavy-duration 30] [--seed dora-bench-api]',
      );
      process.exit(0);
    }
    const key = flags[flag];
    if (!key) throw new Error(`unknown argument ${argv[i]} (try --help)`);
    const value = inline ?? argv[++i];
    args[key] = key === 'seed' ? value : Number(value);
  }
  for (const key of ['services', 'days', 'duration', 'connections', 'heavyConnections', 'heavyDuration']) {
    if (!(Number.isInteger(args[key]) && args[key] >= 1)) throw new Error(`--${key} takes a positive integer`);
  }
  if (args.services > 9999) throw new Error('--services takes at most 9999');
  return args;
}

const log = (...a) => console.error('[bench:api]', ...a);

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const left = headers.map((_, i) => rows.every((r) => !/^[\d.-]/.test(String(r[i]))));
  const cell = (c, i) => (left[i] ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]));
  const rule = widths.map((w, i) => (left[i] ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':'));
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `|${rule.join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

const fmtMs = (ms) => (ms === undefined ? 'n/a' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmtRate = (r) => (r >= 100 ? r.toFixed(0) : r.toFixed(1));

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function summary(samples, seconds) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { requests: sorted.length, rate: sorted.length / seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

// ---- PostgreSQL -------------------------------------------------------------------------------

async function withClient(database, fn) {
  const client = new pg.Client({ ...PG, database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropDatabases() {
  await withClient('postgres', async (client) => {
    const { rows } = await client.query('select datname from pg_database where datname like $1', [`${PREFIX}%`]);
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
  });
}

/** Rows per event table: the guard that nothing touched the seeded events. */
async function eventCounts(client) {
  const counts = {};
  for (const t of EVENT_TABLES) counts[t] = Number((await client.query(`select count(*) from ${t}`)).rows[0].count);
  return counts;
}

/**
 * The plugin's store on a knex of its own, recording the SQL it sends: the migrations run
 * through it, and it tells the bare-SQL side which queries the routes make.
 */
async function pluginStore() {
  // The plugin's TypeScript, loaded as the backend loads it.
  require('@backstage/cli-node/config/nodeTransform.cjs');
  const { DoraMetricsStore } = require('../../ts-plugin/src/database/DoraMetricsStore.ts');
  const knex = knexFactory({ client: 'pg', connection: { ...PG, database: DATABASE }, pool: { min: 0, max: POOL_SIZE } });
  const sent = [];
  knex.on('query', (q) => sent.push({ sql: q.sql, bindings: q.bindings ?? [] }));
  const store = await DoraMetricsStore.create({ database: { getClient: async () => knex } });
  return {
    store,
    knex,
    /** The queries `fn` sends through the store. */
    async capture(fn) {
      sent.length = 0;
      await fn(store);
      return sent.splice(0);
    },
  };
}

// ---- the backend --------------------------------------------------------------------------------

/**
 * A stand-in for GitHub that refuses every request with 401: collection runs fail at once
 * (a 401 is not retried) and store nothing, so the seeded events stay as they are.
 */
async function startRefusingGitHub() {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Bad credentials' }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function backendConfig({ port, catalogFile, githubUrl }) {
  return {
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { port, host: '127.0.0.1' },
      database: { client: 'pg', prefix: PREFIX, connection: { ...PG } },
      auth: { externalAccess: [{ type: 'static', options: { token: harness.TOKEN, subject: 'bench' } }] },
    },
    catalog: {
      rules: [{ allow: ['Component', 'Group'] }],
      locations: [{ type: 'file', target: catalogFile }],
    },
    integrations: { github: [{ host: 'github.com', apiBaseUrl: githubUrl, token: 'bench-token' }] },
    // The longest interval: after the run the benchmark waits for, no other during the timings.
    doraMetrics: { github: { organizations: [ORG] }, collection: { intervalMinutes: 10080 } },
  };
}

/** Waits until no collection run holds the scheduler's lock. */
async function waitForIdleScheduler() {
  await harness.waitFor(
    () =>
      withClient(DATABASE, async (client) => {
        const { rows } = await client.query(`select current_run_ticket from ${harness.TASKS_TABLE} where id = $1`, [
          harness.TASK_ID,
        ]);
        return rows.length === 1 && rows[0].current_run_ticket === null;
      }),
    { timeoutMs: 300_000, intervalMs: 500, what: 'the collection run to end' },
  );
}

// ---- the guard ----------------------------------------------------------------------------------

/** One service's events as CORE_API.md objects, in the store's order, with pg. */
async function eventsOf(client, ref) {
  const q = (sql) => client.query(sql, [ref]).then((r) => r.rows);
  const n = (v) => (v === null ? null : Number(v));
  const deployments = await q(
    'select id, environment, state, created_at from dora_deployments where entity_ref = $1 order by created_at, id',
  );
  const changes = await q(
    'select id, created_at, first_commit_at, merged_at from dora_changes where entity_ref = $1 order by merged_at, id',
  );
  const incidents = await q(
    'select id, created_at, closed_at, state_reason from dora_incidents where entity_ref = $1 order by created_at, id',
  );
  return {
    deployments: deployments.map((r) => ({ id: r.id, environment: r.environment, state: r.state, createdAt: n(r.created_at) })),
    changes: changes.map((r) => ({
      id: r.id,
      createdAt: n(r.created_at),
      firstCommitAt: n(r.first_commit_at),
      mergedAt: n(r.merged_at),
    })),
    incidents: incidents.map((r) => ({
      id: r.id,
      createdAt: n(r.created_at),
      closedAt: n(r.closed_at),
      stateReason: r.state_reason,
    })),
  };
}

// What the REST layer does to the core's numbers (ts-plugin/src/service/rest.ts): one decimal,
// half away from zero.
function roundOneDecimal(value) {
  if (value === null) return null;
  const rounded = Math.sign(value) * (Math.round(Math.abs(value) * 10) / 10);
  return rounded === 0 ? 0 : rounded;
}
const UNITS = {
  deploymentFrequency: 'per week',
  leadTime: 'hours',
  changeFailureRate: 'percent',
  mttr: 'minutes',
  reworkRate: 'percent',
};

function expectedBody(ref, card, lastSyncedAt) {
  const metrics = {};
  for (const [key, unit] of Object.entries(UNITS)) {
    const m = card.metrics[key];
    metrics[key] = {
      current: roundOneDecimal(m.current),
      previous: roundOneDecimal(m.previous),
      change: roundOneDecimal(m.change),
      target: roundOneDecimal(m.target),
      meetsTarget: m.meetsTarget,
      tier: m.tier,
      score: roundOneDecimal(m.score),
      unit,
      samples: m.samples,
      history: m.history.map(roundOneDecimal),
    };
  }
  return {
    service: ref,
    period: `${card.days} days`,
    from: card.from,
    to: card.to,
    metrics,
    overallScore: card.overallScore,
    overallTier: card.overallTier,
    statistic: card.statistic,
    lastSyncedAt,
  };
}

/** Exact equality; the differing paths. */
function diff(expected, actual, at = '') {
  if (expected === null || actual === null || typeof expected !== 'object' || typeof actual !== 'object') {
    return Object.is(expected, actual) ? [] : [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].flatMap((k) => diff(expected[k], actual[k], `${at}.${k}`));
}

async function get(base, urlPath) {
  const res = await fetch(`${base}${urlPath}`, {
    headers: { authorization: `Bearer ${harness.TOKEN}` },
    signal: AbortSignal.timeout(300_000),
  });
  if (res.status !== 200) throw new Error(`GET ${urlPath} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * The route's scorecard of a few services (with and without own targets) equals the addon's
 * computeScorecard on the same rows, rounded as the REST layer rounds; /scorecards has every
 * service, and the same card for each of them.
 */
async function guard(base, services) {
  const refs = [0, 1, services - 1].filter((i, k, all) => all.indexOf(i) === k);
  const all = await get(base, `/api/dora/scorecards?days=${PERIOD_DAYS}`);
  if (all.scorecards.length !== services) throw new Error(`/scorecards lists ${all.scorecards.length} services, not ${services}`);
  await withClient(DATABASE, async (client) => {
    for (const i of refs) {
      const ref = entityRef(i);
      const body = await get(base, `/api/dora/scorecard/${serviceName(i)}?days=${PERIOD_DAYS}`);
      const { rows: targetRows } = await client.query('select * from dora_targets where entity_ref = $1', [ref]);
      const own = {};
      for (const [key, column] of Object.entries({
        deploymentFrequency: 'target_freq',
        leadTime: 'target_lead',
        changeFailureRate: 'target_fail',
        mttr: 'target_mttr',
      })) {
        if (targetRows[0]?.[column] != null) own[key] = Number(targetRows[0][column]);
      }
      const { rows: stateRows } = await client.query('select last_synced_at from dora_sync_state where entity_ref = $1', [ref]);
      const card = core.computeScorecard(await eventsOf(client, ref), { today: body.to, days: PERIOD_DAYS }, { targets: own });
      const problems = diff(expectedBody(ref, card, stateRows[0].last_synced_at?.toISOString() ?? null), body);
      const listed = all.scorecards.find((c) => c.service === ref);
      problems.push(...diff(body, listed, '/scorecards'));
      if (problems.length)
        throw new Error(`the route disagrees with the addon for ${ref}:\n  ${problems.slice(0, 10).join('\n  ')}`);
      if (body.to !== new Date().toISOString().slice(0, 10)) throw new Error(`the scorecard ends ${body.to}, not today`);
    }
  });
  log(
    `guard: routes agree with the addon's computeScorecard for ${refs.map(serviceName).join(', ')}; /scorecards lists ${services}`,
  );
}

// ---- timing ---------------------------------------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return [performance.now() - t0, value];
}

/**
 * The columnar path of the routes against the object path it replaced (and against the
 * loader's toColumns over the objects), in this process on the plugin's own store: per service,
 * and over every service at once (/scorecards: one read per kind, against three reads per
 * service as before).
 */
async function storePaths(store, args, today) {
  const period = { today, days: PERIOD_DAYS };
  const reps = Math.min(50, args.services);
  const per = { columns: [[], [], []], objects: [[], [], []], toColumns: [[], [], []] };
  for (let k = 0; k < reps; k++) {
    const ref = entityRef(Math.floor((k * args.services) / reps));
    const [readC, columns] = await timed(() => store.readEventColumns(ref));
    const [coreC] = await timed(() => core.computeScorecardColumns(columns, period, {}));
    const [readO, events] = await timed(() => store.readEvents(ref));
    const [coreO] = await timed(() => core.computeScorecard(events, period, {}));
    const [pack, packed] = await timed(() => core.toColumns(events));
    const [coreT] = await timed(() => core.computeScorecardColumns(packed, period, {}));
    per.columns.forEach((xs, i) => xs.push([readC, 0, coreC][i]));
    per.objects.forEach((xs, i) => xs.push([readO, 0, coreO][i]));
    per.toColumns.forEach((xs, i) => xs.push([readO, pack, coreT][i]));
  }
  const refs = Array.from({ length: args.services }, (_, i) => entityRef(i));
  // All services, as /scorecards reads them now...
  const [readAll, [states, columnsByService, targets]] = await timed(() =>
    Promise.all([store.listSyncStates(), store.readEventColumnsByService(), store.listTargets()]),
  );
  const [coreAll] = await timed(() => {
    for (const state of states) {
      const own = targets.get(state.entityRef) ?? {};
      core.computeScorecardColumns(columnsByService.get(state.entityRef), period, { targets: own });
    }
  });
  // ... and as it read them before: three queries per service, events as objects.
  let readBefore = 0;
  let coreBefore = 0;
  for (const ref of refs) {
    const [read, [events, own]] = await timed(() =>
      Promise.all([store.readEvents(ref), store.getTargets(ref), store.getSyncState(ref)]),
    );
    const [coreMs] = await timed(() => core.computeScorecard(events, period, { targets: own }));
    readBefore += read;
    coreBefore += coreMs;
  }
  const m = (xs) => median(xs);
  return {
    reps,
    rows: [
      ['one service: readEventColumns -> computeScorecardColumns (now)', m(per.columns[0]), null, m(per.columns[2])],
      ['one service: readEvents -> computeScorecard (before)', m(per.objects[0]), null, m(per.objects[2])],
      [
        'one service: readEvents -> toColumns -> computeScorecardColumns',
        m(per.toColumns[0]),
        m(per.toColumns[1]),
        m(per.toColumns[2]),
      ],
      [`all ${args.services}: 5 queries -> columns -> core (now)`, readAll, null, coreAll],
      [`all ${args.services}: 3 queries per service -> objects -> core (before)`, readBefore, null, coreBefore],
    ],
  };
}

/** autocannon against a route; every response's latency is kept. */
function loadRoute({ url, connections, duration, timeout, nextPath }) {
  return new Promise((resolve, reject) => {
    const samples = [];
    const statuses = {};
    const instance = autocannon(
      {
        url,
        connections,
        duration,
        timeout,
        headers: { authorization: `Bearer ${harness.TOKEN}` },
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: nextPath() }) }],
      },
      (error, result) => {
        if (error) return reject(error);
        const failures =
          result.errors +
          result.timeouts +
          Object.entries(statuses)
            .filter(([s]) => s !== '200')
            .reduce((a, [, n]) => a + n, 0);
        if (failures)
          return reject(
            new Error(
              `${url}: ${failures} failed requests (${JSON.stringify({ statuses, errors: result.errors, timeouts: result.timeouts })})`,
            ),
          );
        resolve(summary(samples, result.duration));
      },
    );
    instance.on('response', (client, statusCode, resBytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      samples.push(responseTime);
    });
  });
}

/** The same shape of load for a function: `connections` loops for `duration` seconds. */
async function loadFunction({ connections, duration, request }) {
  const samples = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + duration * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await request(next++);
        samples.push(performance.now() - t0);
      }
    }),
  );
  return summary(samples, (performance.now() - started) / 1000);
}

function rotation(services) {
  let i = 0;
  return () => i++ % services;
}

// ---- main -----------------------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const today = new Date().toISOString().slice(0, 10);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dora-bench-api-'));
  let backend;
  let github;
  let plugin;
  let pool;
  try {
    log(`fresh databases ${PREFIX}*`);
    await dropDatabases();
    await withClient('postgres', (client) => client.query(`create database ${DATABASE}`));
    plugin = await pluginStore(); // runs the plugin's migrations

    log(`seeding ${args.services} services x ${args.days} days`);
    const seedStarted = performance.now();
    const counts = await withClient(DATABASE, (client) => seed(client, { ...args, today, org: ORG }));
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const events = Object.values(counts).reduce((a, b) => a + b, 0);
    log(`seeded ${events} events in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(counts)}`);

    github = await startRefusingGitHub();
    const repositories = Array.from({ length: args.services }, (_, i) => `${ORG}/${serviceName(i)}`);
    const catalogFile = harness.writeCatalog(dir, ORG, repositories);
    const port = await harness.freePort();
    log(`starting the backend (logs in ${dir})`);
    backend = await harness.startBackend({
      name: 'backend',
      dir,
      config: backendConfig({ port, catalogFile, githubUrl: github.url }),
      readyTimeoutMs: 300_000,
    });
    // The run that covers every service of the catalog (the first ones may start before the
    // catalog has them all); its rollups write to the database, so no timing before it ends.
    const run = await harness.syncAndWait(backend, args.services, { timeoutMs: 900_000 });
    await waitForIdleScheduler();
    log(`collection run over: ${run.services} services, ${run.failed} failed, ${run.events} events stored, ${run.ms} ms`);
    const after = await withClient(DATABASE, eventCounts);
    if (JSON.stringify(after) !== JSON.stringify(counts)) {
      throw new Error(`the collection changed the stored events: ${JSON.stringify(counts)} -> ${JSON.stringify(after)}`);
    }

    await guard(backend.url, args.services);

    // The SQL the routes send, captured from the store: the three event queries of one
    // service (GET /scorecard), and the /scorecards queries (sync states, then the three event
    // queries and the targets at once).
    const single = await plugin.capture((store) => store.readEventColumns(entityRef(0)));
    const states = await plugin.capture((store) => store.listSyncStates());
    const rest = await plugin.capture((store) => Promise.all([store.readEventColumnsByService(), store.listTargets()]));
    if (single.length !== 3 || states.length !== 1 || rest.length !== 4) {
      throw new Error(`unexpected store queries: ${single.length} + ${states.length} + ${rest.length}`);
    }
    const paths = await storePaths(plugin.store, args, today);
    await plugin.knex.destroy();
    plugin = undefined;
    pool = new pg.Pool({ ...PG, database: DATABASE, max: POOL_SIZE });
    const query = ({ sql, bindings }, values = bindings) => pool.query(sql, values);

    const results = [];
    const measure = async (label, connections, duration, fn) => {
      log(`${label}: ${connections} connections, ${duration} s`);
      const r = await fn();
      results.push({ label, connections, duration, ...r });
      return r;
    };
    const nextSingle = rotation(args.services);
    const singlePath = () => `/api/dora/scorecard/${serviceName(nextSingle())}?days=${PERIOD_DAYS}`;
    const singleSql = (k) => Promise.all(single.map((q) => query(q, [entityRef(k % args.services)])));
    const allPath = () => `/api/dora/scorecards?days=${PERIOD_DAYS}`;
    const allSql = async () => {
      await query(states[0]);
      await Promise.all(rest.map((q) => query(q)));
    };

    // Warm-up: JIT, caches, pools.
    await loadRoute({ url: backend.url, connections: args.connections, duration: 2, timeout: 60, nextPath: singlePath });
    await loadFunction({ connections: args.connections, duration: 2, request: singleSql });
    for (let k = 0; k < 2; k++) {
      await get(backend.url, allPath());
      await allSql();
    }

    const { connections, heavyConnections, duration, heavyDuration } = args;
    const scorecardRoute = await measure('GET /scorecard/:service?days=30', connections, duration, () =>
      loadRoute({ url: backend.url, connections, duration, timeout: 60, nextPath: singlePath }),
    );
    const scorecardSql = await measure('SQL: its 3 event queries', connections, duration, () =>
      loadFunction({ connections, duration, request: singleSql }),
    );
    const scorecardsRoute = await measure(
      `GET /scorecards?days=30 (${args.services} services)`,
      heavyConnections,
      heavyDuration,
      () =>
        loadRoute({ url: backend.url, connections: heavyConnections, duration: heavyDuration, timeout: 300, nextPath: allPath }),
    );
    const scorecardsSql = await measure('SQL: its 5 queries', heavyConnections, heavyDuration, () =>
      loadFunction({ connections: heavyConnections, duration: heavyDuration, request: allSql }),
    );

    const perService = (n) => (n / args.services).toFixed(0);
    console.log(`\n## API load: ${args.services} services x ${args.days} days on PostgreSQL (engine: ${core.engine})\n`);
    console.log(
      table(
        ['table', 'rows', 'per service'],
        [...Object.entries(counts).map(([t, n]) => [t, n, perService(n)]), ['all events', events, perService(events)]],
      ),
    );
    console.log(
      `\nSeeded in ${seedSeconds.toFixed(1)} s; backend on loopback, ${POOL_SIZE} database connections; GitHub refused every request (${github.requests()} requests during the run the benchmark waited for and after).\n`,
    );
    console.log(
      table(
        ['what', 'connections', 'seconds', 'requests', 'req/s', 'p50 ms', 'p99 ms'],
        results.map((r) => [r.label, r.connections, r.duration, r.requests, fmtRate(r.rate), fmtMs(r.p50), fmtMs(r.p99)]),
      ),
    );
    console.log('');
    console.log(
      table(
        ['route', 'route p50 / SQL p50'],
        [
          ['GET /scorecard/:service', `${(scorecardRoute.p50 / scorecardSql.p50).toFixed(1)}x`],
          ['GET /scorecards', `${(scorecardsRoute.p50 / scorecardsSql.p50).toFixed(1)}x`],
        ],
      ),
    );
    console.log(`\nIn process, the store and the core (medians over ${paths.reps} services, then one run over all of them):\n`);
    console.log(
      table(
        ['path', 'read ms', 'toColumns ms', 'core ms', 'total ms'],
        paths.rows.map(([label, read, pack, coreMs]) => [
          label,
          fmtMs(read),
          pack === null ? '-' : fmtMs(pack),
          fmtMs(coreMs),
          fmtMs(read + (pack ?? 0) + coreMs),
        ]),
      ),
    );
  } finally {
    await pool?.end().catch(() => {});
    await plugin?.knex.destroy().catch(() => {});
    await backend?.stop().catch(() => {});
    await github?.close().catch(() => {});
    await dropDatabases().catch((error) => log(`could not drop the databases: ${error.message}`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
