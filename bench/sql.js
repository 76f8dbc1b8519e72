'use strict';

// The daily rollup and the scorecard's numbers as SQL in PostgreSQL: the benchmark's baseline
// for "compute it in the database". Tables mirror the plugin's migrations (dora_deployments,
// dora_changes, dora_incidents: epoch-millisecond bigints, keyed by id, indexed by entity_ref),
// in a schema of the benchmark's own. One query computes the rollup; one computes, per day
// and per period, every count and median a scorecard is made of (the last divisions, the
// tiers and scores are arithmetic on a few numbers, done in JavaScript after it).
//
// Text is compared as METRICS.md says, except that only ASCII whitespace is trimmed.

const { Client } = require('pg');

const SCHEMA = 'bench';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const NO_CUT = '9223372036854775807';
const PRODUCTION = ['prd', 'prod', 'production'];

const norm = (column) => `lower(btrim(${column}, E' \\t\\n\\r\\f'))`;

// The per-event rules as common table expressions. $1 entity_ref, $2 the as-of cut (inclusive),
// $3 the production environment names.
const TIMELINE = `
environments AS (
  SELECT e.environment,
         EXISTS (SELECT 1 FROM unnest($3::text[]) AS p(raw), LATERAL (SELECT ${norm('p.raw')} AS name) n
                 WHERE e.norm = n.name
                    OR (starts_with(e.norm, n.name) AND substr(e.norm, length(n.name) + 1, 1) IN ('-', '_', '/', '.')))
           AS production
  FROM (SELECT environment, ${norm('environment')} AS norm
        FROM (SELECT DISTINCT environment FROM ${SCHEMA}.dora_deployments WHERE entity_ref = $1) d) e
),
production AS (
  SELECT d.id, d.created_at,
         CASE WHEN ${norm('d.state')} IN ('success', 'active', 'inactive') THEN true
              WHEN ${norm('d.state')} IN ('failure', 'error') THEN false END AS success
  FROM ${SCHEMA}.dora_deployments d JOIN environments e USING (environment)
  WHERE d.entity_ref = $1 AND e.production AND d.created_at <= $2
),
has_production AS (SELECT EXISTS (SELECT 1 FROM production) AS yes),
completed AS (
  SELECT created_at, success, row_number() OVER (ORDER BY created_at, id COLLATE "C") AS seq
  FROM production WHERE success IS NOT NULL
),
incidents AS (
  SELECT created_at AS opened_at, CASE WHEN closed_at <= $2 THEN closed_at END AS closed_at
  FROM ${SCHEMA}.dora_incidents
  WHERE entity_ref = $1 AND created_at <= $2
    AND (state_reason IS NULL OR ${norm('state_reason')} NOT IN ('not_planned', 'duplicate'))
),
-- One pass over completed deployments, incident openings and closings (never before their
-- opening) in time order, counting openings before each instant, and openings and closings
-- up to it. Window functions only, no join: the plan cannot turn quadratic.
marks AS (
  SELECT kind, seq, at, success,
         count(*) FILTER (WHERE kind = 'o') OVER (ORDER BY at RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
           AS opened_before,
         count(*) FILTER (WHERE kind = 'o') OVER (ORDER BY at) AS opened_by,
         count(*) FILTER (WHERE kind = 'c') OVER (ORDER BY at) AS closed_by
  FROM (SELECT created_at AS at, 'd' AS kind, seq, success FROM completed
        UNION ALL SELECT opened_at, 'o', NULL, NULL FROM incidents
        UNION ALL SELECT greatest(closed_at, opened_at), 'c', NULL, NULL FROM incidents WHERE closed_at IS NOT NULL) t
),
-- A success is blamed when an incident opened while it was live: at or after its creation and
-- before the next success's (in (created_at, id) order). Rework: a success created while more
-- incidents had opened than closed.
deployments AS (
  SELECT at AS created_at,
         NOT success
           OR lead(opened_before, 1, (SELECT count(*) FROM incidents)) OVER (PARTITION BY success ORDER BY seq)
              > opened_before AS failed,
         success AND opened_by > closed_by AS rework
  FROM marks WHERE kind = 'd'
),
-- A change's lead time ends at the first success at or after its merge: a running min over
-- successes and merges in reverse time order, successes first on a tie; at the merge itself
-- when the service has no production deployment at all.
lead AS (
  SELECT ended_at, greatest(ended_at - started_at, 0) AS ms FROM (
    SELECT kind, started_at,
           CASE WHEN (SELECT yes FROM has_production)
                THEN min(at) FILTER (WHERE kind = 0) OVER (ORDER BY at DESC, kind ROWS UNBOUNDED PRECEDING)
                ELSE at END AS ended_at
    FROM (SELECT created_at AS at, 0 AS kind, NULL::bigint AS started_at FROM completed WHERE success
          UNION ALL
          SELECT merged_at, 1, coalesce(first_commit_at, created_at)
          FROM ${SCHEMA}.dora_changes WHERE entity_ref = $1 AND merged_at <= $2) t
  ) w WHERE kind = 1 AND ended_at IS NOT NULL
),
restore AS (
  SELECT closed_at AS ended_at, greatest(closed_at - opened_at, 0) AS ms FROM incidents WHERE closed_at IS NOT NULL
)`;

