import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { PermissionsService } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ConflictError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import { Knex } from 'knex';
import request from 'supertest';
import { readDoraMetricsConfig } from '../config';
import { DoraMetricsStore } from '../database/DoraMetricsStore';
import { DoraMetricsService } from './DoraMetricsService';
import { createRouter } from './router';
import {
  oneGoodDeployment,
  PAYMENTS_EVENTS,
  PAYMENTS_SCORECARD_7_DAYS,
  TODAY,
} from './__fixtures__/events';

jest.setTimeout(120_000);

const TASK_ID = 'dora-metrics-collection';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function component(name: string, owner?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'github.com/project-slug': `acme/${name}` },
    },
    spec: { type: 'service', owner: owner ?? 'unowned' },
    relations: owner
      ? [{ type: 'ownedBy', targetRef: `group:default/${owner}` }]
      : [],
  };
}

const TABLES = [
  'dora_deployments',
  'dora_changes',
  'dora_incidents',
  'dora_daily_metrics',
  'dora_targets',
  'dora_sync_state',
];

describe('createRouter', () => {
  let knex: Knex;
  let store: DoraMetricsStore;
  let service: DoraMetricsService;
  const scheduler = mockServices.scheduler.mock();

  async function makeApp(permissions: PermissionsService) {
    const router = await createRouter({
      service,
      httpAuth: mockServices.httpAuth(),
      permissions,
      scheduler,
      logger: mockServices.logger.mock(),
      collectionTaskId: TASK_ID,
    });
    const errorHandler = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.rootLogger(),
    }).error();
    return express().use(router).use(errorHandler);
  }

  let app: express.Express;
  let deniedApp: express.Express;

  /** Every row of every table: what a rejected request must leave as it was. */
  async function snapshot() {
    const tables: Record<string, unknown[]> = {};
    for (const table of TABLES) {
      tables[table] = await knex(table)
        .select()
        .orderBy(table === 'dora_daily_metrics' ? 'id' : 'entity_ref');
    }
    return tables;
  }

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    store = await DoraMetricsStore.create({
      database: { getClient: async () => knex },
    });
    const config = readDoraMetricsConfig(
      new ConfigReader({
        doraMetrics: { github: { organizations: ['acme'] } },
      }),
    );
    service = new DoraMetricsService({
      store,
      config,
      catalog: catalogServiceMock({
        entities: [
          component('payments', 'team-a'),
          component('web', 'team-a'),
          component('checkout', 'team-b'),
          component('search'),
          component('newcomer'),
        ],
      }),
      now: () => TODAY,
    });
    await store.recordServices(
      ['payments', 'web', 'checkout', 'search'].map(name => ({
        entityRef: `component:default/${name}`,
        host: 'github.com',
        repository: `acme/${name}`,
      })),
    );
    await store.upsertEvents('component:default/payments', PAYMENTS_EVENTS);
    await store.upsertEvents('component:default/web', oneGoodDeployment('W1'));
    await store.upsertEvents(
      'component:default/checkout',
      oneGoodDeployment('K1'),
    );
    await store.updateSyncState('component:default/payments', {
      lastSyncedAt: new Date('2026-11-28T06:30:00.000Z'),
    });
    await store.updateSyncState('component:default/search', {
      lastError: 'GitHub answered 502',
    });
    app = await makeApp(mockServices.permissions());
    deniedApp = await makeApp(
      mockServices.permissions({ result: AuthorizeResult.DENY }),
    );
  });

  afterEach(async () => {
    jest.resetAllMocks();
    await knex('dora_targets').delete();
  });

  describe('GET /scorecard/:service', () => {
    it('computes the scorecard of the stored events', async () => {
      const res = await request(app).get('/scorecard/payments?days=7');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(PAYMENTS_SCORECARD_7_DAYS);
    });

    it('takes a URL-encoded full entity ref', async () => {
      const res = await request(app).get(
        `/scorecard/${encodeURIComponent('Component:default/Payments')}?days=7`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual(PAYMENTS_SCORECARD_7_DAYS);
    });

    it('defaults to 30 days, and says "1 day" for one', async () => {
      const thirty = await request(app).get('/scorecard/payments');
      expect(thirty.status).toBe(200);
      expect(thirty.body).toMatchObject({
        period: '30 days',
        from: '2026-10-30',
        to: '2026-11-28',
      });
      expect(thirty.body.metrics.deploymentFrequency.history).toHaveLength(30);
      // 6 completed deployments in 30 days (D1..D6 but D7 pending, D8 staging) = 1.4 per week
      expect(thirty.body.metrics.deploymentFrequency.current).toBe(1.4);

      const one = await request(app).get('/scorecard/payments?days=1');
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        period: '1 day',
        from: '2026-11-28',
        to: '2026-11-28',
      });
      expect(one.body.metrics.deploymentFrequency.history).toEqual([0]);
    });

    it('serves a catalog service with no data yet', async () => {
      const res = await request(app).get('/scorecard/newcomer?days=7');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        service: 'component:default/newcomer',
        overallScore: null,
        overallTier: null,
        lastSyncedAt: null,
      });
      expect(res.body.metrics.deploymentFrequency.current).toBeNull();
    });

    it('uses the service targets over the defaults', async () => {
      await store.setTargets('component:default/payments', { leadTime: 60 });
      const res = await request(app).get('/scorecard/payments?days=7');
      expect(res.body.metrics.leadTime).toMatchObject({
        target: 60,
        meetsTarget: true,
      });
      expect(res.body.metrics.mttr).toMatchObject({
        target: 60,
        meetsTarget: false,
      });
    });
  });

  describe('GET /scorecards', () => {
    it('sorts by overall score, no score last, ties by entity ref', async () => {
      const res = await request(app).get('/scorecards?days=7');
      expect(res.status).toBe(200);
      expect(
        res.body.scorecards.map((s: any) => [
          s.service,
          s.overallScore,
          s.overallTier,
        ]),
      ).toEqual([
        ['component:default/checkout', 75, 'Elite'],
        ['component:default/web', 75, 'Elite'],
        ['component:default/payments', 53, 'High'],
        ['component:default/search', null, null],
      ]);
      expect(res.body.scorecards[2]).toEqual(PAYMENTS_SCORECARD_7_DAYS);
    });

    it('filters by owner', async () => {
      const res = await request(app).get('/scorecards?days=7&owner=team-a');
      expect(res.status).toBe(200);
      expect(res.body.scorecards.map((s: any) => s.service)).toEqual([
        'component:default/web',
        'component:default/payments',
      ]);
      const byRef = await request(app).get(
        `/scorecards?owner=${encodeURIComponent('group:default/team-b')}`,
      );
      expect(byRef.body.scorecards.map((s: any) => s.service)).toEqual([
        'component:default/checkout',
      ]);
    });
  });

  describe('targets', () => {
    it('reads the defaults, sets some, merges, and deletes', async () => {
      const defaults = await request(app).get('/targets/payments');
      expect(defaults.status).toBe(200);
      expect(defaults.body).toEqual({
        service: 'component:default/payments',
        targets: {
          deploymentFrequency: { value: 7, source: 'default' },
          leadTime: { value: 24, source: 'default' },
          changeFailureRate: { value: 5, source: 'default' },
          mttr: { value: 60, source: 'default' },
        },
      });

      const set = await request(app)
        .post('/targets/payments')
        .send({ leadTime: 12.5, changeFailureRate: 0 });
      expect(set.status).toBe(200);
      const more = await request(app)
        .post('/targets/payments')
        .send({ mttr: 30 });
      expect(more.body.targets).toEqual({
        deploymentFrequency: { value: 7, source: 'default' },
        leadTime: { value: 12.5, source: 'service' },
        changeFailureRate: { value: 0, source: 'service' },
        mttr: { value: 30, source: 'service' },
      });
      expect((await request(app).get('/targets/payments')).body).toEqual(
        more.body,
      );

      const deleted = await request(app).delete('/targets/payments');
      expect(deleted.status).toBe(204);
      expect((await request(app).get('/targets/payments')).body).toEqual(
        defaults.body,
      );
    });

    it('accepts the boundary values', async () => {
      const res = await request(app)
        .post('/targets/payments')
        .send({
          deploymentFrequency: 0.01,
          leadTime: 1e-9,
          changeFailureRate: 100,
          mttr: 10080,
        });
      expect(res.status).toBe(200);
      expect(await store.getTargets('component:default/payments')).toEqual({
        deploymentFrequency: 0.01,
        leadTime: 1e-9,
        changeFailureRate: 100,
        mttr: 10080,
      });
    });
  });

  describe('GET /services', () => {
    it('lists the recorded services', async () => {
      const res = await request(app).get('/services');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        services: [
          {
            entityRef: 'component:default/checkout',
            repository: 'acme/checkout',
            lastSyncedAt: null,
            lastError: null,
          },
          {
            entityRef: 'component:default/payments',
            repository: 'acme/payments',
            lastSyncedAt: '2026-11-28T06:30:00.000Z',
            lastError: null,
          },
          {
            entityRef: 'component:default/search',
            repository: 'acme/search',
            lastSyncedAt: null,
            lastError: 'GitHub answered 502',
          },
          {
            entityRef: 'component:default/web',
            repository: 'acme/web',
            lastSyncedAt: null,
            lastError: null,
          },
        ],
      });
    });
  });

  describe('GET /services/:service/events', () => {
    it('returns the events of the period, of the kinds asked for', async () => {
      const res = await request(app).get(
        '/services/payments/events?days=7&kind=incident,deployment',
      );
      expect(res.status).toBe(200);
      expect(res.body.from).toBe('2026-11-22');
      expect(res.body.to).toBe('2026-11-28');
      expect(res.body.changes).toBeUndefined();
      expect(res.body.deployments.map((d: any) => d.id)).toEqual([
        'D3',
        'D4',
        'D5',
        'D8',
        'D6',
        'D7',
      ]);
      expect(res.body.incidents.map((i: any) => i.id)).toEqual([
        'I4',
        'I1',
        'I6',
        'I2',
        'I3',
      ]);
      expect(res.body.incidents[4]).toEqual({
        id: 'I3',
        createdAt: '2026-11-27T08:00:00.000Z',
        closedAt: null,
        stateReason: null,
      });
      expect(res.body.deployments[0]).toEqual({
        id: 'D3',
        environment: 'prod',
        state: 'SUCCESS',
        sha: 'a3',
        createdAt: '2026-11-22T10:00:00.000Z',
      });
    });

    it('returns every kind by default', async () => {
      const res = await request(app).get('/services/payments/events?days=7');
      expect(res.body.changes.map((c: any) => c.id)).toEqual([
        'C2',
        'C3',
        'C4',
      ]);
      expect(res.body.changes[0]).toEqual({
        id: 'C2',
        createdAt: '2026-11-23T09:00:00.000Z',
        firstCommitAt: null,
        mergedAt: '2026-11-23T20:00:00.000Z',
      });
    });
  });

  describe('POST /sync', () => {
    it('triggers the collection task and answers 202', async () => {
      const res = await request(app)
        .post('/sync')
        .send({ services: ['payments'] });
      expect(res.status).toBe(202);
      expect(scheduler.triggerTask).toHaveBeenCalledWith(TASK_ID);
      expect((await request(app).post('/sync')).status).toBe(202);
      expect((await request(app).post('/sync').send({})).status).toBe(202);
    });

    it('answers 202 when a run is already going on', async () => {
      scheduler.triggerTask.mockRejectedValue(
        new ConflictError('Task is currently running'),
      );
      const res = await request(app).post('/sync');
      expect(res.status).toBe(202);
    });
  });

  describe('authentication and permissions', () => {
    it.each([
      ['get', '/scorecard/payments'],
      ['get', '/scorecards'],
      ['get', '/targets/payments'],
      ['post', '/targets/payments'],
      ['delete', '/targets/payments'],
      ['get', '/services'],
      ['get', '/services/payments/events'],
      ['post', '/sync'],
    ] as const)('%s %s needs credentials', async (method, path) => {
      const before = await snapshot();
      const res = await request(app)
        [method](path)
        .set('Authorization', mockCredentials.none.header())
        .send(
          method === 'post' && path.startsWith('/targets')
            ? { leadTime: 1 }
            : undefined,
        );
      expect(res.status).toBe(401);
      expect(await snapshot()).toEqual(before);
      expect(scheduler.triggerTask).not.toHaveBeenCalled();
    });

    it('accepts a service token', async () => {
      const res = await request(app)
        .get('/services')
        .set('Authorization', mockCredentials.service.header());
      expect(res.status).toBe(200);
    });

    it.each([
      ['post', '/targets/payments', { leadTime: 1 }],
      ['delete', '/targets/payments', undefined],
      ['post', '/sync', {}],
    ] as const)('%s %s needs its permission', async (method, path, body) => {
      await store.setTargets('component:default/payments', { mttr: 30 });
      const before = await snapshot();
      const res = await request(deniedApp)[method](path).send(body);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      expect(await snapshot()).toEqual(before);
      expect(scheduler.triggerTask).not.toHaveBeenCalled();
    });

    it('lets a denied caller read', async () => {
      expect((await request(deniedApp).get('/scorecard/payments')).status).toBe(
        200,
      );
      expect((await request(deniedApp).get('/targets/payments')).status).toBe(
        200,
      );
    });
  });

  describe('unknown services', () => {
    it.each([
      ['get', '/scorecard/unknown'],
      ['get', `/scorecard/${encodeURIComponent('component:default/unknown')}`],
      ['get', '/targets/unknown'],
      ['post', '/targets/unknown'],
      ['delete', '/targets/unknown'],
      ['get', '/services/unknown/events'],
      ['get', `/scorecard/${encodeURIComponent('api:default/payments')}`],
    ] as const)('%s %s is 404', async (method, path) => {
      const before = await snapshot();
      const res = await request(app)
        [method](path)
        .send(method === 'post' ? { leadTime: 1 } : undefined);
      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('bad input', () => {
    type Case = {
      method: 'get' | 'post' | 'delete';
      path: string;
      /** A JSON value (sent as application/json), or raw text with `type`. */
      body?: unknown;
      raw?: string;
      type?: string;
      /** What the message must name. */
      field: string;
    };
    const big = JSON.stringify({
      leadTime: 24,
      padding: 'x'.repeat(17 * 1024),
    });
    const cases: Record<string, Case> = {
      'days=0': {
        method: 'get',
        path: '/scorecard/payments?days=0',
        field: 'days',
      },
      'days=-1': {
        method: 'get',
        path: '/scorecard/payments?days=-1',
        field: 'days',
      },
      'days=366': {
        method: 'get',
        path: '/scorecard/payments?days=366',
        field: 'days',
      },
      'days=1.5': {
        method: 'get',
        path: '/scorecard/payments?days=1.5',
        field: 'days',
      },
      'days=abc': {
        method: 'get',
        path: '/scorecard/payments?days=abc',
        field: 'days',
      },
      'days=7days': {
        method: 'get',
        path: '/scorecard/payments?days=7days',
        field: 'days',
      },
      'repeated days': {
        method: 'get',
        path: '/scorecard/payments?days=7&days=8',
        field: 'days',
      },
      'empty days': {
        method: 'get',
        path: '/scorecard/payments?days=',
        field: 'days',
      },
      'days=1e2': {
        method: 'get',
        path: '/scorecard/payments?days=1e2',
        field: 'days',
      },
      'days=+5': {
        method: 'get',
        path: '/scorecard/payments?days=%2B5',
        field: 'days',
      },
      'days as an object': {
        method: 'get',
        path: '/scorecard/payments?days[x]=1',
        field: 'days',
      },
      'days on /scorecards': {
        method: 'get',
        path: '/scorecards?days=0',
        field: 'days',
      },
      'days on events': {
        method: 'get',
        path: '/services/payments/events?days=abc',
        field: 'days',
      },
      'service with a space': {
        method: 'get',
        path: '/scorecard/bad%20name',
        field: 'service',
      },
      'service name too long': {
        method: 'get',
        path: `/scorecard/${'a'.repeat(64)}`,
        field: 'service',
      },
      'service name starting with a dash': {
        method: 'get',
        path: '/scorecard/-payments',
        field: 'service',
      },
      'service with a non-ASCII name': {
        method: 'get',
        path: '/scorecard/%C3%BCber',
        field: 'service',
      },
      'service ref without a name': {
        method: 'get',
        path: `/scorecard/${encodeURIComponent('component:default/')}`,
        field: 'service',
      },
      'service ref with a bad kind': {
        method: 'get',
        path: `/scorecard/${encodeURIComponent('comp onent:default/payments')}`,
        field: 'service',
      },
      'service ref with an extra part': {
        method: 'get',
        path: `/scorecard/${encodeURIComponent('component:default/a/b')}`,
        field: 'service',
      },
      'service on targets': {
        method: 'get',
        path: '/targets/a_',
        field: 'service',
      },
      'service on events': {
        method: 'get',
        path: '/services/bad%20name/events',
        field: 'service',
      },
      'service on DELETE': {
        method: 'delete',
        path: '/targets/bad%20name',
        field: 'service',
      },
      'service on POST': {
        method: 'post',
        path: '/targets/bad%20name',
        body: { leadTime: 1 },
        field: 'service',
      },
      'owner with a space': {
        method: 'get',
        path: '/scorecards?owner=team%20a',
        field: 'owner',
      },
      'repeated owner': {
        method: 'get',
        path: '/scorecards?owner=a&owner=b',
        field: 'owner',
      },
      'empty owner': {
        method: 'get',
        path: '/scorecards?owner=',
        field: 'owner',
      },
      'unknown kind': {
        method: 'get',
        path: '/services/payments/events?kind=deploy',
        field: 'kind',
      },
      'empty kind': {
        method: 'get',
        path: '/services/payments/events?kind=',
        field: 'kind',
      },
      'kind with an empty entry': {
        method: 'get',
        path: '/services/payments/events?kind=change,',
        field: 'kind',
      },
      'repeated kind': {
        method: 'get',
        path: '/services/payments/events?kind=change&kind=incident',
        field: 'kind',
      },
      'plural kind': {
        method: 'get',
        path: '/services/payments/events?kind=deployments',
        field: 'kind',
      },
      'targets: empty object': {
        method: 'post',
        path: '/targets/payments',
        body: {},
        field: 'body',
      },
      'targets: unknown key': {
        method: 'post',
        path: '/targets/payments',
        body: { leadtime: 24 },
        field: 'leadtime',
      },
      'targets: unknown key beside a good one': {
        method: 'post',
        path: '/targets/payments',
        body: { leadTime: 24, reworkRate: 1 },
        field: 'reworkRate',
      },
      'targets: a string': {
        method: 'post',
        path: '/targets/payments',
        body: { leadTime: '24' },
        field: 'leadTime',
      },
      'targets: null': {
        method: 'post',
        path: '/targets/payments',
        body: { mttr: null },
        field: 'mttr',
      },
      'targets: boolean': {
        method: 'post',
        path: '/targets/payments',
        body: { mttr: true },
        field: 'mttr',
      },
      'targets: an array value': {
        method: 'post',
        path: '/targets/payments',
        body: { leadTime: [24] },
        field: 'leadTime',
      },
      'targets: an object value': {
        method: 'post',
        path: '/targets/payments',
        body: { leadTime: { value: 24 } },
        field: 'leadTime',
      },
      'targets: NaN': {
        method: 'post',
        path: '/targets/payments',
        raw: '{"leadTime": NaN}',
        type: 'application/json',
        field: 'body',
      },
      'targets: Infinity (1e400)': {
        method: 'post',
        path: '/targets/payments',
        raw: '{"leadTime": 1e400}',
        type: 'application/json',
        field: 'leadTime',
      },
      'targets: zero lead time': {
        method: 'post',
        path: '/targets/payments',
        body: { leadTime: 0 },
        field: 'leadTime',
      },
      'targets: negative mttr': {
        method: 'post',
        path: '/targets/payments',
        body: { mttr: -1 },
        field: 'mttr',
      },
      'targets: zero deployment frequency': {
        method: 'post',
        path: '/targets/payments',
        body: { deploymentFrequency: 0 },
        field: 'deploymentFrequency',
      },
      'targets: failure rate below 0': {
        method: 'post',
        path: '/targets/payments',
        body: { changeFailureRate: -0.1 },
        field: 'changeFailureRate',
      },
      'targets: failure rate above 100': {
        method: 'post',
        path: '/targets/payments',
        body: { changeFailureRate: 100.5 },
        field: 'changeFailureRate',
      },
      'targets: one bad value among good ones': {
        method: 'post',
        path: '/targets/payments',
        body: { leadTime: 12, mttr: 0 },
        field: 'mttr',
      },
      'targets: an array body': {
        method: 'post',
        path: '/targets/payments',
        body: [{ leadTime: 24 }],
        field: 'body',
      },
      'targets: an empty array body': {
        method: 'post',
        path: '/targets/payments',
        body: [],
        field: 'body',
      },
      'targets: a string body': {
        method: 'post',
        path: '/targets/payments',
        raw: '"24"',
        type: 'application/json',
        field: 'body',
      },
      'targets: a number body': {
        method: 'post',
        path: '/targets/payments',
        raw: '24',
        type: 'application/json',
        field: 'body',
      },
      'targets: a null body': {
        method: 'post',
        path: '/targets/payments',
        raw: 'null',
        type: 'application/json',
        field: 'body',
      },
      'targets: malformed JSON': {
        method: 'post',
        path: '/targets/payments',
        raw: '{"leadTime": ',
        type: 'application/json',
        field: 'body',
      },
      'targets: over 16 KiB': {
        method: 'post',
        path: '/targets/payments',
        raw: big,
        type: 'application/json',
        field: 'body',
      },
      'targets: text/plain': {
        method: 'post',
        path: '/targets/payments',
        raw: '{"leadTime": 24}',
        type: 'text/plain',
        field: 'body',
      },
      'targets: a form': {
        method: 'post',
        path: '/targets/payments',
        raw: 'leadTime=24',
        type: 'application/x-www-form-urlencoded',
        field: 'body',
      },
      'targets: no body': {
        method: 'post',
        path: '/targets/payments',
        field: 'body',
      },
      'sync: services not a list': {
        method: 'post',
        path: '/sync',
        body: { services: 'payments' },
        field: 'services',
      },
      'sync: a bad service': {
        method: 'post',
        path: '/sync',
        body: { services: ['payments', 'bad name'] },
        field: 'services.1',
      },
      'sync: a service that is not a string': {
        method: 'post',
        path: '/sync',
        body: { services: [7] },
        field: 'services.0',
      },
      'sync: unknown key': {
        method: 'post',
        path: '/sync',
        body: { all: true },
        field: 'all',
      },
      'sync: an array body': {
        method: 'post',
        path: '/sync',
        body: ['payments'],
        field: 'body',
      },
      'sync: text/plain': {
        method: 'post',
        path: '/sync',
        raw: '{}',
        type: 'text/plain',
        field: 'body',
      },
      'sync: over 16 KiB': {
        method: 'post',
        path: '/sync',
        raw: JSON.stringify({ services: Array(2000).fill('payments-service') }),
        type: 'application/json',
        field: 'body',
      },
    };

    it('covers at least 30 cases', () => {
      expect(Object.keys(cases).length).toBeGreaterThanOrEqual(30);
    });

    it.each(Object.entries(cases))(
      '%s is a 400 that changes nothing',
      async (_, c) => {
        await store.setTargets('component:default/payments', { mttr: 30 });
        const before = await snapshot();
        let req = request(app)[c.method](c.path);
        if (c.raw !== undefined) {
          req = req.set('Content-Type', c.type!).send(c.raw);
        } else if (c.body !== undefined) {
          req = req.send(c.body as object);
        }
        const res = await req;
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toContain(c.field);
        expect(res.body.response).toEqual({ statusCode: 400 });
        expect(await snapshot()).toEqual(before);
        expect(scheduler.triggerTask).not.toHaveBeenCalled();
      },
    );
  });
});
