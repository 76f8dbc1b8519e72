import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { readDoraMetricsConfig } from '../config';
import { DoraMetricsStore } from '../database/DoraMetricsStore';
import { DoraCollector, EventCollector } from './DoraCollector';
import { PAYMENTS_EVENTS, TODAY } from './__fixtures__/events';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function entity(
  name: string,
  annotations: Record<string, string>,
  kind = 'Component',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, annotations },
    spec: { type: 'service', owner: 'team-a' },
  };
}

const ENTITIES = [
  entity('payments', { 'github.com/project-slug': 'acme/payments' }),
  entity('web', {
    'backstage.io/source-location':
      'url:https://github.com/Acme/web/tree/main/',
  }),
  entity('legacy', { 'github.com/project-slug': 'acme/legacy' }),
  entity('elsewhere', { 'github.com/project-slug': 'someone/elsewhere' }),
  entity('docs', {}),
  entity('api', { 'github.com/project-slug': 'acme/api' }, 'API'),
  entity('gitlab', {
    'backstage.io/source-location': 'url:https://gitlab.com/acme/gitlab',
  }),
];

describe('DoraCollector', () => {
  let knex: Knex;
  let store: DoraMetricsStore;
  const config = readDoraMetricsConfig(
    new ConfigReader({
      doraMetrics: {
        github: { organizations: ['ACME'], token: 'ghp_s3cret' },
        collection: { excludeServices: ['legacy'] },
      },
    }),
  );

  const collector = (options: {
    entities?: Entity[];
    eventCollector?: EventCollector;
  }) =>
    new DoraCollector({
      catalog: catalogServiceMock({ entities: options.entities ?? ENTITIES }),
      auth: mockServices.auth(),
      store,
      config,
      logger: mockServices.logger.mock(),
      eventCollector: options.eventCollector,
      now: () => TODAY,
    });

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    store = await DoraMetricsStore.create({
      database: { getClient: async () => knex },
    });
  });

  afterEach(async () => {
    for (const table of [
      'dora_sync_state',
      'dora_deployments',
      'dora_changes',
      'dora_incidents',
      'dora_daily_metrics',
    ]) {
      await knex(table).delete();
    }
  });

  it('records the selected services of the catalog', async () => {
    const result = await collector({}).run();
    expect(result).toMatchObject({ services: 2, failed: 0 });
    expect(
      (await store.listSyncStates()).map(s => [
        s.entityRef,
        s.host,
        s.repository,
        s.lastSyncedAt,
      ]),
    ).toEqual([
      ['component:default/payments', 'github.com', 'acme/payments', null],
      ['component:default/web', 'github.com', 'Acme/web', null],
    ]);
  });

  it('recomputes the daily rollup from the stored events', async () => {
    await store.upsertEvents('component:default/payments', PAYMENTS_EVENTS);
    await collector({}).run();
    const day = {
      deploymentCount: 0,
      deploymentFailureCount: 0,
      reworkCount: 0,
      leadTimeAvgSeconds: null,
      leadTimeCount: 0,
      mttrAvgSeconds: null,
      mttrCount: 0,
    };
    // By hand from METRICS.md: see __fixtures__/events.ts for who failed and why.
    expect(await store.readDailyMetrics('component:default/payments')).toEqual([
      {
        ...day,
        date: '2026-11-16',
        deploymentCount: 1,
        deploymentFailureCount: 1,
        leadTimeAvgSeconds: 49 * 3600,
        leadTimeCount: 1,
      },
      { ...day, date: '2026-11-17', mttrAvgSeconds: 180 * 60, mttrCount: 1 },
      {
        ...day,
        date: '2026-11-18',
        deploymentCount: 1,
        deploymentFailureCount: 1,
      },
      {
        ...day,
        date: '2026-11-22',
        deploymentCount: 1,
        leadTimeAvgSeconds: 52 * 3600,
        leadTimeCount: 1,
      },
      {
        ...day,
        date: '2026-11-24',
        deploymentCount: 2,
        deploymentFailureCount: 2,
        leadTimeAvgSeconds: 25 * 3600,
        leadTimeCount: 1,
        mttrAvgSeconds: 120 * 60,
        mttrCount: 1,
      },
      // mean of 960 and 30 minutes
      {
        ...day,
        date: '2026-11-26',
        deploymentCount: 1,
        deploymentFailureCount: 1,
        reworkCount: 1,
        leadTimeAvgSeconds: 51 * 3600,
        leadTimeCount: 1,
        mttrAvgSeconds: 495 * 60,
        mttrCount: 2,
      },
    ]);
    expect(await store.readDailyMetrics('component:default/web')).toEqual([]);
  });

  it('runs a plugged-in event collector over all services and records the outcomes', async () => {
    const eventCollector: EventCollector = {
      collect: jest.fn(async targets => ({
        services: await Promise.all(
          targets.map(async ({ service }) =>
            service.repo === 'web'
              ? {
                  entityRef: service.entityRef,
                  error: 'GitHub said 401 for token ghp_s3cret',
                  eventsStored: 0,
                }
              : {
                  entityRef: service.entityRef,
                  eventsStored: await store.upsertEvents(
                    service.entityRef,
                    PAYMENTS_EVENTS,
                  ),
                },
          ),
        ),
        requests: 3,
        points: 2,
      })),
    };
    const logger = mockServices.logger.mock();
    const result = await new DoraCollector({
      catalog: catalogServiceMock({ entities: ENTITIES }),
      auth: mockServices.auth(),
      store,
      config,
      logger,
      eventCollector,
      now: () => TODAY,
    }).run();
    expect(result).toMatchObject({
      services: 2,
      failed: 1,
      requests: 3,
      points: 2,
    });
    expect(result.eventsStored).toBeGreaterThan(0);
    expect(eventCollector.collect).toHaveBeenCalledTimes(1);
    expect(eventCollector.collect).toHaveBeenCalledWith(
      [
        {
          service: {
            entityRef: 'component:default/payments',
            owner: 'acme',
            repo: 'payments',
            host: 'github.com',
          },
          state: expect.objectContaining({
            entityRef: 'component:default/payments',
            repository: 'acme/payments',
          }),
        },
        expect.objectContaining({
          service: expect.objectContaining({ repo: 'web' }),
        }),
      ],
      { signal: undefined, now: TODAY },
    );
    const [payments, web] = await store.listSyncStates();
    expect(payments).toMatchObject({ lastSyncedAt: TODAY, lastError: null });
    expect(web).toMatchObject({
      lastSyncedAt: null,
      lastError: 'GitHub said 401 for token [REDACTED]',
      lastErrorAt: TODAY,
    });
    expect(
      await store.readDailyMetrics('component:default/payments'),
    ).toHaveLength(6);
    // One line per run, with the counts.
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /2 services, 1 failed, \d+ events stored, 3 GitHub requests, 2 GraphQL points, \d+ ms/,
      ),
    );
  });

  it('fails every service when the event collector throws', async () => {
    const eventCollector: EventCollector = {
      collect: async () => {
        throw new Error('no credentials');
      },
    };
    const result = await collector({ eventCollector }).run();
    expect(result).toMatchObject({ services: 2, failed: 2 });
    expect(
      (await store.listSyncStates()).map(s => [s.lastError, s.lastSyncedAt]),
    ).toEqual([
      ['no credentials', null],
      ['no credentials', null],
    ]);
  });

  it('retries a run that found no service', async () => {
    const catalog = catalogServiceMock.mock();
    // What the catalog holds at each call: still loading, then loaded.
    const answers = [[], ENTITIES];
    let calls = 0;
    catalog.streamEntities.mockImplementation(async function* stream() {
      yield answers[Math.min(calls++, answers.length - 1)];
    });
    const retrying = new DoraCollector({
      catalog,
      auth: mockServices.auth(),
      store,
      config,
      logger: mockServices.logger.mock(),
    });
    const result = await retrying.runWithRetries({
      retries: 3,
      retryDelayMs: 0,
    });
    expect(result.services).toBe(2);
    expect(calls).toBe(2);

    // Shutting down: no retry.
    calls = 0;
    const aborted = new AbortController();
    aborted.abort();
    const none = await retrying.runWithRetries({
      retries: 3,
      retryDelayMs: 0,
      signal: aborted.signal,
    });
    expect(none.services).toBe(0);
    expect(calls).toBe(1);

    // A catalog that stays empty: the retries run out.
    answers[1] = [];
    calls = 0;
    expect(
      (await retrying.runWithRetries({ retries: 3, retryDelayMs: 0 })).services,
    ).toBe(0);
    expect(calls).toBe(4);
  });
});
