/*
 * The plugin's collection against the GitHub twin, over real HTTP: the twin serves a synthetic
 * organization, `integrations.github` points github.com's apiBaseUrl at it, and the catalog
 * holds one service per repository (plus one sharing a repository).
 */
import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Twin, TwinOptions } from '@internal/github-twin';
import { Knex } from 'knex';
import { DoraMetricsConfig, readDoraMetricsConfig } from '../../config';
import { doraCore } from '../../core';
import { DoraMetricsStore } from '../../database/DoraMetricsStore';
import { DoraCollector } from '../DoraCollector';
import { DoraMetricsService } from '../DoraMetricsService';
import { GitHubCollector, GitHubCollectorTuning } from '../GitHubCollector';
import { scorecardBody } from '../rest';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startTwin } = require('@internal/github-twin') as {
  startTwin(options: TwinOptions): Promise<Twin>;
};

export const TOKEN = 'ghp_SENTINEL_5e8c1f0b7a2d4c69';
export const END = '2026-11-28T00:00:00Z';

/** Waits scaled down: retry-after and back-off are honoured, in milliseconds. */
export const FAST: Partial<GitHubCollectorTuning> = {
  client: {
    retryBaseMs: 5,
    retryAfterUnitMs: 5,
    requestTimeoutMs: 5000,
    minRequestIntervalMs: 0,
  },
};

export function component(name: string, slug: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'github.com/project-slug': slug },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

export async function startGitHubTwin(
  options: { repos?: number; seed?: number } & Partial<TwinOptions> = {},
): Promise<Twin> {
  const { repos = 8, seed = 7, ...rest } = options;
  return startTwin({
    generate: { org: 'acme', repos, seed, days: 30, end: END },
    port: 0,
    frozenClock: true,
    tokens: [TOKEN],
    ...rest,
  });
}

/** One service per repository of the twin, and `shared` on the first one too. */
export function twinEntities(twin: Twin): Entity[] {
  const repos = Object.keys(twin.scenario().repositories);
  return [
    ...repos.map(slug => component(slug.split('/')[1], slug)),
    component('shared', repos[0]),
  ];
}

export type Harness = {
  twin: Twin;
  knex: Knex;
  store: DoraMetricsStore;
  config: DoraMetricsConfig;
  collector: DoraCollector;
  metrics: DoraMetricsService;
  logger: ReturnType<typeof mockServices.logger.mock>;
  /** The twin's requests and points so far, for the sentinel token. */
  usage(): { requests: number; points: number };
};

export async function createHarness(options: {
  twin: Twin;
  databases: { init(id: TestDatabaseId): Promise<Knex> };
  databaseId: TestDatabaseId;
  entities?: Entity[];
  token?: string;
  doraMetrics?: Record<string, unknown>;
  tuning?: Partial<GitHubCollectorTuning>;
}): Promise<Harness> {
  const { twin } = options;
  const knex = await options.databases.init(options.databaseId);
  const store = await DoraMetricsStore.create({
    database: { getClient: async () => knex },
  });
  const rootConfig = new ConfigReader({
    integrations: { github: [{ host: 'github.com', apiBaseUrl: twin.url }] },
    doraMetrics: {
      github: { organizations: ['acme'], token: options.token ?? TOKEN },
      collection: { initialDays: 60 },
      ...options.doraMetrics,
    },
  });
  const config = readDoraMetricsConfig(rootConfig);
  const logger = mockServices.logger.mock();
  const catalog = catalogServiceMock({
    entities: options.entities ?? twinEntities(twin),
  });
  // The collector's clock is GitHub's (the twin's): "today" and the backfill window follow it.
  const now = () => new Date(twin.now());
  const github = new GitHubCollector({
    rootConfig,
    config,
    store,
    logger,
    tuning: options.tuning ?? FAST,
  });
  const collector = new DoraCollector({
    catalog,
    auth: mockServices.auth(),
    store,
    config,
    logger,
    eventCollector: github,
    secrets: () => github.secrets(),
    now,
  });
  const metrics = new DoraMetricsService({ store, catalog, config, now });
  const token = options.token ?? TOKEN;
  return {
    twin,
    knex,
    store,
    config,
    collector,
    metrics,
    logger,
    usage: () => {
      const stats = twin.stats().tokens[token];
      return {
        requests: stats?.requests ?? 0,
        points: stats?.graphqlPoints ?? 0,
      };
    },
  };
}

/** The twin's ground truth for a repository, as the core would be given it. */
export function truthOf(twin: Twin, slug: string, config: DoraMetricsConfig) {
  const truth = twin.groundTruth()[slug];
  const core = doraCore();
  return {
    deployments: truth.deployments.filter(d =>
      core.matchEnvironment(
        d.environment,
        config.coreOptions.productionEnvironments ?? undefined,
      ),
    ),
    changes: truth.changes,
    incidents: truth.incidents,
  };
}

/** The scorecard the plugin should serve for a repository, from the twin's ground truth. */
export function expectedScorecard(
  twin: Twin,
  entityRef: string,
  slug: string,
  config: DoraMetricsConfig,
  days: number,
  lastSyncedAt: Date | null,
) {
  const today = new Date(twin.now()).toISOString().slice(0, 10);
  const scorecard = doraCore().computeScorecard(
    truthOf(twin, slug, config),
    { today, days },
    config.coreOptions,
  );
  return scorecardBody(entityRef, scorecard, lastSyncedAt);
}

/** Every stored event row, without bookkeeping columns, in a stable order. */
export async function storedRows(knex: Knex) {
  const rows: Record<string, unknown[]> = {};
  for (const table of ['dora_deployments', 'dora_changes', 'dora_incidents']) {
    rows[table] = (
      await knex(table).orderBy([{ column: 'entity_ref' }, { column: 'id' }])
    ).map(({ updated_at: _, ...row }) => ({
      ...row,
      ...Object.fromEntries(
        Object.entries(row)
          .filter(([k]) => k.endsWith('_at'))
          .map(([k, v]) => [k, v === null ? null : Number(v)]),
      ),
    }));
  }
  return rows;
}
