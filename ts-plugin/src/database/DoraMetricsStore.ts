import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import type { EventColumns } from '@internal/dora-metrics-core';
import fs from 'node:fs';
import { Knex } from 'knex';
import {
  Change,
  DailyRow,
  Deployment,
  Incident,
  KeyMetric,
  Targets,
} from '../core';

/** A stored deployment: the core's fields plus the commit it deployed. */
export type StoredDeployment = Deployment & { sha: string | null };
export type StoredChange = Change & { firstCommitAt: number | null };
export type StoredIncident = Incident & {
  closedAt: number | null;
  stateReason: string | null;
};

export type ServiceEvents = {
  deployments: StoredDeployment[];
  changes: StoredChange[];
  incidents: StoredIncident[];
};

export type EventKind = 'deployments' | 'changes' | 'incidents';

export type SyncState = {
  entityRef: string;
  host: string;
  /** `owner/repo` */
  repository: string;
  /** The collector's cursors, opaque to everything else. */
  cursors: JsonObject | null;
  /** Kinds whose history is not fully stored yet (a run stopped part-way). */
  incomplete: Record<EventKind, boolean>;
  lastSyncedAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
};

/** What one collection run commits for a service, in one transaction. */
export type CollectedEvents = {
  /** Inserted or updated by (entity ref, node id). */
  upsert: Partial<ServiceEvents>;
  /** Node ids that are no longer events of the service (deleted, or no longer qualifying). */
  remove?: Partial<Record<EventKind, string[]>>;
  /** The sync state that the stored events justify (cursors, incomplete kinds). */
  sync: SyncStateUpdate;
};

export type SyncStateUpdate = {
  cursors?: JsonObject | null;
  incomplete?: Partial<Record<EventKind, boolean>>;
  lastSyncedAt?: Date | null;
  lastError?: string | null;
  lastErrorAt?: Date | null;
};

type DeploymentRow = {
  id: string;
  entity_ref: string;
  environment: string;
  state: string;
  sha: string | null;
  created_at: number | string;
};
type ChangeRow = {
  id: string;
  entity_ref: string;
  created_at: number | string;
  first_commit_at: number | string | null;
  merged_at: number | string;
};
type IncidentRow = {
  id: string;
  entity_ref: string;
  created_at: number | string;
  closed_at: number | string | null;
  state_reason: string | null;
};

/** The columns the core needs of each kind, as selected for columnar reads. */
type DeploymentColumnRow = Omit<DeploymentRow, 'sha'>;
type EventRows = {
  deployments: DeploymentColumnRow[];
  changes: ChangeRow[];
  incidents: IncidentRow[];
};

/** `stateReason` of an incident without one, in columns (the core's NO_STRING). */
const NO_STRING = 0xffffffff;

const PACKAGE_NAME = '@internal/plugin-dora-metrics-backend';

/**
 * The knex migrations. A packed plugin carries them in its own `migrations` folder (copied at
 * prepack); in this repository they live in the top-level `migrations` folder.
 */
export function migrationsDir(): string {
  const shipped = resolvePackagePath(PACKAGE_NAME, 'migrations');
  return fs.existsSync(shipped)
    ? shipped
    : resolvePackagePath(PACKAGE_NAME, '..', 'migrations');
}

const TARGET_COLUMNS: Record<KeyMetric, string> = {
  deploymentFrequency: 'target_freq',
  leadTime: 'target_lead',
  changeFailureRate: 'target_fail',
  mttr: 'target_mttr',
};

const EVENT_TABLES = ['dora_deployments', 'dora_changes', 'dora_incidents'];

// Rows per insert: SQLite caps the number of bound variables per statement.
const CHUNK_SIZE = 100;
// Entity refs per `where entity_ref in (...)` of a columnar read of some services.
const REFS_PER_QUERY = 500;

/** pg returns bigint as a string; SQLite as a number. */
function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function toOptionalNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

/** A timestamp column as a Date (pg: Date; SQLite: epoch ms or 'YYYY-MM-DD HH:MM:SS' UTC). */
function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (value instanceof Date) {
    return value;
  }
  if (typeof value === 'number') {
    return new Date(value);
  }
  const text = String(value);
  return new Date(
    /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`,
  );
}

/** A date column as 'YYYY-MM-DD' (pg parses DATE into a local-midnight Date). */
function toDay(value: unknown): string {
  if (value instanceof Date) {
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(
      value.getDate(),
    )}`;
  }
  return String(value);
}

