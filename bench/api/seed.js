'use strict';

// Raw events for the API benchmark, deterministic from a seed and the date: per service and
// day (the `days` days before today, UTC), 1 to 3 deployments (mostly production, some
// failed), about one merged change, an incident every few days (some still open, some
// NOT_PLANNED); a sync state per service, and own targets for every tenth one. Written with
// multi-row inserts (unnest of arrays) in large batches.

const { prng } = require('../../tests/reliability/lib/harness.js');

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const BATCH_ROWS = 20_000;

const TABLES = {
  dora_deployments: {
    columns: ['entity_ref', 'id', 'environment', 'state', 'sha', 'created_at'],
    types: ['text', 'text', 'text', 'text', 'text', 'bigint'],
  },
  dora_changes: {
    columns: ['entity_ref', 'id', 'created_at', 'first_commit_at', 'merged_at'],
    types: ['text', 'text', 'bigint', 'bigint', 'bigint'],
  },
  dora_incidents: {
    columns: ['entity_ref', 'id', 'created_at', 'closed_at', 'state_reason'],
    types: ['text', 'text', 'bigint', 'bigint', 'text'],
  },
};

const serviceName = (i) => `svc-${String(i + 1).padStart(4, '0')}`;
const entityRef = (i) => `component:default/${serviceName(i)}`;

function pick(random, weighted) {
  let r = random();
  for (const [value, weight] of weighted) {
    if ((r -= weight) < 0) return value;
  }
  return weighted[weighted.length - 1][0];
}

/** One service's rows, by table, as arrays of column values. */
function serviceRows(i, { days, today, seed }) {
  const random = prng(`${seed}/${i}`);
  const ref = entityRef(i);
  const tag = i.toString(36).padStart(3, '0');
  const hex = (n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const rows = { dora_deployments: [], dora_changes: [], dora_incidents: [] };
  const todayStart = Date.parse(`${today}T00:00:00Z`);
  let n = 0;
  for (let d = days; d >= 1; d--) {
    const dayStart = todayStart - d * DAY_MS;
    const at = () => dayStart + Math.floor(random() * DAY_MS);
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
      rows.dora_deployments.push([
        ref,
        `DE_kwDOBn${tag}${(n++).toString(36).padStart(5, '0')}`,
        pick(random, [
          ['production', 0.8],
          ['staging', 0.2],
        ]),
        pick(random, [
          ['SUCCESS', 0.88],
          ['FAILURE', 0.07],
          ['ERROR', 0.02],
          ['INACTIVE', 0.03],
        ]),
        hex(40),
        at(),
      ]);
    }
    for (
      let k = pick(random, [
        [0, 0.2],
        [1, 0.6],
        [2, 0.2],
      ]);
      k > 0;
      k--
    ) {
      const mergedAt = at();
      const createdAt = mergedAt - HOUR_MS - Math.floor(random() * 72 * HOUR_MS);
      const firstCommitAt = random() < 0.15 ? null : createdAt - Math.floor(random() * 48 * HOUR_MS);
      rows.dora_changes.push([ref, `PR_kwDOBn${tag}${(n++).toString(36).padStart(5, '0')}`, createdAt, firstCommitAt, mergedAt]);
    }
    if (random() < 0.25) {
      const createdAt = at();
      const open = random() < 0.04;
      const closedAt = open ? null : createdAt + 15 * 60_000 + Math.floor(random() * 72 * HOUR_MS);
      const reason = open
        ? null
        : pick(random, [
            ['COMPLETED', 0.9],
            ['NOT_PLANNED', 0.08],
            ['DUPLICATE', 0.02],
          ]);
      rows.dora_incidents.push([ref, `I_kwDOBn${tag}${(n++).toString(36).padStart(5, '0')}`, createdAt, closedAt, reason]);
    }
  }
  return rows;
}

async function insertRows(client, table, rows) {
  const { columns, types } = TABLES[table];
  const arrays = columns.map((_, c) => rows.map((r) => r[c]));
  const unnest = types.map((t, c) => `$${c + 1}::${t}[]`).join(', ');
  await client.query(`insert into ${table} (${columns.join(', ')}) select * from unnest(${unnest})`, arrays);
}

/**
 * Seeds `services` services of `days` days before `today` into the plugin's tables (which
 * must exist). Returns the row counts.
 */
async function seed(client, { services, days, today, seed, org }) {
  const counts = { dora_deployments: 0, dora_changes: 0, dora_incidents: 0 };
  const pending = { dora_deployments: [], dora_changes: [], dora_incidents: [] };
  const flush = async (table, force) => {
    if (pending[table].length >= BATCH_ROWS || (force && pending[table].length)) {
      await insertRows(client, table, pending[table]);
      counts[table] += pending[table].length;
      pending[table] = [];
    }
  };
  for (let i = 0; i < services; i++) {
    const rows = serviceRows(i, { days, today, seed });
    for (const table of Object.keys(pending)) {
      pending[table].push(...rows[table]);
      await flush(table, false);
    }
  }
  for (const table of Object.keys(pending)) await flush(table, true);

  const refs = Array.from({ length: services }, (_, i) => entityRef(i));
  await client.query(
    `insert into dora_sync_state (entity_ref, host, repository, last_synced_at)
     select ref, 'github.com', $2 || '/' || split_part(ref, '/', 2), $3::timestamptz from unnest($1::text[]) ref`,
    [refs, org, `${today}T00:30:00Z`],
  );
  const targeted = refs.filter((_, i) => i % 10 === 0);
  await client.query(
    'insert into dora_targets (entity_ref, target_lead, target_mttr) select ref, 12, 30 from unnest($1::text[]) ref',
    [targeted],
  );
  for (const table of [...Object.keys(TABLES), 'dora_sync_state', 'dora_targets']) {
    await client.query(`vacuum analyze ${table}`);
  }
  return counts;
}

module.exports = { seed, serviceName, entityRef };
