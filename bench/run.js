#!/usr/bin/env node
'use strict';

// Core throughput and size benchmarks (`npm run bench:core`; `npm run bench:core -- --sizes 1e4,1e5`).
//
// For each size, the same generated events (bench/generate.js) go through: the Rust typed API
// (criterion, bench/rust), the Node addon and the wasm build (through their JavaScript API,
// objects in, results out), a plain TypeScript implementation (bench/ts/dora.ts) and SQL in
// PostgreSQL (bench/sql.js). Before any timing, every implementation must give the core's
// numbers on the 1e4 data set. Node-side timings interleave the engines, rotating their order,
// and report medians; ratios are to the addon, measured side by side in the same run.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');

const { generate, writeTsv, TODAY, SEED, SPAN_DAYS } = require('./generate.js');
const { SqlEngine } = require('./sql.js');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out');
const DATA = path.join(OUT, 'data');
const RUST = path.join(__dirname, 'rust');
const PERIOD = { today: TODAY, days: 30 };
const ENTITY_REF = 'component:default/bench-service';
const GUARD_SIZE = 10_000;
const TARGETS = { ts: 10, sql: 20 }; // addon at least this many times faster, at 1e6 events
const TARGET_SIZE = 1_000_000;

function parseArgs(argv) {
  const args = { sizes: [1e4, 1e5, 1e6], reps: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const next = () => inline ?? argv[++i];
    if (flag === '--sizes') args.sizes = next().split(',').map((s) => Math.round(Number(s)));
    else if (flag === '--reps') args.reps = Number(next());
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: npm run bench:core [-- --sizes 1e4,1e5,1e6] [--reps N]');
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]} (try --help)`);
  }
  if (!args.sizes.length || args.sizes.some((n) => !Number.isInteger(n) || n < 10)) {
    throw new Error('--sizes takes event counts such as 1e4,1e5,1e6');
  }
  if (args.reps !== null && !(Number.isInteger(args.reps) && args.reps >= 1)) throw new Error('--reps takes a positive integer');
  return args;
}

const log = (...a) => console.error('[bench]', ...a);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const gc = () => global.gc?.();
const fmtCount = (n) => (n >= 1e4 && Number.isInteger(Math.log10(n)) ? `1e${Math.log10(n)}` : String(n));
function fmtMs(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return 'n/a';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}
const fmtRatio = (x) => (x === undefined || x === null || Number.isNaN(x) ? 'n/a' : `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`);

/** A Markdown table; text columns (those whose first cell is not a number) align left. */
function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const left = headers.map((_, i) => rows.every((r) => !/^[\d.-]/.test(String(r[i])) || /^1e\d$/.test(String(r[i]))));
  const cell = (c, i) => (left[i] ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]));
  const rule = widths.map((w, i) => (left[i] ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':'));
  return [`| ${headers.map(cell).join(' | ')} |`, `|${rule.join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}):\n${(result.stderr || '').slice(-4000)}`);
  }
  return result.stdout;
}

/** Numbers equal within 1e-9 relative; everything else exactly. Returns the differing paths. */
function diff(expected, actual, at = '') {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const close = expected === actual || Math.abs(expected - actual) <= 1e-9 * Math.max(Math.abs(expected), Math.abs(actual));
    return close ? [] : [`${at}: core ${expected}, got ${actual}`];
  }
  if (expected === null || actual === null || typeof expected !== 'object' || typeof actual !== 'object') {
    return expected === actual ? [] : [`${at}: core ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected) && expected.length !== actual.length) {
    return [`${at}: core has ${expected.length} entries, got ${actual.length}`];
  }
  return Object.keys(expected).flatMap((k) => (k in actual ? diff(expected[k], actual[k], `${at}.${k}`) : [`${at}.${k}: missing`]));
}

/** The scorecard's numbers the SQL engine computes: per metric current, previous, change, samples, history. */
function scorecardNumbers(scorecard) {
  const metrics = {};
  for (const [k, m] of Object.entries(scorecard.metrics)) {
    metrics[k] = { current: m.current, previous: m.previous, change: m.change, samples: m.samples, history: m.history };
  }
  return { metrics };
}