/** The plugin's storage: raw events, daily rollup, targets and sync state. */
export class DoraMetricsStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DoraMetricsStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir() });
    }
    return new DoraMetricsStore(client);
  }

  private constructor(private readonly db: Knex) {}

  /**
   * Inserts or updates a service's events by their GitHub node id, all or nothing; the number of
   * rows that were new or changed.
   */
  async upsertEvents(
    entityRef: string,
    events: Partial<ServiceEvents>,
  ): Promise<number> {
    return this.db.transaction(tx => writeEvents(tx, entityRef, events));
  }

  /**
   * Stores what a collection run fetched for a service and the sync state it justifies, in one
   * transaction: a cursor never gets ahead of the events behind it. Returns the rows that
   * changed (inserted, updated or removed).
   */
  async commitCollected(
    entityRef: string,
    collected: CollectedEvents,
  ): Promise<number> {
    return this.db.transaction(async tx => {
      let written = await writeEvents(tx, entityRef, collected.upsert);
      for (const [kind, ids] of Object.entries(collected.remove ?? {})) {
        for (let i = 0; i < ids.length; i += CHUNK_SIZE) {
          written += await tx(`dora_${kind}`)
            .where({ entity_ref: entityRef })
            .whereIn('id', ids.slice(i, i + CHUNK_SIZE))
            .delete();
        }
      }
      await tx('dora_sync_state')
        .where({ entity_ref: entityRef })
        .update(syncStateValues(tx, collected.sync));
      return written;
    });
  }

  /**
   * The stored deployments of these services whose state is not one of `settledStates` (they
   * may still change on GitHub), as (entity ref, node id).
   */
  async unsettledDeployments(
    entityRefs: string[],
    settledStates: string[],
  ): Promise<{ entityRef: string; id: string }[]> {
    const found: { entityRef: string; id: string }[] = [];
    for (let i = 0; i < entityRefs.length; i += CHUNK_SIZE) {
      const rows = await this.db('dora_deployments')
        .whereIn('entity_ref', entityRefs.slice(i, i + CHUNK_SIZE))
        .whereNotIn('state', settledStates)
        .orderBy([{ column: 'entity_ref' }, { column: 'id' }])
        .select('entity_ref', 'id');
      found.push(...rows.map(r => ({ entityRef: r.entity_ref, id: r.id })));
    }
    return found;
  }

  /**
   * A service's events, oldest first. With a window (epoch ms, inclusive), only the events of
   * each kind that happened in it: deployments created, changes merged, incidents opened or
   * closed in the window.
   */
  async readEvents(
    entityRef: string,
    options: {
      window?: { from: number; to: number };
      kinds?: EventKind[];
    } = {},
  ): Promise<ServiceEvents> {
    const { window } = options;
    const kinds = new Set<EventKind>(
      options.kinds ?? ['deployments', 'changes', 'incidents'],
    );
    const between = (column: string) => (q: Knex.QueryBuilder) =>
      window ? q.whereBetween(column, [window.from, window.to]) : q;

    const [deployments, changes, incidents] = await Promise.all([
      kinds.has('deployments')
        ? this.db<DeploymentRow>('dora_deployments')
            .where({ entity_ref: entityRef })
            .modify(between('created_at'))
            .orderBy([{ column: 'created_at' }, { column: 'id' }])
        : ([] as DeploymentRow[]),
      kinds.has('changes')
        ? this.db<ChangeRow>('dora_changes')
            .where({ entity_ref: entityRef })
            .modify(between('merged_at'))
            .orderBy([{ column: 'merged_at' }, { column: 'id' }])
        : ([] as ChangeRow[]),
      kinds.has('incidents')
        ? this.db<IncidentRow>('dora_incidents')
            .where({ entity_ref: entityRef })
            .modify(q =>
              window
                ? q.where(w =>
                    w
                      .whereBetween('created_at', [window.from, window.to])
                      .orWhereBetween('closed_at', [window.from, window.to]),
                  )
                : q,
            )
            .orderBy([{ column: 'created_at' }, { column: 'id' }])
        : ([] as IncidentRow[]),
    ]);

    return {
      deployments: deployments.map((r: DeploymentRow) => ({
        id: r.id,
        environment: r.environment,
        state: r.state,
        sha: r.sha ?? null,
        createdAt: toNumber(r.created_at),
      })),
      changes: changes.map((r: ChangeRow) => ({
        id: r.id,
        createdAt: toNumber(r.created_at),
        firstCommitAt: toOptionalNumber(r.first_commit_at),
        mergedAt: toNumber(r.merged_at),
      })),
      incidents: incidents.map((r: IncidentRow) => ({
        id: r.id,
        createdAt: toNumber(r.created_at),
        closedAt: toOptionalNumber(r.closed_at),
        stateReason: r.state_reason ?? null,
      })),
    };
  }

  /**
   * A service's events as the core's columns (`EventColumns`): three queries, each selecting
   * only what the core reads, packed straight into typed arrays. Events are in key order (the
   * core's results do not depend on the order of events).
   */
  async readEventColumns(entityRef: string): Promise<EventColumns> {
    const rows = await this.readEventRows(q =>
      q.where({ entity_ref: entityRef }),
    );
    return packServices(rows).get(entityRef) ?? emptyEventColumns();
  }

  /**
   * The events of many services as the core's columns, by entity ref: of every service with
   * events (one query per kind), or of the given services only. A service without events has
   * no entry.
   */
  async readEventColumnsByService(
    entityRefs?: string[],
  ): Promise<Map<string, EventColumns>> {
    if (entityRefs === undefined) {
      return packServices(await this.readEventRows(q => q));
    }
    const found = new Map<string, EventColumns>();
    for (let i = 0; i < entityRefs.length; i += REFS_PER_QUERY) {
      const refs = entityRefs.slice(i, i + REFS_PER_QUERY);
      const rows = await this.readEventRows(q => q.whereIn('entity_ref', refs));
      for (const [ref, columns] of packServices(rows)) {
        found.set(ref, columns);
      }
    }
    return found;
  }

  /**
   * Event rows of the selected services in key order (entity ref, node id): the primary key's
   * order, which the database reads without sorting.
   */
  private async readEventRows(
    select: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
  ): Promise<EventRows> {
    const keyOrder = [{ column: 'entity_ref' }, { column: 'id' }];
    const [deployments, changes, incidents] = await Promise.all([
      select(this.db('dora_deployments'))
        .select('entity_ref', 'id', 'environment', 'state', 'created_at')
        .orderBy(keyOrder),
      select(this.db('dora_changes'))
        .select(
          'entity_ref',
          'id',
          'created_at',
          'first_commit_at',
          'merged_at',
        )
        .orderBy(keyOrder),
      select(this.db('dora_incidents'))
        .select('entity_ref', 'id', 'created_at', 'closed_at', 'state_reason')
        .orderBy(keyOrder),
    ]);
    return { deployments, changes, incidents };
  }

  /** Whether the store knows the service: it was discovered, or has events. */
  async hasService(entityRef: string): Promise<boolean> {
    for (const table of [
      'dora_sync_state',
      'dora_deployments',
      'dora_changes',
      'dora_incidents',
    ]) {
      const row = await this.db(table)
        .where({ entity_ref: entityRef })
        .first(this.db.raw('1 as found'));
      if (row) {
        return true;
      }
    }
    return false;
  }

  /** Replaces a service's daily rollup with `rows` (as the core's aggregateDaily gives them). */
  async replaceDailyMetrics(
    entityRef: string,
    rows: DailyRow[],
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('dora_daily_metrics').where({ entity_ref: entityRef }).delete();
      const records = rows.map(row => ({
        entity_ref: entityRef,
        date: row.date,
        deployment_count: row.deploymentCount,
        deployment_failure_count: row.deploymentFailureCount,
        rework_count: row.reworkCount,
        lead_time_avg_seconds: row.leadTimeAvgSeconds,
        lead_time_count: row.leadTimeCount,
        mttr_avg_seconds: row.mttrAvgSeconds,
        mttr_count: row.mttrCount,
        updated_at: tx.fn.now(),
      }));
      for (let i = 0; i < records.length; i += CHUNK_SIZE) {
        await tx('dora_daily_metrics').insert(records.slice(i, i + CHUNK_SIZE));
      }
    });
  }

  /** A service's daily rollup, oldest first. */
  async readDailyMetrics(entityRef: string): Promise<DailyRow[]> {
    const rows = await this.db('dora_daily_metrics')
      .where({ entity_ref: entityRef })
      .orderBy('date');
    return rows.map(r => ({
      date: toDay(r.date),
      deploymentCount: toNumber(r.deployment_count),
      deploymentFailureCount: toNumber(r.deployment_failure_count),
      reworkCount: toNumber(r.rework_count),
      leadTimeAvgSeconds: toOptionalNumber(r.lead_time_avg_seconds),
      leadTimeCount: toNumber(r.lead_time_count),
      mttrAvgSeconds: toOptionalNumber(r.mttr_avg_seconds),
      mttrCount: toNumber(r.mttr_count),
    }));
  }

  /** The service's own targets (only those it has set). */
  async getTargets(entityRef: string): Promise<Partial<Targets>> {
    const row = await this.db('dora_targets')
      .where({ entity_ref: entityRef })
      .first();
    return row ? toTargets(row) : {};
  }

  /** The own targets of every service that has set some, by entity ref. */
  async listTargets(): Promise<Map<string, Partial<Targets>>> {
    const rows = await this.db('dora_targets');
    return new Map(rows.map(row => [row.entity_ref, toTargets(row)]));
  }

  /** Sets some of the service's own targets; the others keep their values. */
  async setTargets(
    entityRef: string,
    targets: Partial<Targets>,
  ): Promise<void> {
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(targets)) {
      values[TARGET_COLUMNS[key as KeyMetric]] = value;
    }
    await this.db('dora_targets')
      .insert({
        entity_ref: entityRef,
        ...values,
        updated_at: this.db.fn.now(),
      })
      .onConflict('entity_ref')
      .merge([...Object.keys(values), 'updated_at']);
  }

  /** Removes the service's own targets; whether it had any. */
  async deleteTargets(entityRef: string): Promise<boolean> {
    const deleted = await this.db('dora_targets')
      .where({ entity_ref: entityRef })
      .delete();
    return deleted > 0;
  }

  /**
   * Records discovered services. A new service gets a fresh state; a service whose repository
   * changed loses its cursors and its events (they belong to the old repository); others are
   * left alone.
   */
  async recordServices(
    services: { entityRef: string; host: string; repository: string }[],
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const existing = new Map<string, { host: string; repository: string }>();
      const refs = services.map(s => s.entityRef);
      for (let i = 0; i < refs.length; i += CHUNK_SIZE) {
        const rows = await tx('dora_sync_state')
          .whereIn('entity_ref', refs.slice(i, i + CHUNK_SIZE))
          .select('entity_ref', 'host', 'repository');
        for (const row of rows) {
          existing.set(row.entity_ref, row);
        }
      }
      for (const service of services) {
        const known = existing.get(service.entityRef);
        if (!known) {
          await tx('dora_sync_state').insert({
            entity_ref: service.entityRef,
            host: service.host,
            repository: service.repository,
          });
        } else if (
          known.host !== service.host ||
          known.repository !== service.repository
        ) {
          await tx('dora_sync_state')
            .where({ entity_ref: service.entityRef })
            .update({
              host: service.host,
              repository: service.repository,
              cursors: null,
              deployments_incomplete: false,
              changes_incomplete: false,
              incidents_incomplete: false,
              updated_at: tx.fn.now(),
            });
          for (const table of EVENT_TABLES) {
            await tx(table).where({ entity_ref: service.entityRef }).delete();
          }
        }
      }
    });
  }

  async getSyncState(entityRef: string): Promise<SyncState | undefined> {
    const row = await this.db('dora_sync_state')
      .where({ entity_ref: entityRef })
      .first();
    return row ? toSyncState(row) : undefined;
  }

  /** Every recorded service, by entity ref. */
  async listSyncStates(): Promise<SyncState[]> {
    const rows = await this.db('dora_sync_state').orderBy('entity_ref');
    return rows.map(toSyncState);
  }

  /** Changes the given fields of a service's sync state. */
  async updateSyncState(
    entityRef: string,
    update: SyncStateUpdate,
  ): Promise<void> {
    await this.db('dora_sync_state')
      .where({ entity_ref: entityRef })
      .update(syncStateValues(this.db, update));
  }
}