// Instants are after 1970: integer division is the UTC day.
const ROLLUP = `
WITH ${TIMELINE},
per_event AS (
  SELECT created_at / ${DAY_MS} AS day, 1 AS dep, failed::int AS fail, rework::int AS rew,
         0::bigint AS lead_ms, 0 AS lead_n, 0::bigint AS rest_ms, 0 AS rest_n FROM deployments
  UNION ALL SELECT ended_at / ${DAY_MS}, 0, 0, 0, ms, 1, 0, 0 FROM lead
  UNION ALL SELECT ended_at / ${DAY_MS}, 0, 0, 0, 0, 0, ms, 1 FROM restore
)
SELECT to_char(date '1970-01-01' + day::int, 'YYYY-MM-DD') AS date,
       sum(dep)::int AS "deploymentCount",
       sum(fail)::int AS "deploymentFailureCount",
       sum(rew)::int AS "reworkCount",
       CASE WHEN sum(lead_n) > 0 THEN round(sum(lead_ms) / (sum(lead_n) * 1000.0))::bigint END AS "leadTimeAvgSeconds",
       sum(lead_n)::int AS "leadTimeCount",
       CASE WHEN sum(rest_n) > 0 THEN round(sum(rest_ms) / (sum(rest_n) * 1000.0))::bigint END AS "mttrAvgSeconds",
       sum(rest_n)::int AS "mttrCount"
FROM per_event GROUP BY day ORDER BY day`;

// $4 today's day number, $5 the period's length in days. One row per period and one per date.
const SCORECARD = `
WITH ${TIMELINE},
samples AS (
  SELECT day, day > $4::bigint - $5::int AS current, kind, failed, rework, ms FROM (
    SELECT created_at / ${DAY_MS} AS day, 0 AS kind, failed, rework, NULL::bigint AS ms FROM deployments
    UNION ALL SELECT ended_at / ${DAY_MS}, 1, NULL, NULL, ms FROM lead
    UNION ALL SELECT ended_at / ${DAY_MS}, 2, NULL, NULL, ms FROM restore
  ) s WHERE day BETWEEN $4::bigint - 2 * $5::int + 1 AND $4::bigint
),
grouped AS (
  SELECT current, day,
         count(*) FILTER (WHERE kind = 0) AS deployments,
         count(*) FILTER (WHERE kind = 0 AND failed) AS failures,
         count(*) FILTER (WHERE kind = 0 AND rework) AS rework,
         count(*) FILTER (WHERE kind = 1) AS lead_n,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE kind = 1) AS lead_median_ms,
         count(*) FILTER (WHERE kind = 2) AS restore_n,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE kind = 2) AS restore_median_ms
  FROM samples GROUP BY GROUPING SETS ((current), (current, day))
)
SELECT (SELECT yes FROM has_production) AS has_production,
       (SELECT coalesce(json_agg(grouped), '[]') FROM grouped) AS groups`;

/** The scorecard's numbers (current, previous, change, samples, history of each metric) from the query's groups. */
function assemble(row, todayDay, days) {
  const deploys = row.has_production;
  const empty = { deployments: 0, failures: 0, rework: 0, lead_n: 0, lead_median_ms: null, restore_n: 0, restore_median_ms: null };
  const periods = { true: empty, false: empty };
  const byDay = new Map();
  for (const g of row.groups) {
    if (g.day === null) periods[g.current] = g;
    else byDay.set(Number(g.day), g);
  }
  const value = (g, metric, span, per) => {
    const percent = (x) => (Number(g.deployments) > 0 ? (Number(x) * 100) / Number(g.deployments) : null);
    switch (metric) {
      case 'deploymentFrequency': return deploys ? (Number(g.deployments) * per) / span : null;
      case 'changeFailureRate': return percent(g.failures);
      case 'reworkRate': return percent(g.rework);
      case 'leadTime': return g.lead_median_ms === null ? null : g.lead_median_ms / HOUR_MS;
      case 'mttr': return g.restore_median_ms === null ? null : g.restore_median_ms / MINUTE_MS;
    }
  };
  const samples = (g, metric) =>
    Number(metric === 'leadTime' ? g.lead_n : metric === 'mttr' ? g.restore_n : g.deployments);
  const metrics = {};
  for (const metric of ['deploymentFrequency', 'leadTime', 'changeFailureRate', 'mttr', 'reworkRate']) {
    const current = value(periods.true, metric, days, 7);
    const previous = value(periods.false, metric, days, 7);
    const history = [];
    for (let day = todayDay - days + 1; day <= todayDay; day++) history.push(value(byDay.get(day) ?? empty, metric, 1, 1));
    metrics[metric] = {
      current,
      previous,
      change: current !== null && previous !== null && previous !== 0 ? ((current - previous) / previous) * 100 : null,
      samples: samples(periods.true, metric),
      history,
    };
  }
  return { metrics };
}

