/*
 * The OpenAPI description (openapi.yaml) against the router: the same routes, and real
 * responses of a running backend valid against the described schemas.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { doraMetricsPlugin } from '../plugin';
import { createRouter } from '../service/router';
import { DoraMetricsService } from '../service/DoraMetricsService';
import { PAYMENTS_SCORECARD_7_DAYS } from '../service/__fixtures__/events';

jest.setTimeout(120_000);

const spec = parseYaml(
  fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'),
);
const SPEC_ID = 'https://dora-metrics.internal/openapi.json';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: SPEC_ID });

const JSON_SCHEMA = '/content/application~1json/schema';

/** A JSON pointer segment, as it must appear in a URI fragment. */
const segment = (part: string) =>
  encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * The validator of one documented response's body, or null when the response has no body.
 * Fails when the response is not documented at all.
 */
function responseValidator(route: string, method: string, status: number) {
  const response = spec.paths[route]?.[method]?.responses?.[String(status)];
  if (!response) {
    throw new Error(`${method.toUpperCase()} ${route} documents no ${status}`);
  }
  const pointer: string = response.$ref
    ? response.$ref
    : `#/${['paths', route, method, 'responses', String(status)].map(segment).join('/')}`;
  const target = response.$ref
    ? spec.components.responses[response.$ref.split('/').pop()]
    : response;
  if (!target.content) {
    return null;
  }
  const validate = ajv.getSchema(`${SPEC_ID}${pointer}${JSON_SCHEMA}`);
  if (!validate) {
    throw new Error(`no schema at ${pointer}${JSON_SCHEMA}`);
  }
  return validate;
}

function expectDocumented(
  route: string,
  method: string,
  res: { status: number; body: unknown },
) {
  const validate = responseValidator(route, method, res.status);
  if (!validate) {
    expect(res.body).toEqual({});
    return;
  }
  const valid = validate(res.body);
  expect({
    valid,
    errors: validate.errors ?? null,
    body: res.body,
  }).toMatchObject({
    valid: true,
  });
}

describe('openapi.yaml', () => {
  it('describes exactly the routes of the router', async () => {
    const router = await createRouter({
      service: {} as DoraMetricsService,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      scheduler: mockServices.scheduler.mock(),
      logger: mockServices.logger.mock(),
      collectionTaskId: 'unused',
    });
    const routed = (router.stack as any[])
      .filter(layer => layer.route)
      .flatMap(layer =>
        Object.keys(layer.route.methods).map(
          method =>
            `${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`,
        ),
      )
      .sort();
    const documented = Object.entries(spec.paths)
      .flatMap(([route, operations]) =>
        Object.keys(operations as object).map(
          method => `${method.toUpperCase()} ${route}`,
        ),
      )
      .sort();
    expect(documented).toEqual(routed);
  });

  it('describes the scorecard a known set of events gives', () => {
    const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/Scorecard`)!;
    expect(validate(PAYMENTS_SCORECARD_7_DAYS)).toBe(true);
    // and is strict enough to catch a wrong shape
    expect(
      validate({ ...PAYMENTS_SCORECARD_7_DAYS, overallTier: 'Excellent' }),
    ).toBe(false);
    const { reworkRate: _, ...fourMetrics } = PAYMENTS_SCORECARD_7_DAYS.metrics;
    expect(
      validate({ ...PAYMENTS_SCORECARD_7_DAYS, metrics: fourMetrics }),
    ).toBe(false);
  });

  it('describes the responses of a running backend', async () => {
    const entities: Entity[] = [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'payments',
          annotations: { 'github.com/project-slug': 'acme/payments' },
        },
        spec: { type: 'service', owner: 'team-a' },
      },
    ];
    const { server } = await startTestBackend({
      features: [
        doraMetricsPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: { doraMetrics: { github: { organizations: ['acme'] } } },
        }),
      ],
    });
    const api = (p: string) => `/api/dora${p}`;
    const calls: Array<[string, string, () => request.Test]> = [
      [
        '/scorecard/{service}',
        'get',
        () => request(server).get(api('/scorecard/payments?days=7')),
      ],
      [
        '/scorecard/{service}',
        'get',
        () => request(server).get(api('/scorecard/payments?days=0')),
      ],
      [
        '/scorecard/{service}',
        'get',
        () => request(server).get(api('/scorecard/nobody')),
      ],
      [
        '/scorecards',
        'get',
        () => request(server).get(api('/scorecards?days=14')),
      ],
      [
        '/scorecards',
        'get',
        () => request(server).get(api('/scorecards?days=abc')),
      ],
      [
        '/targets/{service}',
        'get',
        () => request(server).get(api('/targets/payments')),
      ],
      [
        '/targets/{service}',
        'post',
        () =>
          request(server).post(api('/targets/payments')).send({ leadTime: 48 }),
      ],
      [
        '/targets/{service}',
        'post',
        () =>
          request(server).post(api('/targets/payments')).send({ leadTime: -1 }),
      ],
      [
        '/targets/{service}',
        'delete',
        () => request(server).delete(api('/targets/payments')),
      ],
      ['/services', 'get', () => request(server).get(api('/services'))],
      [
        '/services/{service}/events',
        'get',
        () =>
          request(server).get(
            api('/services/payments/events?kind=deployment,incident'),
          ),
      ],
      [
        '/services/{service}/events',
        'get',
        () => request(server).get(api('/services/payments/events?kind=bogus')),
      ],
    ];
    const statuses = [];
    for (const [route, method, call] of calls) {
      const res = await call();
      statuses.push(res.status);
      expectDocumented(route, method, res);
    }
    expect(statuses).toEqual([
      200, 400, 404, 200, 400, 200, 200, 400, 204, 200, 200, 400,
    ]);
    // The validators are real: a body missing a documented field fails.
    const scorecard = await request(server).get(api('/scorecard/payments'));
    const { lastSyncedAt: _, ...incomplete } = scorecard.body;
    expect(
      responseValidator('/scorecard/{service}', 'get', 200)!(incomplete),
    ).toBe(false);
    expect(
      responseValidator('/scorecard/{service}', 'get', 404)!({ error: {} }),
    ).toBe(false);
    await server.close();
  });
});