function toTargets(row: Record<string, unknown>): Partial<Targets> {
  const targets: Partial<Targets> = {};
  for (const [key, column] of Object.entries(TARGET_COLUMNS)) {
    if (row[column] !== null && row[column] !== undefined) {
      targets[key as KeyMetric] = toNumber(row[column]);
    }
  }
  return targets;
}

/** Where each service's rows are in a list ordered by entity ref: [start, end) by ref. */
function runsByService(
  rows: { entity_ref: string }[],
): Map<string, [number, number]> {
  const runs = new Map<string, [number, number]>();
  let start = 0;
  for (let k = 1; k <= rows.length; k++) {
    if (k === rows.length || rows[k].entity_ref !== rows[start].entity_ref) {
      const ref = rows[start].entity_ref;
      if (runs.has(ref)) {
        // Only a collation that orders distinct refs as equal could split a service's rows.
        throw new Error(`Rows of ${ref} are not contiguous in entity ref order`);
      }
      runs.set(ref, [start, k]);
      start = k;
    }
  }
  return runs;
}

const NO_RUN: [number, number] = [0, 0];

/** Each service's rows (ordered by entity ref) as the core's columns, by entity ref. */
function packServices(rows: EventRows): Map<string, EventColumns> {
  const deployments = runsByService(rows.deployments);
  const changes = runsByService(rows.changes);
  const incidents = runsByService(rows.incidents);
  const refs = new Set([
    ...deployments.keys(),
    ...changes.keys(),
    ...incidents.keys(),
  ]);
  const packed = new Map<string, EventColumns>();
  for (const ref of refs) {
    packed.set(
      ref,
      packColumns(
        rows,
        deployments.get(ref) ?? NO_RUN,
        changes.get(ref) ?? NO_RUN,
        incidents.get(ref) ?? NO_RUN,
      ),
    );
  }
  return packed;
}

