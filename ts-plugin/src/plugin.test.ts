import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { COLLECTION_TASK_ID, doraMetricsPlugin } from './plugin';
import {
  doraSyncRunPermission,
  doraTargetsUpdatePermission,
} from './permissions';

jest.setTimeout(120_000);

function entity(
  name: string,
  annotations: Record<string, string>,
  kind = 'Component',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'website', owner: 'team-a', lifecycle: 'production' },
  };
}

const SLUG = 'github.com/project-slug';
const SOURCE = 'backstage.io/source-location';

const ENTITIES = [
  // collected
  entity('payments', { [SLUG]: 'acme/payments' }),
  entity('web', { [SOURCE]: 'url:https://github.com/acme/web/tree/main/' }),
  entity('enterprise', {
    [SOURCE]: 'url:https://ghe.example.com/ACME/enterprise',
  }),
  entity('enterprise-slug', {
    [SLUG]: 'acme/enterprise-slug',
    [SOURCE]: 'url:https://ghe.example.com/acme/enterprise-slug/tree/main',
  }),
  // ignored
  entity('other-org', { [SLUG]: 'someone/other-org' }),
  entity('no-annotation', {}),
  entity('an-api', { [SLUG]: 'acme/an-api' }, 'API'),
  entity('legacy-billing', { [SLUG]: 'acme/legacy-billing' }),
  entity('unknown-host', {
    [SOURCE]: 'url:https://git.example.org/acme/unknown-host',
  }),
  entity('gitlab', { [SOURCE]: 'url:https://gitlab.com/acme/gitlab' }),
];

const CONFIG = {
  doraMetrics: {
    github: { organizations: ['acme'] },
    collection: { intervalMinutes: 15, excludeServices: ['legacy-*'] },
  },
  integrations: {
    github: [
      { host: 'ghe.example.com', apiBaseUrl: 'https://ghe.example.com/api/v3' },
    ],
  },
};

describe('doraMetricsPlugin', () => {
  it('discovers the services of the catalog and serves /api/dora', async () => {
    const { server } = await startTestBackend({
      features: [
        doraMetricsPlugin,
        catalogServiceMock.factory({ entities: ENTITIES }),
        mockServices.rootConfig.factory({ data: CONFIG }),
      ],
    });

    // Nothing is known before the first run.
    expect((await request(server).get('/api/dora/services')).body).toEqual({
      services: [],
    });

    // The mock scheduler runs the triggered task before answering.
    const sync = await request(server).post('/api/dora/sync').send({});
    expect(sync.status).toBe(202);

    const services = await request(server).get('/api/dora/services');
    expect(services.status).toBe(200);
    expect(services.body).toEqual({
      services: [
        {
          entityRef: 'component:default/enterprise',
          repository: 'ACME/enterprise',
          lastSyncedAt: null,
          lastError: null,
        },
        {
          entityRef: 'component:default/enterprise-slug',
          repository: 'acme/enterprise-slug',
          lastSyncedAt: null,
          lastError: null,
        },
        {
          entityRef: 'component:default/payments',
          repository: 'acme/payments',
          lastSyncedAt: null,
          lastError: null,
        },
        {
          entityRef: 'component:default/web',
          repository: 'acme/web',
          lastSyncedAt: null,
          lastError: null,
        },
      ],
    });

    const scorecard = await request(server).get(
      '/api/dora/scorecard/payments?days=7',
    );
    expect(scorecard.status).toBe(200);
    expect(scorecard.body).toMatchObject({
      service: 'component:default/payments',
      period: '7 days',
      overallScore: null,
      lastSyncedAt: null,
    });

    // The backend's error middleware renders the errors.
    const bad = await request(server).get(
      '/api/dora/scorecard/payments?days=0',
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: { name: 'InputError', message: expect.stringContaining('days') },
      response: { statusCode: 400 },
    });
    const unknown = await request(server).get('/api/dora/scorecard/nobody');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.name).toBe('NotFoundError');

    await server.close();
  });

  it('schedules the collection from the config and registers its permissions', async () => {
    const scheduler = mockServices.scheduler.mock();
    const permissionsRegistry = mockServices.permissionsRegistry.mock();
    await startTestBackend({
      features: [
        doraMetricsPlugin,
        catalogServiceMock.factory({ entities: ENTITIES }),
        mockServices.rootConfig.factory({ data: CONFIG }),
        scheduler.factory,
        permissionsRegistry.factory,
      ],
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: COLLECTION_TASK_ID,
        frequency: { minutes: 15 },
        initialDelay: { seconds: 15 },
      }),
    );
    expect(permissionsRegistry.addPermissions).toHaveBeenCalledWith([
      doraTargetsUpdatePermission,
      doraSyncRunPermission,
    ]);
  });

  it('does not start with a bad configuration', async () => {
    await expect(
      startTestBackend({
        features: [
          doraMetricsPlugin,
          catalogServiceMock.factory({ entities: [] }),
          mockServices.rootConfig.factory({
            data: {
              doraMetrics: {
                github: { organizations: ['acme'] },
                statistic: 'average',
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow('doraMetrics.statistic');
  });
});
