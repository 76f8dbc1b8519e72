'use strict';

// Deterministic events of one service for the benchmarks: the same seed and size give the
// same events, byte for byte. About 50% deployments (production and staging environments,
// GitHub's states in mixed case, some never completed), 40% merged changes and 10% incidents
// (some NOT_PLANNED or DUPLICATE, some still open), spread over ~400 days ending with TODAY.
// A few events fall just after TODAY, as clock skew or a sync in another time zone would leave
// them, so the scorecard's as-of cut has something to cut; and ~3% of instants repeat an
// earlier deployment's or incident's to the millisecond, so the tie rules ("at or after",
// "closed after") are exercised.

const fs = require('node:fs');

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const TODAY = '2026-11-28';
const SPAN_DAYS = 400;
const SEED = 20261128;

/** sfc32: a small, fast, well-mixed 32-bit generator, seeded from one integer. */
function random(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/** Picks from [[weight, value], ...]. */
function weighted(rand, table) {
  const total = table.reduce((sum, [w]) => sum + w, 0);
  let r = rand() * total;
  for (const [w, value] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return table[table.length - 1][1];
}

const ENVIRONMENTS = [
  [40, 'production'],
  [12, 'prod-eu'],
  [6, 'Production '],
  [4, 'prd'],
  [2, 'production/us'],
  [20, 'staging'],
  [8, 'stg'],
  [4, 'preprod'],
  [4, 'production2'],
];
const STATES = [
  [30, 'SUCCESS'],
  [35, 'INACTIVE'],
  [5, 'ACTIVE'],
  [3, 'success'],
  [8, 'FAILURE'],
  [3, 'ERROR'],
  [4, 'PENDING'],
  [2, 'QUEUED'],
  [3, 'IN_PROGRESS'],
  [1, 'WAITING'],
  [4, 'ABANDONED'],
  [2, 'DESTROYED'],
];
const CLOSED_REASONS = [
  [75, 'COMPLETED'],
  [10, 'NOT_PLANNED'],
  [3, 'DUPLICATE'],
  [2, 'not_planned '],
  [10, null],
];
const OPEN_REASONS = [
  [80, null],
  [20, 'REOPENED'],
];

/** A GitHub-like global node id: a kind prefix and a unique, opaque-looking suffix. */
function nodeId(prefix, index) {
  // A multiplicative hash keeps ids unique (the multiplier is odd) and unordered in time.
  const scrambled = (Math.imul(index + 1, 0x9e3779b1) >>> 0).toString(36).padStart(7, '0');
  return `${prefix}_kwDOBench${scrambled}${index.toString(36)}`;
}

/**
 * The events of one service: `n` events in all.
 * @param {number} n
 * @param {{seed?: number, today?: string}} [options]
 */
function generate(n, { seed = SEED, today = TODAY } = {}) {
  const rand = random(seed ^ n);
  const end = Date.parse(`${today}T00:00:00Z`) + DAY_MS; // the end of today
  const start = end - SPAN_DAYS * DAY_MS;
  // Working hours and working days are busier; 0.5% of instants land up to 2 days after today.
  const instant = () => {
    if (rand() < 0.005) return end + Math.floor(rand() * 2 * DAY_MS);
    let day;
    do {
      day = Math.floor(rand() * SPAN_DAYS);
      // 1970-01-01 was a Thursday: weekday 0 is Sunday, 6 Saturday.
      const weekday = (start / DAY_MS + day + 4) % 7;
      if ((weekday === 0 || weekday === 6) && rand() < 0.7) day = -1;
    } while (day < 0);
    const hour = rand() < 0.8 ? 8 + rand() * 10 : rand() * 24;
    return start + day * DAY_MS + Math.floor(hour * HOUR_MS + rand() * HOUR_MS) % DAY_MS;
  };
  // Log-uniform durations between lo and hi milliseconds.
  const duration = (lo, hi) => Math.floor(Math.exp(Math.log(lo) + rand() * (Math.log(hi) - Math.log(lo))));

  const deployments = [];
  const changes = [];
  const incidents = [];
  // An instant, or now and then exactly an earlier deployment's or incident's instant.
  const moments = [];
  const instantOrTie = () =>
    moments.length > 0 && rand() < 0.03 ? moments[Math.floor(rand() * moments.length)] : instant();
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.5) {
      const createdAt = instantOrTie();
      moments.push(createdAt);
      deployments.push({
        id: nodeId('DE', deployments.length),
        environment: weighted(rand, ENVIRONMENTS),
        state: weighted(rand, STATES),
        createdAt,
      });
    } else if (r < 0.9) {
      const mergedAt = instantOrTie();
      const createdAt = mergedAt - duration(10 * 60_000, 14 * DAY_MS);
      // 1% of first commits are after the merge (a rebased or amended commit): negative lead
      // times are clamped; 10% unknown (createdAt stands in).
      const firstCommitAt =
        rand() < 0.1
          ? null
          : rand() < 0.01
            ? mergedAt + duration(60_000, DAY_MS)
            : createdAt - duration(60_000, 5 * DAY_MS);
      changes.push({ id: nodeId('PR', changes.length), createdAt, firstCommitAt, mergedAt });
    } else {
      const createdAt = instantOrTie();
      // Open incidents are recent ones (one forgotten open incident would make every later
      // deployment rework, and the data degenerate).
      const open = createdAt > end - 45 * DAY_MS && rand() < 0.3;
      const closedAt = open ? null : createdAt + duration(5 * 60_000, 3 * DAY_MS);
      moments.push(createdAt);
      if (closedAt !== null) moments.push(closedAt);
      incidents.push({
        id: nodeId('I', incidents.length),
        createdAt,
        closedAt,
        stateReason: weighted(rand, open ? OPEN_REASONS : CLOSED_REASONS),
      });
    }
  }
  return { deployments, changes, incidents };
}

/** One event per line, kind first, empty fields for null (read by bench/rust and the SQL loader). */
function writeTsv(events, path) {
  const lines = [];
  const opt = (v) => (v === null || v === undefined ? '' : String(v));
  for (const d of events.deployments) lines.push(`D\t${d.id}\t${d.environment}\t${d.state}\t${d.createdAt}`);
  for (const c of events.changes) lines.push(`C\t${c.id}\t${c.createdAt}\t${opt(c.firstCommitAt)}\t${c.mergedAt}`);
  for (const i of events.incidents) lines.push(`I\t${i.id}\t${i.createdAt}\t${opt(i.closedAt)}\t${opt(i.stateReason)}`);
  fs.writeFileSync(path, lines.join('\n') + '\n');
}

module.exports = { generate, writeTsv, TODAY, SEED, SPAN_DAYS };

if (require.main === module) {
  // node bench/generate.js N [out.tsv]: prints counts, or writes the TSV.
  const n = Number(process.argv[2] ?? 10_000);
  const events = generate(n);
  if (process.argv[3]) writeTsv(events, process.argv[3]);
  const counts = Object.fromEntries(Object.entries(events).map(([k, v]) => [k, v.length]));
  console.log(JSON.stringify(counts));
}