/** The columns of no events. */
export function emptyEventColumns(): EventColumns {
  return packColumns(
    { deployments: [], changes: [], incidents: [] },
    NO_RUN,
    NO_RUN,
    NO_RUN,
  );
}

const utf8 = new TextEncoder();

/** The ids of rows[start, end) in UTF-8, back to back, and where each ends. */
function packIds(
  rows: { id: string }[],
  [start, end]: [number, number],
): { ids: Uint8Array; idEnd: Uint32Array } {
  let joined = '';
  for (let k = start; k < end; k++) {
    joined += rows[k].id;
  }
  const ids = utf8.encode(joined);
  // As many bytes as UTF-16 units only when every character is ASCII (one byte, one unit).
  const ascii = ids.length === joined.length;
  const idEnd = new Uint32Array(end - start);
  let length = 0;
  for (let k = start; k < end; k++) {
    const id = rows[k].id;
    length += ascii ? id.length : Buffer.byteLength(id, 'utf8');
    idEnd[k - start] = length;
  }
  return { ids, idEnd };
}

/** An instant column: epoch ms (pg gives bigint as text); null (absent) as NaN. */
function instants(
  rows: Record<string, unknown>[],
  [start, end]: [number, number],
  column: string,
): Float64Array {
  const values = new Float64Array(end - start);
  for (let k = start; k < end; k++) {
    const value = rows[k][column];
    values[k - start] =
      value === null || value === undefined ? Number.NaN : Number(value);
  }
  return values;
}

