'use strict';
/*
 * What the reliability tests share: the GitHub twin (behind a recording proxy), PostgreSQL
 * databases with a unique prefix, Backstage backends run as detached process groups, snapshots
 * of the plugin's tables, and bounded waits. Everything listens on 127.0.0.1.
 */
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const pg = require('pg');
const { startTwin } = require('@internal/github-twin');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const LAUNCHER = path.join(__dirname, 'launcher.js');
const TOKEN = 'dora-local-token';
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const ORG = 'rel-org';
const TASK_ID = 'dora-metrics-collection';
const TASKS_TABLE = 'backstage_backend_tasks__tasks';

// ---- waiting -----------------------------------------------------------------------------------

/** An error that ends a waitFor at once (others are retried until the timeout). */
function fatal(message) {
  return Object.assign(new Error(message), { fatal: true });
}

/** Polls `fn` until it returns a truthy value (returned), at most `timeoutMs`. */
async function waitFor(fn, { timeoutMs = 60_000, intervalMs = 250, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      if (error.fatal) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** A deterministic PRNG (mulberry32) from a string or number seed. */
function prng(seed) {
  let h = 1779033703 ^ String(seed).length;
  for (const ch of String(seed)) {
    h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
  const { port } = server.address();
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** A directory for a file's configs and backend logs (kept for a day, for post-mortems). */
function tmpDir(label) {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const full = path.join(os.tmpdir(), name);
    if (/^dora-rel-[a-z]+-\w{6}$/.test(name) && Date.now() - fs.statSync(full).mtimeMs > 86_400_000) {
      fs.rmSync(full, { recursive: true, force: true });
    }
  }
  return fs.mkdtempSync(path.join(os.tmpdir(), `dora-rel-${label}-`));
}

// ---- the twin and its recording proxy ------------------------------------------------------------

/**
 * The GitHub twin with generated data frozen at a fixed instant, behind a proxy that records
 * every request (token, path, start and end time, status) and can delay or hold requests.
 */
async function startGitHub({ repos = 8, seed = 'reliability', days = 45, tokens = ['twin-token'], faults } = {}) {
  // The data ends at the last full hour, an hour ago, and the clock is frozen an hour after its
  // end: every deployment has settled, and the data is the same for every run of the suite
  // (unless it straddles an hour, which costs a second baseline).
  const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
  const twin = await startTwin({
    generate: { org: ORG, repos, seed, days, end: end.toISOString() },
    now: new Date(end.getTime() + 3_600_000).toISOString(),
    frozenClock: true,
    port: 0,
    tokens,
    ...(faults ? { faults } : {}),
  });
  const proxy = await startProxy(twin.url);
  const repositories = Object.keys(twin.scenario().repositories);
  return {
    twin,
    proxy,
    key: JSON.stringify({ repos, seed, days, end }),
    token: typeof tokens[0] === 'string' ? tokens[0] : tokens[0].token,
    url: proxy.url,
    org: ORG,
    repositories,
    async close() {
      await proxy.close();
      await twin.close();
    },
  };
}

async function startProxy(target) {
  const upstream = new URL(target);
  const log = [];
  const state = { delayMs: 0, hold: null };
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const entry = {
      method: req.method,
      path: req.url,
      token: (req.headers.authorization ?? '').replace(/^(token|bearer)\s+/i, ''),
      start: Date.now(),
      end: null,
      status: null,
    };
    log.push(entry);
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      if (state.delayMs) await sleep(state.delayMs);
      if (state.hold) await state.hold.promise;
      const up = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        upRes => {
          entry.status = upRes.statusCode;
          res.writeHead(upRes.statusCode, upRes.rawHeaders);
          upRes.pipe(res);
          upRes.on('end', () => (entry.end = Date.now()));
          upRes.on('error', () => res.destroy());
        },
      );
      up.on('error', () => {
        entry.end = Date.now();
        entry.status = 'reset';
        res.destroy();
      });
      res.on('close', () => {
        entry.end ??= Date.now();
        up.destroy();
      });
      up.end(Buffer.concat(chunks));
    });
  });
  server.on('connection', s => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    log,
    /** API requests (not the twin's control routes). */
    requests: () => log.filter(e => !e.path.startsWith('/_twin')),
    setDelay(ms) {
      state.delayMs = ms;
    },
    /** Holds every request from now until release(). */
    hold() {
      let release;
      const promise = new Promise(resolve => (release = resolve));
      state.hold = { promise, release };
    },
    release() {
      state.hold?.release();
      state.hold = null;
    },
    async close() {
      this.release();
      for (const s of sockets) s.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

// ---- catalog and configuration --------------------------------------------------------------------

/** One Component per repository, alternating the two annotation forms. */
function writeCatalog(dir, org, repositories) {
  const docs = repositories.map((slug, i) => {
    const name = slug.split('/')[1];
    const annotation =
      i % 2 === 0
        ? `    github.com/project-slug: ${slug}`
        : `    backstage.io/source-location: url:https://github.com/${slug}/tree/main/`;
    return [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      `  name: ${name}`,
      '  annotations:',
      annotation,
      'spec:',
      '  type: service',
      '  lifecycle: production',
      '  owner: group:default/rel-team',
    ].join('\n');
  });
  docs.unshift(
    ['apiVersion: backstage.io/v1alpha1', 'kind: Group', 'metadata:', '  name: rel-team', 'spec:', '  type: team', '  children: []'].join('\n'),
  );
  const file = path.join(dir, 'catalog.yaml');
  fs.writeFileSync(file, `${docs.join('\n---\n')}\n`);
  return file;
}

/** A backend configuration (JSON is YAML). */
function backendConfig({ port, database, catalogFile, githubUrl, githubToken, org = ORG, extra = {} }) {
  return merge(
    {
      app: { baseUrl: 'http://127.0.0.1:3000' },
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database,
        auth: { externalAccess: [{ type: 'static', options: { token: TOKEN, subject: 'reliability' } }] },
      },
      catalog: {
        rules: [{ allow: ['Component', 'Group'] }],
        locations: [{ type: 'file', target: catalogFile }],
      },
      integrations: { github: [{ host: 'github.com', apiBaseUrl: githubUrl, token: githubToken }] },
      doraMetrics: {
        github: { organizations: [org] },
        // The generated history is 45 days long: every event is inside the window, whenever the
        // test runs.
        collection: { initialDays: 365, intervalMinutes: 600 },
      },
    },
    extra,
  );
}

function merge(a, b) {
  if (!isObject(a) || !isObject(b)) return b;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
  return out;
}
function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// ---- PostgreSQL ---------------------------------------------------------------------------------

let dbCounter = 0;
/** A fresh database prefix for one backend "deployment" (Backstage makes `<prefix>dora` etc.). */
function dbPrefix(label) {
  dbCounter += 1;
  return `dora_rel_${process.pid}_${label}_${dbCounter}_`;
}

function pgDatabaseConfig(prefix) {
  return { client: 'pg', prefix, connection: { ...PG } };
}

async function withClient(database, fn) {
  const client = new pg.Client({ ...PG, database, types: pgTypes });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

// DATE as its text, bigint as its text: comparable, no time zone involved.
const pgTypes = {
  getTypeParser(oid, format) {
    if (oid === 1082) return v => v;
    return pg.types.getTypeParser(oid, format);
  },
};

/** Drops every database of this process (or of `prefix`). */
async function dropDatabases(prefix = `dora_rel_${process.pid}_`) {
  await withClient('postgres', async client => {
    const { rows } = await client.query('select datname from pg_database where datname like $1', [`${prefix}%`]);
    for (const { datname } of rows) {
      await client.query(`drop database if exists "${datname}" with (force)`);
    }
  });
}

/** Waits until PostgreSQL accepts queries. */
async function waitForPostgres(timeoutMs = 120_000) {
  await waitFor(() => withClient('postgres', c => c.query('select 1').then(() => true)), {
    timeoutMs,
    intervalMs: 500,
    what: 'PostgreSQL to accept connections',
  });
}

/**
 * Every dora_* table's rows, comparable across runs and databases: bookkeeping columns
 * (updated_at, the rollup's serial id) dropped, sync-state times reduced to whether they are set,
 * cursors (instants derived from the run's start) reduced to which kinds have one.
 */
async function snapshot(database, { raw = false } = {}) {
  return withClient(database, async client => {
    const { rows: tables } = await client.query(
      "select table_name from information_schema.tables where table_schema = 'public' and table_name like 'dora\\_%' order by table_name",
    );
    const out = {};
    for (const { table_name: table } of tables) {
      const { rows } = await client.query(`select * from "${table}"`);
      out[table] = rows
        .map(row => {
          const r = { ...row };
          if (raw) return JSON.stringify(r, Object.keys(r).sort());
          delete r.updated_at;
          if (table === 'dora_daily_metrics') delete r.id;
          if (table === 'dora_sync_state') {
            r.last_synced_at = r.last_synced_at !== null;
            r.last_error_at = r.last_error_at !== null;
            r.cursors = r.cursors === null ? null : Object.keys(JSON.parse(r.cursors)).sort().join(',');
          }
          return JSON.stringify(r, Object.keys(r).sort());
        })
        .sort();
    }
    return out;
  });
}

/** Every row of every table of a database, as text (for secret scans). */
async function dumpDatabase(database) {
  return withClient(database, async client => {
    const { rows: tables } = await client.query(
      "select table_schema, table_name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')",
    );
    let text = '';
    for (const { table_schema: schema, table_name: table } of tables) {
      const { rows } = await client.query(`select * from "${schema}"."${table}"`);
      text += `${schema}.${table}\n${rows.map(r => JSON.stringify(r)).join('\n')}\n`;
    }
    return text;
  });
}

/** Event counts per table, for messages. */
function counts(snap) {
  return Object.fromEntries(Object.entries(snap).map(([t, rows]) => [t, rows.length]));
}

/** The scheduler's row of the collection task. */
async function taskRow(database) {
  return withClient(database, async client => {
    const { rows } = await client.query(`select * from ${TASKS_TABLE} where id = $1`, [TASK_ID]);
    return rows[0];
  });
}

// ---- backends ---------------------------------------------------------------------------------------

const running = new Set();

function killGroup(child, signal = 'SIGKILL') {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

// Never leave a backend behind, whatever happens to the test process.
process.on('exit', () => {
  for (const b of running) killGroup(b.child);
});

/**
 * Starts a backend (its own process group) with `config`, and waits until it answers its
 * readiness check. Its stdout and stderr are kept (and written to `<dir>/<name>.log`).
 */
async function startBackend({ name, dir, config, env = {}, readyTimeoutMs = 120_000 }) {
  const configFile = path.join(dir, `${name}.config.yaml`);
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const logFile = path.join(dir, `${name}.log`);
  const logStream = fs.createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [LAUNCHER, '--config', configFile], {
    cwd: path.join(ROOT, 'ts-plugin'),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      GITHUB_TOKEN: '',
      ...env,
    },
  });
  const backend = {
    name,
    child,
    port: config.backend.listen.port,
    url: `http://127.0.0.1:${config.backend.listen.port}`,
    stdout: '',
    stderr: '',
    exited: null,
    logFile,
    /** Lines of stdout and stderr, ANSI codes stripped. */
    lines() {
      return (this.stdout + this.stderr).replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    },
    /** The collector's end-of-run lines: {at, services, failed, events, requests, ms}. */
    runs() {
      const out = [];
      for (const line of this.lines()) {
        const m = /^(\S+) .*DORA metrics collection: (\d+) services, (\d+) failed, (\d+) events stored, (\d+) GitHub requests, \d+ GraphQL points, (\d+) ms/.exec(line);
        if (m) {
          out.push({ at: Date.parse(m[1]), services: +m[2], failed: +m[3], events: +m[4], requests: +m[5], ms: +m[6] });
        }
      }
      return out;
    },
    alive() {
      return this.exited === null;
    },
    kill(signal = 'SIGKILL') {
      killGroup(child, signal);
    },
    /** SIGKILL, or SIGTERM first (graceful: SIGKILL after 20 s anyway). */
    async stop({ graceful = false } = {}) {
      if (this.exited !== null) return;
      if (graceful) {
        killGroup(child, 'SIGTERM');
        const exited = await waitFor(() => this.exited !== null, { timeoutMs: 20_000, intervalMs: 100 }).catch(() => false);
        if (exited) return;
      }
      killGroup(child, 'SIGKILL');
      await waitFor(() => this.exited !== null, { timeoutMs: 30_000, intervalMs: 50, what: `${name} to exit` });
    },
  };
  child.stdout.on('data', d => {
    backend.stdout += d;
    logStream.write(d);
  });
  child.stderr.on('data', d => {
    backend.stderr += d;
    logStream.write(d);
  });
  child.on('exit', (code, signal) => {
    backend.exited = { code, signal };
    running.delete(backend);
    logStream.end();
  });
  running.add(backend);
  await waitFor(
    async () => {
      if (backend.exited) throw fatal(`${name} exited (${JSON.stringify(backend.exited)}); see ${logFile}`);
      const res = await fetch(`${backend.url}/.backstage/health/v1/readiness`);
      return res.ok;
    },
    { timeoutMs: readyTimeoutMs, intervalMs: 500, what: `${name} to be ready (log ${logFile})` },
  ).catch(async error => {
    await backend.stop().catch(() => {});
    throw error;
  });
  return backend;
}

/** Kills every backend this process started. */
async function stopAll() {
  await Promise.all([...running].map(b => b.stop().catch(() => {})));
}

// ---- HTTP ---------------------------------------------------------------------------------------

/** A request with the static token; the body parsed as JSON when it is. */
async function api(base, method, urlPath, { body, headers = {}, token = TOKEN } = {}) {
  const res = await fetch(`${base}${urlPath}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Waits until the catalog serves `count` Components. */
async function waitForCatalog(backend, count) {
  await waitFor(
    async () => {
      const res = await api(backend.url, 'GET', '/api/catalog/entities?filter=kind=component&fields=metadata.name');
      return res.status === 200 && res.json.length >= count;
    },
    { timeoutMs: 120_000, intervalMs: 500, what: `the catalog to load ${count} components` },
  );
}

/**
 * Asks for a collection and waits for a run that covered `services` services and ended after
 * the request; POST /sync is repeated (a run in progress answers 202 without starting another).
 * Returns that run.
 */
async function syncAndWait(backend, services, { timeoutMs = 180_000 } = {}) {
  const since = Date.now();
  let lastPost = 0;
  return waitFor(
    async () => {
      if (backend.exited) throw fatal(`${backend.name} exited: ${JSON.stringify(backend.exited)}`);
      const run = backend.runs().find(r => r.at >= since && r.services === services);
      if (run) return run;
      if (Date.now() - lastPost > 10_000) {
        lastPost = Date.now();
        const res = await api(backend.url, 'POST', '/api/dora/sync');
        if (res.status !== 202) throw new Error(`POST /sync answered ${res.status}: ${res.text}`);
      }
      return undefined;
    },
    { timeoutMs, intervalMs: 250, what: `${backend.name} to complete a collection of ${services} services` },
  );
}

/**
 * The rows of an uninterrupted single-instance collection of `gh`'s data, with that run's
 * request count and duration. Test files that use the same data share it within one suite run
 * (cached by the test runner's pid), since it costs a backend and a full run.
 */
async function baseline(gh, dir) {
  const cacheDir = path.join(os.tmpdir(), 'dora-rel-baselines');
  fs.mkdirSync(cacheDir, { recursive: true });
  for (const f of fs.readdirSync(cacheDir)) {
    const full = path.join(cacheDir, f);
    if (Date.now() - fs.statSync(full).mtimeMs > 86_400_000) fs.rmSync(full, { force: true });
  }
  const key = require('node:crypto').createHash('sha256').update(`${process.ppid}\n${gh.key}`).digest('hex').slice(0, 20);
  const file = path.join(cacheDir, `${key}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const prefix = dbPrefix('base');
  const port = await freePort();
  const catalogFile = writeCatalog(dir, gh.org, gh.repositories);
  const backend = await startBackend({
    name: 'baseline',
    dir,
    config: backendConfig({ port, database: pgDatabaseConfig(prefix), catalogFile, githubUrl: gh.url, githubToken: gh.token }),
  });
  try {
    await waitForCatalog(backend, gh.repositories.length);
    const before = gh.proxy.requests().length;
    const run = await syncAndWait(backend, gh.repositories.length);
    if (run.failed !== 0) throw new Error(`the baseline run failed for ${run.failed} services; see ${backend.logFile}`);
    const requests = gh.proxy.requests().slice(before);
    const result = {
      snapshot: await snapshot(`${prefix}dora`),
      requests: run.requests,
      // From the run's first GitHub request to its end.
      durationMs: run.at - requests[0].start,
      runMs: run.ms,
    };
    fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify(result));
    fs.renameSync(`${file}.${process.pid}`, file);
    return result;
  } finally {
    await backend.stop();
    await dropDatabases(prefix);
  }
}

function restartPostgres() {
  const version = fs.readdirSync('/etc/postgresql')[0];
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'pipe', timeout: 120_000 });
}

function stopPostgres() {
  const version = fs.readdirSync('/etc/postgresql')[0];
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'stop', '-m', 'fast'], { stdio: 'pipe', timeout: 120_000 });
}

function startPostgres() {
  const version = fs.readdirSync('/etc/postgresql')[0];
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'pipe', timeout: 120_000 });
}

module.exports = {
  ORG,
  TOKEN,
  TASK_ID,
  TASKS_TABLE,
  api,
  backendConfig,
  baseline,
  counts,
  dbPrefix,
  dropDatabases,
  dumpDatabase,
  fatal,
  freePort,
  pgDatabaseConfig,
  prng,
  restartPostgres,
  snapshot,
  startBackend,
  startGitHub,
  startPostgres,
  stopAll,
  stopPostgres,
  syncAndWait,
  taskRow,
  tmpDir,
  waitFor,
  waitForCatalog,
  waitForPostgres,
  withClient,
  writeCatalog,
};
