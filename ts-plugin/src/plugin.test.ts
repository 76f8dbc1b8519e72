import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Scenario, Twin, TwinOptions } from '@internal/github-twin';
import request from 'supertest';
import { doraCore } from './core';
import { COLLECTION_TASK_ID, doraMetricsPlugin } from './plugin';
import { scorecardBody } from './service/rest';
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

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startTwin, generateScenario } = require('@internal/github-twin') as {
  startTwin(options: TwinOptions): Promise<Twin>;
  generateScenario(options: object): Scenario;
};

const TOKEN = 'ghp_PLUGIN_SENTINEL_0b1c2d3e';

/**
 * The collected repositories, served by the GitHub twin: github.com and the Enterprise host
 * both point at it (the Enterprise one through its `/api/v3` base, GraphQL at `/api/graphql`).
 */
async function startGitHub(): Promise<Twin> {
  const end = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  const generated = generateScenario({ org: 'acme', repos: 4, seed: 5, end });
  const specs = Object.values(generated.repositories);
  const names = ['payments', 'web', 'enterprise', 'enterprise-slug'];
  return startTwin({
    scenario: {
      ...generated,
      repositories: Object.fromEntries(
        names.map((name, i) => [`acme/${name}`, specs[i]]),
      ),
    },
    port: 0,
    tokens: [TOKEN],
  });
}

function config(twin: Twin) {
  return {
    doraMetrics: {
      github: { organizations: ['acme'], token: TOKEN },
      collection: {
        intervalMinutes: 15,
        initialDays: 120,
        excludeServices: ['legacy-*'],
      },
    },
    integrations: {
      github: [
        { host: 'github.com', apiBaseUrl: twin.url },
        { host: 'ghe.example.com', apiBaseUrl: `${twin.url}/api/v3` },
      ],
    },
  };
}

describe('doraMetricsPlugin', () => {
  let twin: Twin;
  let CONFIG: ReturnType<typeof config>;

  beforeAll(async () => {
    twin = await startGitHub();
    CONFIG = config(twin);
  });

  afterAll(async () => {
    await twin.close();
  });

  it('collects the services of the catalog from GitHub and serves /api/dora', async () => {
    const logger = mockServices.logger.mock();
    const { server } = await startTestBackend({
      features: [
        doraMetricsPlugin,
        catalogServiceMock.factory({ entities: ENTITIES }),
        mockServices.rootConfig.factory({ data: CONFIG }),
        logger.factory,
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
    const synced = { lastSyncedAt: expect.any(String), lastError: null };
    expect(services.body).toEqual({
      services: [
        {
          entityRef: 'component:default/enterprise',
          repository: 'ACME/enterprise',
          ...synced,
        },
        {
          entityRef: 'component:default/enterprise-slug',
          repository: 'acme/enterprise-slug',
          ...synced,
        },
        {
          entityRef: 'component:default/payments',
          repository: 'acme/payments',
          ...synced,
        },
        {
          entityRef: 'component:default/web',
          repository: 'acme/web',
          ...synced,
        },
      ],
    });

    // Each scorecard is the core's on GitHub's events (the twin's ground truth).
    const truth = twin.groundTruth();
    for (const name of ['payments', 'web', 'enterprise', 'enterprise-slug']) {
      const scorecard = await request(server).get(
        `/api/dora/scorecard/${name}?days=7`,
      );
      expect(scorecard.status).toBe(200);
      const events = truth[`acme/${name}`];
      const expected = scorecardBody(
        `component:default/${name}`,
        doraCore().computeScorecard(
          {
            ...events,
            deployments: events.deployments.filter(d =>
              doraCore().matchEnvironment(d.environment),
            ),
          },
          { today: new Date().toISOString().slice(0, 10), days: 7 },
        ),
        new Date(scorecard.body.lastSyncedAt),
      );
      expect(scorecard.body).toEqual(expected);
    }
    expect(
      (await request(server).get('/api/dora/scorecard/payments?days=7')).body
        .overallScore,
    ).not.toBeNull();
    // The run's line, and never the token.
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/^DORA metrics collection: 4 services, 0 failed/),
    );
    expect(JSON.stringify(logger.info.mock.calls)).not.toContain(TOKEN);

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

    // Paths and methods the plugin does not serve are JSON 404s too ...
    for (const [method, path] of [
      ['get', '/api/dora/'],
      ['get', '/api/dora/nothing-here'],
      ['get', '/api/dora/scorecard/'],
      ['get', '/api/dora/sync'],
      ['put', '/api/dora/targets/payments'],
    ] as const) {
      const res = await request(server)[method](path);
      expect([method, path, res.status, res.body?.error?.name]).toEqual([
        method,
        path,
        404,
        'NotFoundError',
      ]);
    }
    // ... while the backend's own routes under the plugin's path still reach their handler
    // (which, with the test backend's mock auth, has no keys to list: a 500, not our 404).
    const jwks = await request(server).get(
      '/api/dora/.backstage/auth/v1/jwks.json',
    );
    expect(jwks.status).not.toBe(404);

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
        // Global: one backend instance at a time runs it (the scheduler's lock).
        scope: 'global',
        frequency: { minutes: 15 },
        // A dead run's lock is freed after this (the default), not after hours.
        timeout: { minutes: 15 },
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