/**
 * One service's rows as the core's columns (the shape of core/src/columns.rs), with a
 * dictionary of its environments, states and state reasons.
 */
function packColumns(
  rows: EventRows,
  deploymentRun: [number, number],
  changeRun: [number, number],
  incidentRun: [number, number],
): EventColumns {
  const strings: string[] = [];
  const codes = new Map<string, number>();
  const code = (text: string): number => {
    let c = codes.get(text);
    if (c === undefined) {
      c = strings.length;
      strings.push(text);
      codes.set(text, c);
    }
    return c;
  };
  const { deployments: d, changes: c, incidents: i } = rows;
  const [dStart, dEnd] = deploymentRun;
  const environment = new Uint32Array(dEnd - dStart);
  const state = new Uint32Array(dEnd - dStart);
  for (let k = dStart; k < dEnd; k++) {
    environment[k - dStart] = code(d[k].environment);
    state[k - dStart] = code(d[k].state);
  }
  const [iStart, iEnd] = incidentRun;
  const stateReason = new Uint32Array(iEnd - iStart);
  for (let k = iStart; k < iEnd; k++) {
    const reason = i[k].state_reason;
    stateReason[k - iStart] =
      reason === null || reason === undefined ? NO_STRING : code(reason);
  }
  return {
    strings,
    deployments: {
      ...packIds(d, deploymentRun),
      environment,
      state,
      createdAt: instants(d, deploymentRun, 'created_at'),
    },
    changes: {
      ...packIds(c, changeRun),
      createdAt: instants(c, changeRun, 'created_at'),
      firstCommitAt: instants(c, changeRun, 'first_commit_at'),
      mergedAt: instants(c, changeRun, 'merged_at'),
    },
    incidents: {
      ...packIds(i, incidentRun),
      createdAt: instants(i, incidentRun, 'created_at'),
      closedAt: instants(i, incidentRun, 'closed_at'),
      stateReason,
    },
  };
}