class SqlEngine {
  constructor() {
    this.client = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  }

  async open() {
    await this.client.connect();
    const version = (await this.client.query('SHOW server_version')).rows[0].server_version;
    // Sorts of a million rows in memory rather than on disk: the fair setting for an analytic query.
    await this.client.query("SET work_mem = '256MB'");
    await this.client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await this.client.query(`CREATE SCHEMA ${SCHEMA}`);
    await this.client.query(`
      CREATE TABLE ${SCHEMA}.dora_deployments (
        id varchar(255) PRIMARY KEY, entity_ref varchar(255) NOT NULL, environment varchar(255) NOT NULL,
        state varchar(64) NOT NULL, sha varchar(64), created_at bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX ON ${SCHEMA}.dora_deployments (entity_ref);
      CREATE TABLE ${SCHEMA}.dora_changes (
        id varchar(255) PRIMARY KEY, entity_ref varchar(255) NOT NULL, created_at bigint NOT NULL,
        first_commit_at bigint, merged_at bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX ON ${SCHEMA}.dora_changes (entity_ref);
      CREATE TABLE ${SCHEMA}.dora_incidents (
        id varchar(255) PRIMARY KEY, entity_ref varchar(255) NOT NULL, created_at bigint NOT NULL,
        closed_at bigint, state_reason varchar(64), updated_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX ON ${SCHEMA}.dora_incidents (entity_ref);`);
    return `PostgreSQL ${version}`;
  }

  /** Replaces the tables' rows with one service's events (batched inserts of arrays), then ANALYZE. */
  async load(events, entityRef) {
    const c = this.client;
    await c.query(`TRUNCATE ${SCHEMA}.dora_deployments, ${SCHEMA}.dora_changes, ${SCHEMA}.dora_incidents`);
    const BATCH = 20_000;
    const batches = async (list, sql, columns) => {
      for (let i = 0; i < list.length; i += BATCH) {
        const slice = list.slice(i, i + BATCH);
        await c.query(sql, [entityRef, ...columns.map((f) => slice.map(f))]);
      }
    };
    await batches(
      events.deployments,
      `INSERT INTO ${SCHEMA}.dora_deployments (entity_ref, id, environment, state, created_at)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[])`,
      [(d) => d.id, (d) => d.environment, (d) => d.state, (d) => d.createdAt],
    );
    await batches(
      events.changes,
      `INSERT INTO ${SCHEMA}.dora_changes (entity_ref, id, created_at, first_commit_at, merged_at)
       SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[])`,
      [(x) => x.id, (x) => x.createdAt, (x) => x.firstCommitAt ?? null, (x) => x.mergedAt],
    );
    await batches(
      events.incidents,
      `INSERT INTO ${SCHEMA}.dora_incidents (entity_ref, id, created_at, closed_at, state_reason)
       SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[])`,
      [(x) => x.id, (x) => x.createdAt, (x) => x.closedAt ?? null, (x) => x.stateReason ?? null],
    );
    await c.query(`ANALYZE ${SCHEMA}.dora_deployments, ${SCHEMA}.dora_changes, ${SCHEMA}.dora_incidents`);
  }

  async aggregateDaily(entityRef) {
    const result = await this.client.query(ROLLUP, [entityRef, NO_CUT, PRODUCTION]);
    return result.rows.map((r) => ({
      ...r,
      leadTimeAvgSeconds: r.leadTimeAvgSeconds === null ? null : Number(r.leadTimeAvgSeconds),
      mttrAvgSeconds: r.mttrAvgSeconds === null ? null : Number(r.mttrAvgSeconds),
    }));
  }

  async computeScorecard(entityRef, period) {
    const todayDay = Date.parse(`${period.today}T00:00:00Z`) / DAY_MS;
    const cut = String(todayDay * DAY_MS + DAY_MS - 1);
    const result = await this.client.query(SCORECARD, [entityRef, cut, PRODUCTION, todayDay, period.days]);
    return assemble(result.rows[0], todayDay, period.days);
  }

  /** Drops the schema and disconnects; safe to call twice, or after a failed open. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    } catch {
      // Not connected: nothing was created.
    } finally {
      await this.client.end().catch(() => {});
    }
  }
}

module.exports = { SqlEngine, ROLLUP, SCORECARD };