// ---------------------------------------------------------------------------------------------

function machine() {
  const versions = {};
  const lock = (file, name) => {
    try {
      const text = fs.readFileSync(file, 'utf8');
      return text.match(new RegExp(`name = "${name}"\\nversion = "([^"]+)"`))?.[1] ?? '?';
    } catch {
      return '?';
    }
  };
  const pkg = (name) => {
    try {
      return require(`${name}/package.json`).version;
    } catch {
      return '?';
    }
  };
  versions.node = `Node ${process.versions.node} (V8 ${process.versions.v8}, N-API ${process.versions.napi})`;
  versions.addon = `@internal/dora-metrics-core ${pkg('@internal/dora-metrics-core')} (napi ${lock(path.join(ROOT, 'Cargo.lock'), 'napi')})`;
  versions.wasm = `@internal/dora-metrics-wasm ${pkg('@internal/dora-metrics-wasm')} (wasm-bindgen ${lock(path.join(ROOT, 'Cargo.lock'), 'wasm-bindgen')}, serde-wasm-bindgen ${lock(path.join(ROOT, 'Cargo.lock'), 'serde-wasm-bindgen')})`;
  try {
    versions.rust = `${run('rustc', ['--version']).trim()}, criterion ${lock(path.join(RUST, 'Cargo.lock'), 'criterion')}`;
  } catch {
    versions.rust = 'rustc not found';
  }
  versions.ts = `TypeScript ${pkg('typescript')} (target es2022, run on the same Node)`;
  return versions;
}

function compileTypeScript() {
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'ts')], { cwd: ROOT });
  return require(path.join(OUT, 'ts', 'dora.js'));
}

function cargoBench(env) {
  return run('cargo', ['bench', '--quiet', '--bench', 'core'], {
    cwd: RUST,
    env: { ...process.env, BENCH_DATA: DATA, BENCH_TODAY: PERIOD.today, BENCH_DAYS: String(PERIOD.days), ...env },
  });
}

/** Criterion's median estimates, in ms: {function: {variant: {size: ms}}}. */
function rustBench(sizes) {
  fs.rmSync(path.join(RUST, 'target', 'criterion'), { recursive: true, force: true });
  const output = cargoBench({ BENCH_SIZES: sizes.join(',') });
  fs.writeFileSync(path.join(OUT, 'criterion.log'), output);
  const estimates = {};
  for (const fn of ['aggregate_daily', 'compute_scorecard']) {
    for (const variant of ['typed', 'api', 'columns']) {
      for (const n of sizes) {
        const file = path.join(RUST, 'target', 'criterion', fn, variant, String(n), 'new', 'estimates.json');
        if (!fs.existsSync(file)) continue;
        const ns = JSON.parse(fs.readFileSync(file, 'utf8')).median.point_estimate;
        ((estimates[fn] ??= {})[variant] ??= {})[n] = ns / 1e6;
      }
    }
  }
  return estimates;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
  const sizes = [...new Set(args.sizes)].sort((a, b) => a - b);
  fs.mkdirSync(DATA, { recursive: true });
  const started = Date.now();
  const load0 = os.loadavg();

  const versions = machine();
  log('compiling bench/ts/dora.ts');
  const ts = compileTypeScript();
  const addon = require('@internal/dora-metrics-core/native.js');
  const wasm = require('@internal/dora-metrics-wasm');
  const sql = new SqlEngine();
  try {
    versions.sql = `${await sql.open()} (work_mem 256MB, tables as the plugin's migrations)`;
    await benchmark({ args, sizes, started, load0, versions, ts, addon, wasm, sql });
  } finally {
    await sql.close(); // drops the schema, whatever happened
  }
}

const { toColumns } = require('@internal/dora-metrics-core/columns.js');