/** The columns that make an event row; updated_at is bookkeeping. */
const EVENT_COLUMNS: Record<EventKind, string[]> = {
  deployments: ['environment', 'state', 'sha', 'created_at'],
  changes: ['created_at', 'first_commit_at', 'merged_at'],
  incidents: ['created_at', 'closed_at', 'state_reason'],
};

/** A column value as stored, comparable across databases (pg returns bigint as a string). */
function comparable(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * Upserts a service's events by (entity ref, node id), skipping rows that are stored already
 * as they are; the number of rows inserted or changed.
 */
async function writeEvents(
  tx: Knex.Transaction,
  entityRef: string,
  events: Partial<ServiceEvents>,
): Promise<number> {
  const now = tx.fn.now();
  const rows: Record<EventKind, Record<string, unknown>[]> = {
    deployments: (events.deployments ?? []).map(d => ({
      entity_ref: entityRef,
      id: d.id,
      environment: d.environment,
      state: d.state,
      sha: d.sha ?? null,
      created_at: d.createdAt,
    })),
    changes: (events.changes ?? []).map(c => ({
      entity_ref: entityRef,
      id: c.id,
      created_at: c.createdAt,
      first_commit_at: c.firstCommitAt ?? null,
      merged_at: c.mergedAt,
    })),
    incidents: (events.incidents ?? []).map(i => ({
      entity_ref: entityRef,
      id: i.id,
      created_at: i.createdAt,
      closed_at: i.closedAt ?? null,
      state_reason: i.stateReason ?? null,
    })),
  };
  let written = 0;
  for (const kind of Object.keys(rows) as EventKind[]) {
    const columns = EVENT_COLUMNS[kind];
    for (let i = 0; i < rows[kind].length; i += CHUNK_SIZE) {
      const chunk = rows[kind].slice(i, i + CHUNK_SIZE);
      const stored = new Map<string, string>(
        (
          await tx(`dora_${kind}`)
            .where({ entity_ref: entityRef })
            .whereIn(
              'id',
              chunk.map(r => r.id as string),
            )
            .select(['id', ...columns])
        ).map(r => [r.id, columns.map(c => comparable(r[c])).join('\n')]),
      );
      const changed = chunk.filter(
        r =>
          stored.get(r.id as string) !==
          columns.map(c => comparable(r[c])).join('\n'),
      );
      if (changed.length > 0) {
        await tx(`dora_${kind}`)
          .insert(changed.map(r => ({ ...r, updated_at: now })))
          .onConflict(['entity_ref', 'id'])
          .merge();
        written += changed.length;
      }
    }
  }
  return written;
}

function syncStateValues(
  db: Knex,
  update: SyncStateUpdate,
): Record<string, unknown> {
  const values: Record<string, unknown> = { updated_at: db.fn.now() };
  if (update.cursors !== undefined) {
    values.cursors =
      update.cursors === null ? null : JSON.stringify(update.cursors);
  }
  for (const [kind, flag] of Object.entries(update.incomplete ?? {})) {
    values[`${kind}_incomplete`] = flag;
  }
  if (update.lastSyncedAt !== undefined) {
    values.last_synced_at = update.lastSyncedAt;
  }
  if (update.lastError !== undefined) {
    values.last_error = update.lastError;
  }
  if (update.lastErrorAt !== undefined) {
    values.last_error_at = update.lastErrorAt;
  }
  return values;
}

function toSyncState(row: Record<string, any>): SyncState {
  return {
    entityRef: row.entity_ref,
    host: row.host,
    repository: row.repository,
    cursors: row.cursors ? JSON.parse(row.cursors) : null,
    incomplete: {
      deployments: Boolean(row.deployments_incomplete),
      changes: Boolean(row.changes_incomplete),
      incidents: Boolean(row.incidents_incomplete),
    },
    lastSyncedAt: toDate(row.last_synced_at),
    lastError: row.last_error ?? null,
    lastErrorAt: toDate(row.last_error_at),
  };
}
