// The daily rollup and the scorecard of spec/METRICS.md in plain TypeScript, written only as
// the benchmark's baseline: what a TypeScript-only plugin would run (sort once, binary search,
// Maps). The project computes these in the Rust core; this file must never be imported by it.
// Same inputs and output shapes as the core's aggregateDaily and computeScorecard (default
// options: production environments prd/prod/production, median, dora-2023, default targets).
// Like the core, it rejects duplicate ids; unlike the core, it trusts field types (database rows).

export interface Deployment { id: string; environment: string; state: string; createdAt: number }
export interface Change { id: string; createdAt: number; firstCommitAt?: number | null; mergedAt: number }
export interface Incident { id: string; createdAt: number; closedAt?: number | null; stateReason?: string | null }
export interface Events { deployments: Deployment[]; changes: Change[]; incidents: Incident[] }

export type Tier = 'Elite' | 'High' | 'Medium' | 'Low';
export interface DailyRow {
  date: string;
  deploymentCount: number;
  deploymentFailureCount: number;
  reworkCount: number;
  leadTimeAvgSeconds: number | null;
  leadTimeCount: number;
  mttrAvgSeconds: number | null;
  mttrCount: number;
}
export interface Metric {
  current: number | null;
  previous: number | null;
  change: number | null;
  target: number | null;
  meetsTarget: boolean | null;
  tier: Tier | null;
  score: number | null;
  samples: number;
  history: (number | null)[];
}
type MetricKey = 'deploymentFrequency' | 'leadTime' | 'changeFailureRate' | 'mttr' | 'reworkRate';
export interface Scorecard {
  from: string;
  to: string;
  days: number;
  statistic: 'median';
  metrics: Record<MetricKey, Metric>;
  overallScore: number | null;
  overallTier: Tier | null;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const PRODUCTION = ['prd', 'prod', 'production'];
// dora-2023 thresholds (elite, high, medium) and the default targets.
const TIERS: Record<Exclude<MetricKey, 'reworkRate'>, [number, number, number]> = {
  deploymentFrequency: [7, 1, 7 / 30],
  leadTime: [24, 168, 720],
  changeFailureRate: [5, 10, 15],
  mttr: [60, 1440, 10080],
};
const TARGETS = { deploymentFrequency: 7, leadTime: 24, changeFailureRate: 5, mttr: 60 };

const normalize = (text: string) => text.trim().toLowerCase();

function isProductionName(environment: string): boolean {
  const env = normalize(environment);
  return PRODUCTION.some(
    (name) => env === name || (env.startsWith(name) && '-_/.'.includes(env[name.length])),
  );
}

const enum Outcome { Success, Failure, NotCompleted }
function outcomeOf(state: string): Outcome {
  switch (normalize(state)) {
    case 'success': case 'active': case 'inactive': return Outcome.Success;
    case 'failure': case 'error': return Outcome.Failure;
    default: return Outcome.NotCompleted;
  }
}

const countsAsIncident = (i: Incident) => {
  if (i.stateReason == null) return true;
  const reason = normalize(i.stateReason);
  return reason !== 'not_planned' && reason !== 'duplicate';
};

/** Index of the first element > x (sorted ascending). */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
/** Index of the first element >= x (sorted ascending). */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkUniqueIds(events: Events) {
  for (const kind of ['deployments', 'changes', 'incidents'] as const) {
    const seen = new Set<string>();
    const list = events[kind];
    for (let i = 0; i < list.length; i++) {
      const id = list[i].id;
      if (seen.has(id)) {
        throw Object.assign(new Error(`events.${kind}[${i}].id: duplicate id ${id}`), { code: 'DUPLICATE_ID' });
      }
      seen.add(id);
    }
  }
}

interface CompletedDeployment { createdAt: number; failed: boolean; rework: boolean }
interface Timeline {
  hasProductionDeployment: boolean;
  deployments: CompletedDeployment[];
  /** Parallel arrays: the instant each lead or restore time ended, and its duration (ms). */
  leadEnded: number[];
  leadMs: number[];
  restoreEnded: number[];
  restoreMs: number[];
}

/** The per-event rules, as of `cut` (inclusive). */
function buildTimeline(events: Events, cut: number): Timeline {
  const production = new Map<string, boolean>();
  let hasProductionDeployment = false;
  const completed: { createdAt: number; id: string; success: boolean }[] = [];
  for (const d of events.deployments) {
    if (d.createdAt > cut) continue;
    let isProduction = production.get(d.environment);
    if (isProduction === undefined) {
      isProduction = isProductionName(d.environment);
      production.set(d.environment, isProduction);
    }
    if (!isProduction) continue;
    hasProductionDeployment = true;
    const outcome = outcomeOf(d.state);
    if (outcome !== Outcome.NotCompleted) {
      completed.push({ createdAt: d.createdAt, id: d.id, success: outcome === Outcome.Success });
    }
  }
  // Ascending (createdAt, id); ids compare as UTF-16 code units, the same order as UTF-8
  // bytes for the ASCII node ids GitHub issues.
  completed.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const successIndex: number[] = [];
  for (let i = 0; i < completed.length; i++) if (completed[i].success) successIndex.push(i);
  const successTimes = Float64Array.from(successIndex, (i) => completed[i].createdAt);

  const opened: number[] = [];
  const closedAt: (number | null)[] = [];
  for (const i of events.incidents) {
    if (i.createdAt > cut || !countsAsIncident(i)) continue;
    opened.push(i.createdAt);
    closedAt.push(i.closedAt != null && i.closedAt <= cut ? i.closedAt : null);
  }

  // The live success when an incident opened failed.
  const failed = completed.map((c) => !c.success);
  for (const at of opened) {
    const live = upperBound(successTimes, at);
    if (live > 0) failed[successIndex[live - 1]] = true;
  }

  // Open over [opened, closed): open at t when more have opened than closed by t.
  const openedSorted = Float64Array.from(opened).sort();
  const closedSorted = Float64Array.from(closedAt, (c, k) => (c === null ? Infinity : Math.max(c, opened[k]))).sort();
  const deployments = completed.map((c, k) => ({
    createdAt: c.createdAt,
    failed: failed[k],
    rework: c.success && upperBound(openedSorted, c.createdAt) > upperBound(closedSorted, c.createdAt),
  }));

  const leadEnded: number[] = [];
  const leadMs: number[] = [];
  for (const c of events.changes) {
    if (c.mergedAt > cut) continue;
    let ended: number;
    if (hasProductionDeployment) {
      const first = lowerBound(successTimes, c.mergedAt);
      if (first === successTimes.length) continue; // not deployed yet
      ended = successTimes[first];
    } else {
      ended = c.mergedAt;
    }
    leadEnded.push(ended);
    leadMs.push(Math.max(0, ended - (c.firstCommitAt ?? c.createdAt)));
  }

  const restoreEnded: number[] = [];
  const restoreMs: number[] = [];
  for (let k = 0; k < opened.length; k++) {
    const closed = closedAt[k];
    if (closed === null) continue;
    restoreEnded.push(closed);
    restoreMs.push(Math.max(0, closed - opened[k]));
  }
  return { hasProductionDeployment, deployments, leadEnded, leadMs, restoreEnded, restoreMs };
}

const dayOf = (instant: number) => Math.floor(instant / DAY_MS);
const formatDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** round(ms / (count * 1000)) half away from zero, exactly, for non-negative integers. */
function meanSeconds(totalMs: number, count: number): number {
  const num = 2 * totalMs + count * 1000;
  const den = 2 * count * 1000;
  let q = Math.floor(num / den);
  if (q * den > num) q--;
  else if ((q + 1) * den <= num) q++;
  return q;
}

interface DayTotals { deployments: number; failures: number; rework: number; leadMs: number; leadCount: number; restoreMs: number; restoreCount: number }

export function aggregateDaily(events: Events): DailyRow[] {
  checkUniqueIds(events);
  const t = buildTimeline(events, Infinity);
  const days = new Map<number, DayTotals>();
  const totals = (instant: number) => {
    const day = dayOf(instant);
    let row = days.get(day);
    if (!row) {
      row = { deployments: 0, failures: 0, rework: 0, leadMs: 0, leadCount: 0, restoreMs: 0, restoreCount: 0 };
      days.set(day, row);
    }
    return row;
  };
  for (const d of t.deployments) {
    const row = totals(d.createdAt);
    row.deployments++;
    if (d.failed) row.failures++;
    if (d.rework) row.rework++;
  }
  for (let k = 0; k < t.leadEnded.length; k++) {
    const row = totals(t.leadEnded[k]);
    row.leadMs += t.leadMs[k];
    row.leadCount++;
  }
  for (let k = 0; k < t.restoreEnded.length; k++) {
    const row = totals(t.restoreEnded[k]);
    row.restoreMs += t.restoreMs[k];
    row.restoreCount++;
  }
  return [...days.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([day, r]) => ({
      date: formatDay(day),
      deploymentCount: r.deployments,
      deploymentFailureCount: r.failures,
      reworkCount: r.rework,
      leadTimeAvgSeconds: r.leadCount > 0 ? meanSeconds(r.leadMs, r.leadCount) : null,
      leadTimeCount: r.leadCount,
      mttrAvgSeconds: r.restoreCount > 0 ? meanSeconds(r.restoreMs, r.restoreCount) : null,
      mttrCount: r.restoreCount,
    }));
}

/** Median of durations (ms) in `unit` ms: the mean of the two middle values for an even count. */
function median(durations: number[], unitMs: number): number | null {
  const n = durations.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(durations).sort();
  return n % 2 === 1 ? sorted[n >> 1] / unitMs : (sorted[n / 2 - 1] + sorted[n / 2]) / (2 * unitMs);
}

interface Span { deployments: number; failures: number; rework: number; leadMs: number[]; restoreMs: number[] }
function emptySpan(): Span {
  return { deployments: 0, failures: 0, rework: 0, leadMs: [], restoreMs: [] };
}
function merge(spans: Span[]): Span {
  const out = emptySpan();
  for (const s of spans) {
    out.deployments += s.deployments;
    out.failures += s.failures;
    out.rework += s.rework;
    for (const v of s.leadMs) out.leadMs.push(v);
    for (const v of s.restoreMs) out.restoreMs.push(v);
  }
  return out;
}
function value(span: Span, metric: MetricKey, days: number, deploys: boolean, per: number): number | null {
  const percent = (n: number) => (span.deployments > 0 ? (n * 100) / span.deployments : null);
  switch (metric) {
    case 'deploymentFrequency': return deploys ? (span.deployments * per) / days : null;
    case 'changeFailureRate': return percent(span.failures);
    case 'reworkRate': return percent(span.rework);
    case 'leadTime': return median(span.leadMs, HOUR_MS);
    case 'mttr': return median(span.restoreMs, MINUTE_MS);
  }
}
function samples(span: Span, metric: MetricKey): number {
  if (metric === 'leadTime') return span.leadMs.length;
  if (metric === 'mttr') return span.restoreMs.length;
  return span.deployments;
}

function classify(metric: Exclude<MetricKey, 'reworkRate'>, v: number): Tier {
  const [e, h, m] = TIERS[metric];
  const ok = (threshold: number) => (metric === 'deploymentFrequency' ? v >= threshold : v <= threshold);
  return ok(e) ? 'Elite' : ok(h) ? 'High' : ok(m) ? 'Medium' : 'Low';
}
function score(metric: Exclude<MetricKey, 'reworkRate'>, v: number): number {
  const [e, h, m] = TIERS[metric];
  if (metric === 'deploymentFrequency') {
    if (v >= e) return 75 + 25 * Math.min(1, (v - e) / e);
    if (v >= h) return 50 + 25 * ((v - h) / (e - h));
    if (v >= m) return 25 + 25 * ((v - m) / (h - m));
    return 25 * (v / m);
  }
  if (v <= e) return 100 - 25 * (v / e);
  if (v <= h) return 75 - 25 * ((v - e) / (h - e));
  if (v <= m) return 50 - 25 * ((v - h) / (m - h));
  return 25 * (m / v);
}
/** Half away from zero (Math.round goes half up). */
const roundHalfAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

export function computeScorecard(events: Events, period: { today: string; days: number }): Scorecard {
  checkUniqueIds(events);
  const today = Date.parse(`${period.today}T00:00:00Z`) / DAY_MS;
  const n = period.days;
  const t = buildTimeline(events, today * DAY_MS + DAY_MS - 1);
  const firstPrevious = today - 2 * n + 1;
  // buckets[0..n) is the previous period, buckets[n..2n) the current one.
  const buckets = Array.from({ length: 2 * n }, emptySpan);
  const bucket = (instant: number) => {
    const i = dayOf(instant) - firstPrevious;
    return i >= 0 && i < 2 * n ? buckets[i] : undefined;
  };
  for (const d of t.deployments) {
    const b = bucket(d.createdAt);
    if (!b) continue;
    b.deployments++;
    if (d.failed) b.failures++;
    if (d.rework) b.rework++;
  }
  for (let k = 0; k < t.leadEnded.length; k++) bucket(t.leadEnded[k])?.leadMs.push(t.leadMs[k]);
  for (let k = 0; k < t.restoreEnded.length; k++) bucket(t.restoreEnded[k])?.restoreMs.push(t.restoreMs[k]);

  const deploys = t.hasProductionDeployment;
  const current = merge(buckets.slice(n));
  const previous = merge(buckets.slice(0, n));
  const report = (metric: MetricKey): Metric => {
    const cur = value(current, metric, n, deploys, 7);
    const prev = value(previous, metric, n, deploys, 7);
    const rated = metric !== 'reworkRate' && cur !== null;
    return {
      current: cur,
      previous: prev,
      change: cur !== null && prev !== null && prev !== 0 ? ((cur - prev) / prev) * 100 : null,
      target: metric === 'reworkRate' ? null : TARGETS[metric],
      meetsTarget:
        metric === 'reworkRate' || cur === null
          ? null
          : metric === 'deploymentFrequency' ? cur >= TARGETS[metric] : cur <= TARGETS[metric],
      tier: rated ? classify(metric, cur) : null,
      score: rated ? score(metric, cur) : null,
      samples: samples(current, metric),
      history: buckets.slice(n).map((b) => value(b, metric, 1, deploys, 1)),
    };
  };
  const metrics = {
    deploymentFrequency: report('deploymentFrequency'),
    leadTime: report('leadTime'),
    changeFailureRate: report('changeFailureRate'),
    mttr: report('mttr'),
    reworkRate: report('reworkRate'),
  };
  const scores = [metrics.deploymentFrequency, metrics.leadTime, metrics.changeFailureRate, metrics.mttr]
    .map((m) => m.score)
    .filter((s): s is number => s !== null);
  const overallScore = scores.length ? roundHalfAway(scores.reduce((a, b) => a + b, 0) / scores.length) : null;
  const overallTier: Tier | null =
    overallScore === null ? null
      : overallScore >= 75 ? 'Elite' : overallScore >= 50 ? 'High' : overallScore >= 25 ? 'Medium' : 'Low';
  return {
    from: formatDay(today - n + 1),
    to: formatDay(today),
    days: n,
    statistic: 'median',
    metrics,
    overallScore,
    overallTier,
  };
}
