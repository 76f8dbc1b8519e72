import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { doraCore } from '../core';
import { DoraMetricsStore, emptyEventColumns } from './DoraMetricsStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const SERVICE = 'component:default/payments';
const OTHER = 'component:default/search';

const at = (iso: string) => Date.parse(iso);
const utf8 = (text: string) => new TextEncoder().encode(text);
const NO_STRING = 0xffffffff;

async function createStore(databaseId: TestDatabaseId, skip = false) {
  const knex = await databases.init(databaseId);
  const store = await DoraMetricsStore.create({
    database: { getClient: async () => knex, migrations: { skip } },
  });
  return { knex, store };
}

describe.each(databases.eachSupportedId())(
  'DoraMetricsStore (%s)',
  databaseId => {
    let knex: Knex;
    let store: DoraMetricsStore;

    beforeAll(async () => {
      ({ knex, store } = await createStore(databaseId));
    });

    afterEach(async () => {
      for (const table of [
        'dora_deployments',
        'dora_changes',
        'dora_incidents',
        'dora_daily_metrics',
        'dora_targets',
        'dora_sync_state',
      ]) {
        await knex(table).delete();
      }
    });

    it('creates the seed tables with their columns and the added ones', async () => {
      const columns = {
        dora_daily_metrics: [
          'id',
          'entity_ref',
          'date',
          'deployment_count',
          'deployment_failure_count',
          'lead_time_avg_seconds',
          'mttr_avg_seconds',
          'updated_at',
          'lead_time_count',
          'mttr_count',
        ],
        dora_targets: [
          'entity_ref',
          'target_freq',
          'target_lead',
          'target_fail',
          'target_mttr',
          'updated_at',
        ],
        dora_deployments: [
          'id',
          'entity_ref',
          'environment',
          'state',
          'sha',
          'created_at',
          'updated_at',
        ],
        dora_changes: [
          'id',
          'entity_ref',
          'created_at',
          'first_commit_at',
          'merged_at',
          'updated_at',
        ],
        dora_incidents: [
          'id',
          'entity_ref',
          'created_at',
          'closed_at',
          'state_reason',
          'updated_at',
        ],
        dora_sync_state: [
          'entity_ref',
          'repository',
          'cursors',
          'last_synced_at',
          'last_error',
        ],
      };
      for (const [table, names] of Object.entries(columns)) {
        for (const name of names) {
          expect([
            table,
            name,
            await knex.schema.hasColumn(table, name),
          ]).toEqual([table, name, true]);
        }
      }
    });

    it('keeps one daily row per service and date', async () => {
      const row = {
        entity_ref: SERVICE,
        date: '2026-11-01',
        deployment_count: 1,
      };
      await knex('dora_daily_metrics').insert(row);
      // Not toThrow(): better-sqlite3's errors may come from another test file's realm.
      await expect(
        knex('dora_daily_metrics').insert(row),
      ).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/UNIQUE constraint failed|duplicate key/),
      );
      await knex('dora_daily_metrics').insert({ ...row, entity_ref: OTHER });
      expect(await knex('dora_daily_metrics').count({ n: '*' })).toEqual([
        { n: databaseId === 'POSTGRES_15' ? '2' : 2 },
      ]);
    });

    it('upserts events by node id and reads them back per service, oldest first', async () => {
      await store.upsertEvents(SERVICE, {
        deployments: [
          {
            id: 'D2',
            environment: 'prod',
            state: 'PENDING',
            sha: 'b',
            createdAt: at('2026-11-02T10:00:00Z'),
          },
          {
            id: 'D1',
            environment: 'prod',
            state: 'SUCCESS',
            sha: 'a',
            createdAt: at('2026-11-01T10:00:00Z'),
          },
        ],
        changes: [
          {
            id: 'C1',
            createdAt: at('2026-10-31T08:00:00Z'),
            firstCommitAt: null,
            mergedAt: at('2026-11-01T09:00:00Z'),
          },
        ],
        incidents: [
          {
            id: 'I1',
            createdAt: at('2026-11-01T12:00:00Z'),
            closedAt: null,
            stateReason: null,
          },
        ],
      });
      await store.upsertEvents(OTHER, {
        deployments: [
          {
            id: 'D9',
            environment: 'prod',
            state: 'SUCCESS',
            sha: null,
            createdAt: at('2026-11-01T00:00:00Z'),
          },
        ],
      });
      // A re-sync: the pending deployment completed, the incident closed.
      await store.upsertEvents(SERVICE, {
        deployments: [
          {
            id: 'D2',
            environment: 'prod',
            state: 'FAILURE',
            sha: 'b',
            createdAt: at('2026-11-02T10:00:00Z'),
          },
        ],
        incidents: [
          {
            id: 'I1',
            createdAt: at('2026-11-01T12:00:00Z'),
            closedAt: at('2026-11-01T13:30:00Z'),
            stateReason: 'COMPLETED',
          },
        ],
      });

      expect(await store.readEvents(SERVICE)).toEqual({
        deployments: [
          {
            id: 'D1',
            environment: 'prod',
            state: 'SUCCESS',
            sha: 'a',
            createdAt: at('2026-11-01T10:00:00Z'),
          },
          {
            id: 'D2',
            environment: 'prod',
            state: 'FAILURE',
            sha: 'b',
            createdAt: at('2026-11-02T10:00:00Z'),
          },
        ],
        changes: [
          {
            id: 'C1',
            createdAt: at('2026-10-31T08:00:00Z'),
            firstCommitAt: null,
            mergedAt: at('2026-11-01T09:00:00Z'),
          },
        ],
        incidents: [
          {
            id: 'I1',
            createdAt: at('2026-11-01T12:00:00Z'),
            closedAt: at('2026-11-01T13:30:00Z'),
            stateReason: 'COMPLETED',
          },
        ],
      });
      expect(
        (await store.readEvents(OTHER)).deployments.map(d => d.id),
      ).toEqual(['D9']);
      expect(await knex('dora_deployments').count({ n: '*' })).toEqual([
        { n: databaseId === 'POSTGRES_15' ? '3' : 3 },
      ]);
    });

    it('keeps one copy of an event per service: two services on one repository', async () => {
      const deployment = {
        id: 'DE_shared',
        environment: 'production',
        state: 'PENDING',
        sha: 'abc',
        createdAt: at('2026-11-02T10:00:00Z'),
      };
      expect(
        await store.upsertEvents(SERVICE, { deployments: [deployment] }),
      ).toBe(1);
      expect(
        await store.upsertEvents(OTHER, { deployments: [deployment] }),
      ).toBe(1);
      // Unchanged rows are not written again; a changed one is.
      expect(
        await store.upsertEvents(SERVICE, { deployments: [deployment] }),
      ).toBe(0);
      expect(
        await store.upsertEvents(SERVICE, {
          deployments: [{ ...deployment, state: 'SUCCESS' }],
        }),
      ).toBe(1);
      expect((await store.readEvents(SERVICE)).deployments).toEqual([
        { ...deployment, state: 'SUCCESS' },
      ]);
      expect((await store.readEvents(OTHER)).deployments).toEqual([deployment]);
      expect(
        await store.unsettledDeployments(
          [SERVICE, OTHER],
          ['SUCCESS', 'ACTIVE', 'INACTIVE', 'FAILURE', 'ERROR'],
        ),
      ).toEqual([{ entityRef: OTHER, id: 'DE_shared' }]);
    });

    it('commits events, removals and the sync state together', async () => {
      await store.recordServices([
        { entityRef: SERVICE, host: 'github.com', repository: 'acme/payments' },
      ]);
      await store.upsertEvents(SERVICE, {
        incidents: [
          {
            id: 'I1',
            createdAt: at('2026-11-01T12:00:00Z'),
            closedAt: null,
            stateReason: null,
          },
        ],
      });
      const written = await store.commitCollected(SERVICE, {
        upsert: {
          changes: [
            {
              id: 'C1',
              createdAt: at('2026-10-31T08:00:00Z'),
              firstCommitAt: at('2026-10-30T08:00:00Z'),
              mergedAt: at('2026-11-01T09:00:00Z'),
            },
          ],
        },
        remove: { incidents: ['I1', 'I-unknown'] },
        sync: {
          cursors: { changes: at('2026-11-01T09:00:00Z') },
          incomplete: { deployments: true },
        },
      });
      expect(written).toBe(2);
      const events = await store.readEvents(SERVICE);
      expect(events.changes.map(c => c.id)).toEqual(['C1']);
      expect(events.incidents).toEqual([]);
      expect(await store.getSyncState(SERVICE)).toMatchObject({
        cursors: { changes: at('2026-11-01T09:00:00Z') },
        incomplete: { deployments: true, changes: false, incidents: false },
      });

      // All or nothing: a failing write leaves neither the events nor the cursor.
      await expect(
        store.commitCollected(SERVICE, {
          upsert: {
            changes: [
              {
                id: 'C2',
                createdAt: at('2026-11-02T08:00:00Z'),
                firstCommitAt: null,
                mergedAt: null as unknown as number,
              },
            ],
          },
          sync: { cursors: { changes: at('2026-11-03T00:00:00Z') } },
        }),
      ).rejects.toBeDefined();
      expect((await store.readEvents(SERVICE)).changes.map(c => c.id)).toEqual([
        'C1',
      ]);
      expect((await store.getSyncState(SERVICE))?.cursors).toEqual({
        changes: at('2026-11-01T09:00:00Z'),
      });
    });

    it('forgets the events of a service whose repository changed', async () => {
      await store.recordServices([
        { entityRef: SERVICE, host: 'github.com', repository: 'acme/payments' },
      ]);
      await store.upsertEvents(SERVICE, {
        deployments: [
          {
            id: 'D1',
            environment: 'prod',
            state: 'SUCCESS',
            sha: null,
            createdAt: at('2026-11-01T10:00:00Z'),
          },
        ],
      });
      await store.recordServices([
        { entityRef: SERVICE, host: 'github.com', repository: 'acme/payments' },
      ]);
      expect((await store.readEvents(SERVICE)).deployments).toHaveLength(1);
      await store.recordServices([
        { entityRef: SERVICE, host: 'github.com', repository: 'acme/billing' },
      ]);
      expect((await store.readEvents(SERVICE)).deployments).toEqual([]);
    });

    it('keeps instants beyond 32 bits exact', async () => {
      const createdAt = at('2999-12-31T23:59:59.999Z');
      await store.upsertEvents(SERVICE, {
        changes: [
          {
            id: 'C1',
            createdAt,
            firstCommitAt: createdAt - 1,
            mergedAt: createdAt,
          },
        ],
      });
      expect((await store.readEvents(SERVICE)).changes).toEqual([
        {
          id: 'C1',
          createdAt,
          firstCommitAt: createdAt - 1,
          mergedAt: createdAt,
        },
      ]);
    });

    it('reads a window of events of some kinds', async () => {
      await store.upsertEvents(SERVICE, {
        deployments: [
          {
            id: 'D-before',
            environment: 'prod',
            state: 'SUCCESS',
            sha: null,
            createdAt: at('2026-10-31T23:59:59.999Z'),
          },
          {
            id: 'D-in',
            environment: 'prod',
            state: 'SUCCESS',
            sha: null,
            createdAt: at('2026-11-01T00:00:00Z'),
          },
        ],
        changes: [
          {
            id: 'C-merged-in',
            createdAt: at('2026-10-01T00:00:00Z'),
            firstCommitAt: null,
            mergedAt: at('2026-11-02T00:00:00Z'),
          },
          {
            id: 'C-merged-after',
            createdAt: at('2026-11-02T00:00:00Z'),
            firstCommitAt: null,
            mergedAt: at('2026-11-04T00:00:00Z'),
          },
        ],
        incidents: [
          {
            id: 'I-closed-in',
            createdAt: at('2026-10-01T00:00:00Z'),
            closedAt: at('2026-11-01T01:00:00Z'),
            stateReason: null,
          },
          {
            id: 'I-opened-in',
            createdAt: at('2026-11-03T00:00:00Z'),
            closedAt: null,
            stateReason: null,
          },
          {
            id: 'I-outside',
            createdAt: at('2026-10-01T00:00:00Z'),
            closedAt: at('2026-10-02T00:00:00Z'),
            stateReason: null,
          },
        ],
      });
      const window = {
        from: at('2026-11-01T00:00:00Z'),
        to: at('2026-11-03T23:59:59.999Z'),
      };
      const all = await store.readEvents(SERVICE, { window });
      expect(all.deployments.map(e => e.id)).toEqual(['D-in']);
      expect(all.changes.map(e => e.id)).toEqual(['C-merged-in']);
      expect(all.incidents.map(e => e.id)).toEqual([
        'I-closed-in',
        'I-opened-in',
      ]);
      const some = await store.readEvents(SERVICE, {
        window,
        kinds: ['incidents'],
      });
      expect(some.deployments).toEqual([]);
      expect(some.changes).toEqual([]);
      expect(some.incidents).toHaveLength(2);
    });

    describe('columnar reads', () => {
      const QUIET = 'component:default/quiet';

      beforeEach(async () => {
        await store.recordServices([
          {
            entityRef: SERVICE,
            host: 'github.com',
            repository: 'acme/payments',
          },
          { entityRef: OTHER, host: 'github.com', repository: 'acme/search' },
          { entityRef: QUIET, host: 'github.com', repository: 'acme/quiet' },
        ]);
        await store.upsertEvents(SERVICE, {
          deployments: [
            {
              id: 'D-c-é',
              environment: 'production',
              state: 'SUCCESS',
              sha: 'c',
              createdAt: at('2026-11-02T10:00:00Z'),
            },
            {
              id: 'D-b',
              environment: 'prod',
              state: 'FAILURE',
              sha: 'b',
              createdAt: at('2026-11-01T10:00:00Z'),
            },
            {
              id: 'D-a',
              environment: 'prod',
              state: 'SUCCESS',
              sha: null,
              createdAt: at('2026-11-03T10:00:00Z'),
            },
          ],
          changes: [
            {
              id: 'C-2',
              createdAt: at('2026-11-01T08:00:00Z'),
              firstCommitAt: at('2026-10-30T08:00:00Z'),
              mergedAt: at('2026-11-02T09:00:00Z'),
            },
            {
              id: 'C-1-😀',
              createdAt: at('2026-10-31T08:00:00Z'),
              firstCommitAt: null,
              mergedAt: at('2026-11-01T09:00:00Z'),
            },
          ],
          incidents: [
            {
              id: 'I-3',
              createdAt: at('2026-11-03T12:00:00Z'),
              closedAt: at('2026-11-04T00:00:00Z'),
              stateReason: 'NOT_PLANNED',
            },
            {
              id: 'I-1-日本',
              createdAt: at('2026-11-01T12:00:00Z'),
              closedAt: at('2026-11-01T13:30:00Z'),
              stateReason: 'COMPLETED',
            },
            {
              id: 'I-2',
              createdAt: at('2026-11-02T12:00:00Z'),
              closedAt: null,
              stateReason: null,
            },
          ],
        });
        await store.upsertEvents(OTHER, {
          changes: [
            {
              id: 'C-x',
              createdAt: at('2026-11-05T08:00:00Z'),
              firstCommitAt: null,
              mergedAt: at('2026-11-05T09:00:00Z'),
            },
          ],
        });
      });

      // In key order (node id), whatever the times; one dictionary of the service's
      // environments, states and state reasons, in order of first use.
      // (The ids order alike in any collation: they differ first in an ASCII letter or digit.)
      const serviceColumns = {
        strings: [
          'prod',
          'SUCCESS',
          'FAILURE',
          'production',
          'COMPLETED',
          'NOT_PLANNED',
        ],
        deployments: {
          ids: utf8('D-aD-bD-c-é'),
          idEnd: new Uint32Array([3, 6, 12]),
          environment: new Uint32Array([0, 0, 3]),
          state: new Uint32Array([1, 2, 1]),
          createdAt: new Float64Array([
            at('2026-11-03T10:00:00Z'),
            at('2026-11-01T10:00:00Z'),
            at('2026-11-02T10:00:00Z'),
          ]),
        },
        changes: {
          ids: utf8('C-1-😀C-2'),
          idEnd: new Uint32Array([8, 11]),
          createdAt: new Float64Array([
            at('2026-10-31T08:00:00Z'),
            at('2026-11-01T08:00:00Z'),
          ]),
          firstCommitAt: new Float64Array([NaN, at('2026-10-30T08:00:00Z')]),
          mergedAt: new Float64Array([
            at('2026-11-01T09:00:00Z'),
            at('2026-11-02T09:00:00Z'),
          ]),
        },
        incidents: {
          ids: utf8('I-1-日本I-2I-3'),
          idEnd: new Uint32Array([10, 13, 16]),
          createdAt: new Float64Array([
            at('2026-11-01T12:00:00Z'),
            at('2026-11-02T12:00:00Z'),
            at('2026-11-03T12:00:00Z'),
          ]),
          closedAt: new Float64Array([
            at('2026-11-01T13:30:00Z'),
            NaN,
            at('2026-11-04T00:00:00Z'),
          ]),
          stateReason: new Uint32Array([4, NO_STRING, 5]),
        },
      };
      const otherColumns = {
        strings: [],
        deployments: {
          ids: new Uint8Array(),
          idEnd: new Uint32Array(),
          environment: new Uint32Array(),
          state: new Uint32Array(),
          createdAt: new Float64Array(),
        },
        changes: {
          ids: utf8('C-x'),
          idEnd: new Uint32Array([3]),
          createdAt: new Float64Array([at('2026-11-05T08:00:00Z')]),
          firstCommitAt: new Float64Array([NaN]),
          mergedAt: new Float64Array([at('2026-11-05T09:00:00Z')]),
        },
        incidents: {
          ids: new Uint8Array(),
          idEnd: new Uint32Array(),
          createdAt: new Float64Array(),
          closedAt: new Float64Array(),
          stateReason: new Uint32Array(),
        },
      };
      const noColumns = {
        ...otherColumns,
        changes: {
          ids: new Uint8Array(),
          idEnd: new Uint32Array(),
          createdAt: new Float64Array(),
          firstCommitAt: new Float64Array(),
          mergedAt: new Float64Array(),
        },
      };

      it("reads one service's events as the core's columns", async () => {
        expect(await store.readEventColumns(SERVICE)).toEqual(serviceColumns);
        expect(await store.readEventColumns(OTHER)).toEqual(otherColumns);
        expect(await store.readEventColumns(QUIET)).toEqual(noColumns);
        expect(emptyEventColumns()).toEqual(noColumns);
      });

      it('reads the columns of every service with events, or of some', async () => {
        const all = await store.readEventColumnsByService();
        expect([...all.keys()].sort()).toEqual([SERVICE, OTHER]);
        expect(all.get(SERVICE)).toEqual(serviceColumns);
        expect(all.get(OTHER)).toEqual(otherColumns);

        const some = await store.readEventColumnsByService([QUIET, SERVICE]);
        expect([...some.keys()]).toEqual([SERVICE]);
        expect(some.get(SERVICE)).toEqual(serviceColumns);
        expect(await store.readEventColumnsByService([])).toEqual(new Map());
      });

      it('gives the core the same scorecard and rollup as the events as objects', async () => {
        const core = doraCore();
        const options = { statistic: 'mean' as const };
        for (const ref of [SERVICE, OTHER, QUIET]) {
          const events = await store.readEvents(ref);
          const columns = await store.readEventColumns(ref);
          for (const days of [1, 7, 30]) {
            const period = { today: '2026-11-05', days };
            expect([
              ref,
              days,
              core.computeScorecardColumns(columns, period, options),
            ]).toEqual([
              ref,
              days,
              core.computeScorecard(events, period, options),
            ]);
          }
          expect(core.aggregateDailyColumns(columns)).toEqual(
            core.aggregateDaily(events),
          );
        }
      });

      it('lists the own targets of every service that has some', async () => {
        expect(await store.listTargets()).toEqual(new Map());
        await store.setTargets(SERVICE, { leadTime: 12.5, mttr: 30 });
        await store.setTargets(QUIET, { changeFailureRate: 0 });
        expect(Object.fromEntries(await store.listTargets())).toEqual({
          [SERVICE]: { leadTime: 12.5, mttr: 30 },
          [QUIET]: { changeFailureRate: 0 },
        });
      });
    });

    it('knows a service from its sync state or its events', async () => {
      expect(await store.hasService(SERVICE)).toBe(false);
      await store.upsertEvents(SERVICE, {
        incidents: [
          { id: 'I1', createdAt: 1, closedAt: null, stateReason: null },
        ],
      });
      expect(await store.hasService(SERVICE)).toBe(true);
      await store.recordServices([
        { entityRef: OTHER, host: 'github.com', repository: 'acme/search' },
      ]);
      expect(await store.hasService(OTHER)).toBe(true);
      expect(await store.hasService('component:default/unknown')).toBe(false);
    });

    it('replaces a service daily rollup', async () => {
      const row = {
        date: '2026-11-01',
        deploymentCount: 2,
        deploymentFailureCount: 1,
        reworkCount: 0,
        leadTimeAvgSeconds: 5400,
        leadTimeCount: 1,
        mttrAvgSeconds: null,
        mttrCount: 0,
      };
      await store.replaceDailyMetrics(SERVICE, [
        row,
        { ...row, date: '2026-11-03' },
      ]);
      await store.replaceDailyMetrics(OTHER, [row]);
      await store.replaceDailyMetrics(SERVICE, [
        { ...row, date: '2026-11-02', mttrAvgSeconds: 60, mttrCount: 1 },
      ]);
      expect(await store.readDailyMetrics(SERVICE)).toEqual([
        { ...row, date: '2026-11-02', mttrAvgSeconds: 60, mttrCount: 1 },
      ]);
      expect(await store.readDailyMetrics(OTHER)).toEqual([row]);
      await store.replaceDailyMetrics(OTHER, []);
      expect(await store.readDailyMetrics(OTHER)).toEqual([]);
    });

    it('sets, merges, reads and deletes targets', async () => {
      expect(await store.getTargets(SERVICE)).toEqual({});
      await store.setTargets(SERVICE, { leadTime: 12.5, changeFailureRate: 0 });
      await store.setTargets(SERVICE, { mttr: 0.1, leadTime: 48 });
      expect(await store.getTargets(SERVICE)).toEqual({
        leadTime: 48,
        changeFailureRate: 0,
        mttr: 0.1,
      });
      expect(await store.getTargets(OTHER)).toEqual({});
      expect(await store.deleteTargets(SERVICE)).toBe(true);
      expect(await store.deleteTargets(SERVICE)).toBe(false);
      expect(await store.getTargets(SERVICE)).toEqual({});
    });

    it('records services and their sync state', async () => {
      await store.recordServices([
        { entityRef: SERVICE, host: 'github.com', repository: 'acme/payments' },
        { entityRef: OTHER, host: 'github.com', repository: 'acme/search' },
      ]);
      const syncedAt = new Date('2026-11-28T06:30:00.123Z');
      await store.updateSyncState(SERVICE, {
        cursors: { deployments: 'abc' },
        incomplete: { changes: true },
        lastSyncedAt: syncedAt,
      });
      await store.updateSyncState(OTHER, {
        cursors: { issues: 'x' },
        lastError: 'rate limited',
        lastErrorAt: syncedAt,
      });
      // Rediscovery: the same repository keeps its state; a moved one starts over.
      await store.recordServices([
        { entityRef: SERVICE, host: 'github.com', repository: 'acme/payments' },
        {
          entityRef: OTHER,
          host: 'ghe.example.com',
          repository: 'acme/search2',
        },
      ]);

      expect(await store.listSyncStates()).toEqual([
        {
          entityRef: SERVICE,
          host: 'github.com',
          repository: 'acme/payments',
          cursors: { deployments: 'abc' },
          incomplete: { deployments: false, changes: true, incidents: false },
          lastSyncedAt: syncedAt,
          lastError: null,
          lastErrorAt: null,
        },
        {
          entityRef: OTHER,
          host: 'ghe.example.com',
          repository: 'acme/search2',
          cursors: null,
          incomplete: { deployments: false, changes: false, incidents: false },
          lastSyncedAt: null,
          lastError: 'rate limited',
          lastErrorAt: syncedAt,
        },
      ]);
      expect((await store.getSyncState(SERVICE))?.lastSyncedAt).toEqual(
        syncedAt,
      );
      expect(
        await store.getSyncState('component:default/unknown'),
      ).toBeUndefined();
    });

    it('leaves the schema alone when migrations are skipped', async () => {
      const { knex: fresh } = await createStore(databaseId, true);
      expect(await fresh.schema.hasTable('dora_daily_metrics')).toBe(false);
      await fresh.destroy();
    });
  },
);