async function benchmark({ args, sizes, started, load0, versions, ts, addon, wasm, sql }) {
  console.log('\n## Machine\n');
  console.log(`cores: ${os.availableParallelism()} (${os.cpus()[0]?.model ?? '?'}), memory ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${load0.map((x) => x.toFixed(2)).join(' ')} at start (shared machine: ratios measured side by side, not absolute times, are the result)`);
  for (const v of Object.values(versions)) console.log(`- ${v}`);
  console.log(`- events: bench/generate.js, seed ${SEED}, ${SPAN_DAYS} days ending ${TODAY}; scorecard of ${PERIOD.days} days as of ${TODAY}, default options`);

  // Both throughput parts need the events on disk for Rust.
  for (const n of new Set([GUARD_SIZE, ...sizes])) writeTsv(generate(n), path.join(DATA, `events-${n}.tsv`));

  // ---- correctness guard on 1e4 events ------------------------------------------------------
  log(`correctness guard on ${fmtCount(GUARD_SIZE)} events`);
  const guardEvents = generate(GUARD_SIZE);
  const core = { daily: addon.aggregateDaily(guardEvents), scorecard: addon.computeScorecard(guardEvents, PERIOD) };
  await sql.load(guardEvents, ENTITY_REF);
  cargoBench({ BENCH_SIZES: String(GUARD_SIZE), BENCH_CHECK: '1' });
  const rustCheck = JSON.parse(fs.readFileSync(path.join(DATA, `rust-check-${GUARD_SIZE}.json`), 'utf8'));
  const candidates = {
    'Rust typed API': rustCheck,
    'wasm build': { daily: wasm.aggregateDaily(guardEvents), scorecard: wasm.computeScorecard(guardEvents, PERIOD) },
    'TypeScript': { daily: ts.aggregateDaily(guardEvents), scorecard: ts.computeScorecard(guardEvents, PERIOD) },
    'PostgreSQL': {
      daily: await sql.aggregateDaily(ENTITY_REF),
      scorecard: await sql.computeScorecard(ENTITY_REF, PERIOD),
    },
  };
  const guardRows = [];
  let disagreements = 0;
  for (const [name, result] of Object.entries(candidates)) {
    const expectedScorecard = name === 'PostgreSQL' ? scorecardNumbers(core.scorecard) : core.scorecard;
    const d = [...diff(core.daily, result.daily, 'daily'), ...diff(expectedScorecard, result.scorecard, 'scorecard')];
    disagreements += d.length;
    const compared = name === 'PostgreSQL' ? 'current, previous, change, samples, history' : 'the whole scorecard';
    guardRows.push([name, `${result.daily.length} rows`, compared, d.length ? `DISAGREES (${d.length})` : 'agrees']);
    for (const line of d.slice(0, 10)) console.log(`  ${name}: ${line}`);
  }
  console.log(`\n## Correctness guard: ${fmtCount(GUARD_SIZE)} events, against the addon (1e-9 relative)\n`);
  console.log(`core: ${core.daily.length} rollup rows; scorecard ${core.scorecard.from}..${core.scorecard.to}, overall ${core.scorecard.overallScore} (${core.scorecard.overallTier})`);
  console.log(table(['implementation', 'rollup', 'scorecard compared', 'verdict'], guardRows));
  if (disagreements) {
    throw new Error('an implementation disagrees with the core: no timing of a wrong implementation');
  }

  // ---- Rust, criterion ---------------------------------------------------------------------
  log(`criterion (cargo bench in bench/rust) over ${sizes.map(fmtCount).join(', ')}: about a minute per size`);
  const rust = rustBench(sizes);

  // ---- Node engines and SQL, interleaved -------------------------------------------------------
  const results = {};
  for (const n of sizes) {
    const reps = args.reps ?? (n <= 2e4 ? 15 : n <= 2e5 ? 7 : 5);
    const events = generate(n);
    const counts = `${events.deployments.length} deployments, ${events.changes.length} changes, ${events.incidents.length} incidents`;
    log(`${fmtCount(n)} events (${counts}): loading PostgreSQL`);
    const loadStart = performance.now();
    await sql.load(events, ENTITY_REF);
    const sqlLoadMs = performance.now() - loadStart;
    // The columns entry points take typed arrays; packing them is the caller's (a store can
    // build them from database columns directly), so it is done before timing.
    const columns = toColumns(events);
    const engines = {
      addon: { rollup: () => addon.aggregateDaily(events), scorecard: () => addon.computeScorecard(events, PERIOD) },
      addonColumns: {
        rollup: () => addon.aggregateDailyColumns(columns),
        scorecard: () => addon.computeScorecardColumns(columns, PERIOD),
      },
      wasmColumns: {
        rollup: () => wasm.aggregateDailyColumns(columns),
        scorecard: () => wasm.computeScorecardColumns(columns, PERIOD),
      },
      wasm: { rollup: () => wasm.aggregateDaily(events), scorecard: () => wasm.computeScorecard(events, PERIOD) },
      ts: { rollup: () => ts.aggregateDaily(events), scorecard: () => ts.computeScorecard(events, PERIOD) },
      sql: { rollup: () => sql.aggregateDaily(ENTITY_REF), scorecard: () => sql.computeScorecard(ENTITY_REF, PERIOD) },
      // Boundary probe: the events object converted to the core's document, then rejected
      // (matchEnvironment wants a string): the JS -> Rust conversion alone.
      addonRead: { probe: () => rejects(() => addon.matchEnvironment(events)) },
    };
    const times = {};
    for (let rep = 0; rep < reps; rep++) {
      log(`${fmtCount(n)} events: repetition ${rep + 1}/${reps}`);
      const names = Object.keys(engines);
      const order = names.map((_, i) => names[(i + rep) % names.length]);
      for (const name of order) {
        for (const [what, fn] of Object.entries(engines[name])) {
          gc();
          const t0 = performance.now();
          await fn();
          (times[`${name}.${what}`] ??= []).push(performance.now() - t0);
        }
      }
    }
    const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    results[n] = { counts, reps, med, sqlLoadMs, spread: times };
  }

  // ---- tables ------------------------------------------------------------------------------
  console.log('\n## Core throughput: median time per call, and its ratio to the addon\'s (above 1x: slower than the addon)\n');
  const rows = [];
  for (const n of sizes) {
    const { med, reps } = results[n];
    const a = { rollup: med['addon.rollup'], scorecard: med['addon.scorecard'] };
    const row = (label, rollup, scorecard, note = '') =>
      rows.push([fmtCount(n), label, fmtMs(rollup), fmtRatio(rollup / a.rollup), fmtMs(scorecard), fmtRatio(scorecard / a.scorecard), note]);
    row('Rust typed API (criterion)', rust.aggregate_daily?.typed?.[n], rust.compute_scorecard?.typed?.[n], 'compute only, no boundary');
    row('Rust columns API (criterion)', rust.aggregate_daily?.columns?.[n], rust.compute_scorecard?.columns?.[n], 'checks, duplicate ids, compute; no boundary');
    row('Node addon', a.rollup, a.scorecard, `objects in, results out; median of ${reps}`);
    row('wasm in Node', med['wasm.rollup'], med['wasm.scorecard'], 'objects in, results out');
    row('Node addon, columns', med['addonColumns.rollup'], med['addonColumns.scorecard'], 'typed arrays in (computeScorecardColumns)');
    row('wasm in Node, columns', med['wasmColumns.rollup'], med['wasmColumns.scorecard'], 'typed arrays in');
    row('TypeScript', med['ts.rollup'], med['ts.scorecard'], 'bench/ts/dora.ts');
    row('PostgreSQL', med['sql.rollup'], med['sql.scorecard'], `one query each; load ${fmtMs(results[n].sqlLoadMs)} not counted`);
  }
  console.log(table(['events', 'implementation', 'rollup', 'vs addon', 'scorecard', 'vs addon', 'note'], rows));

  console.log('\n## Where the addon\'s time goes (rollup / scorecard)\n');
  const bRows = [];
  for (const n of sizes) {
    const { med } = results[n];
    const typed = { r: rust.aggregate_daily?.typed?.[n], s: rust.compute_scorecard?.typed?.[n] };
    const api = { r: rust.aggregate_daily?.api?.[n], s: rust.compute_scorecard?.api?.[n] };
    const read = med['addonRead.probe'];
    const addonMs = { r: med['addon.rollup'], s: med['addon.scorecard'] };
    const pct = (x, total) => `${Math.round((100 * x) / total)}%`;
    const part = (label, r, s) => bRows.push([fmtCount(n), label, fmtMs(r), pct(r, addonMs.r), fmtMs(s), pct(s, addonMs.s)]);
    part('addon call, total', addonMs.r, addonMs.s);
    part('  JS objects -> core document (napi, measured)', read, read);
    part('  document -> Events: field checks, duplicate ids (Rust api - typed)', api.r - typed.r, api.s - typed.s);
    part('  compute (Rust typed API)', typed.r, typed.s);
    part('  rest: result -> JS, call overhead, noise', addonMs.r - read - api.r, addonMs.s - read - api.s);
  }
  console.log(table(['events', 'part', 'rollup', 'share', 'scorecard', 'share'], bRows));

  console.log('\n## Targets\n');
  const top = sizes.includes(TARGET_SIZE) ? TARGET_SIZE : sizes[sizes.length - 1];
  const m = results[top].med;
  const tRows = [];
  for (const [form, addonKey] of [['objects', 'addon'], ['columns', 'addonColumns']]) {
    for (const [what, key] of [['rollup', 'rollup'], ['scorecard', 'scorecard']]) {
      for (const [engine, label] of [['ts', 'TypeScript'], ['sql', 'PostgreSQL']]) {
        const speedup = m[`${engine}.${key}`] / m[`${addonKey}.${key}`];
        const target = TARGETS[engine];
        const measured = speedup >= 1 ? `addon ${fmtRatio(speedup)} faster` : `addon ${fmtRatio(1 / speedup)} slower`;
        tRows.push([`${what}: addon (${form}) vs ${label}`, `addon >= ${target}x faster`, measured, speedup >= target ? 'MET' : 'NOT MET']);
      }
    }
  }
  console.log(`at ${fmtCount(top)} events${top === TARGET_SIZE ? '' : ` (the targets are set at ${fmtCount(TARGET_SIZE)}: run without --sizes to judge them)`}, crossing the boundary included:`);
  console.log(table(['comparison', 'target', 'measured', 'verdict'], tRows));

  console.log('\n## Size\n');
  const sRows = [];
  for (const [label, file] of [
    ['wasm, pkg/nodejs', 'bindings-wasm/pkg/nodejs/dora_metrics_wasm_bg.wasm'],
    ['wasm, pkg/web', 'bindings-wasm/pkg/web/dora_metrics_wasm_bg.wasm'],
    ['JS glue, pkg/web', 'bindings-wasm/pkg/web/dora_metrics_wasm.js'],
    ['Node addon (for comparison)', 'bindings-node/dora-metrics-core.linux-x64-gnu.node'],
  ]) {
    const full = path.join(ROOT, file);
    if (!fs.existsSync(full)) {
      sRows.push([label, file, 'missing', '', '']);
      continue;
    }
    const bytes = fs.readFileSync(full);
    const kib = (x) => `${(x / 1024).toFixed(1)} KiB`;
    sRows.push([label, file, kib(bytes.length), kib(zlib.gzipSync(bytes, { level: 9 }).length), kib(zlib.brotliCompressSync(bytes).length)]);
  }
  console.log(table(['artifact', 'file', 'raw', 'gzip -9', 'brotli'], sRows));
  console.log(`\n(total ${((Date.now() - started) / 1000).toFixed(0)} s; load average at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; criterion's log in bench/out/criterion.log)`);
}

function rejects(fn) {
  try {
    fn();
  } catch {
    return;
  }
  throw new Error('the boundary probe was expected to throw');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
