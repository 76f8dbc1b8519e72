import { Config, readDurationFromConfig } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { z } from 'zod';
import {
  doraCore,
  isCoreError,
  KeyMetric,
  Options,
  SelectionConfig,
  Targets,
  Tiers,
} from './core';

/** The plugin's configuration, read and validated once at start-up. */
export type DoraMetricsConfig = {
  organizations: string[];
  /** `doraMetrics.github.token`; never logged nor returned. */
  githubToken?: string;
  stagingEnvironments: string[];
  failureIssueLabel: string;
  intervalMinutes: number;
  /**
   * The longest a collection run may hold the scheduler's lock: the run is aborted then, and
   * the lock of a run that died (a killed process, a lost database) is freed then.
   */
  runTimeout: HumanDuration;
  initialDays: number;
  /** What the core's selectServices takes. */
  selection: SelectionConfig;
  /** What every core computation takes (environments, statistic, tiers, default targets). */
  coreOptions: Options;
  /** The configured default targets, completed with the core's own defaults. */
  defaultTargets: Targets;
};

export const KEY_METRICS: readonly KeyMetric[] = [
  'deploymentFrequency',
  'leadTime',
  'changeFailureRate',
  'mttr',
];

const RUN_TIMEOUT_KEY = 'doraMetrics.collection.timeout';
const DEFAULT_RUN_TIMEOUT: HumanDuration = { minutes: 15 };
const RUN_TIMEOUT_RANGE_MS = [10_000, 86_400_000];

/** A number that may also arrive as a numeric string (environment substitution). */
const numeric = (schema: z.ZodNumber) =>
  z.preprocess(
    v => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    schema,
  );
const names = z.array(z.string().trim().min(1, 'must not be blank'));

// Types and ranges only. What a valid statistic, tier set, target or environment list is,
// the core decides (validated below by calling it).
const configSchema = z.object({
  github: z.object({
    organizations: names.min(1, 'must list at least one organization'),
    token: z.string().optional(),
  }),
  environments: z
    .object({
      production: names.optional(),
      staging: names.default(['stg', 'stage', 'staging']),
    })
    .default({}),
  labels: z
    .object({ failureIssue: z.string().trim().min(1).default('bug') })
    .default({}),
  collection: z
    .object({
      intervalMinutes: numeric(z.number().int().min(1).max(10080)).default(30),
      initialDays: numeric(z.number().int().min(1).max(3650)).default(30),
      includeServices: names.default([]),
      excludeServices: names.default([]),
    })
    .default({}),
  statistic: z.string().optional(),
  tiers: z.union([z.string(), z.record(z.unknown())]).optional(),
  targets: z.record(numeric(z.number())).optional(),
});

/** The config key a core error's field path (`options.tiers.leadTime`, ...) stands for. */
function configKey(field: string): string {
  return field
    .replace(/^options\.productionEnvironments/, 'environments.production')
    .replace(/^options\./, '')
    .replace(/^config\.organizations/, 'github.organizations')
    .replace(/^config\.(include|exclude)Services/, 'collection.$1Services')
    .replace(/^config\.hosts/, 'integrations.github');
}

function invalid(key: string, message: string): Error {
  const fullKey = key.startsWith('integrations.') ? key : `doraMetrics.${key}`;
  return new Error(
    `Invalid configuration of the DORA metrics plugin: ${fullKey} ${message}`,
  );
}

/** `collection.timeout`: a Backstage duration from 10 seconds to 24 hours. */
function readRunTimeout(config: Config): HumanDuration {
  if (!config.has(RUN_TIMEOUT_KEY)) {
    return DEFAULT_RUN_TIMEOUT;
  }
  let timeout: HumanDuration;
  try {
    timeout = readDurationFromConfig(config, { key: RUN_TIMEOUT_KEY });
  } catch (error) {
    throw invalid(
      'collection.timeout',
      `is invalid: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const ms = durationToMilliseconds(timeout);
  if (!(ms >= RUN_TIMEOUT_RANGE_MS[0] && ms <= RUN_TIMEOUT_RANGE_MS[1])) {
    throw invalid(
      'collection.timeout',
      'is invalid: must be from 10 seconds to 24 hours',
    );
  }
  return timeout;
}

function rethrowCoreError(error: unknown): never {
  if (isCoreError(error)) {
    const [field, ...rest] = error.message.split(' ');
    throw invalid(configKey(field), rest.join(' '));
  }
  throw error;
}

/**
 * Reads `doraMetrics.*` (and the GitHub hosts of `integrations.github`). A bad value throws an
 * error naming its key, which stops the plugin at start-up.
 */
export function readDoraMetricsConfig(config: Config): DoraMetricsConfig {
  const parsed = configSchema.safeParse(config.getOptional('doraMetrics'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join('.');
    if (!key) {
      throw invalid('github.organizations', 'is required');
    }
    throw invalid(key, `is invalid: ${issue.message}`);
  }
  const raw = parsed.data;

  const coreOptions: Options = {};
  if (raw.environments.production) {
    coreOptions.productionEnvironments = raw.environments.production;
  }
  if (raw.statistic !== undefined) {
    coreOptions.statistic = raw.statistic as Options['statistic'];
  }
  if (raw.tiers !== undefined) {
    coreOptions.tiers = raw.tiers as Tiers;
  }
  if (raw.targets !== undefined) {
    coreOptions.targets = raw.targets;
  }

  const selection: SelectionConfig = {
    organizations: raw.github.organizations,
    includeServices: raw.collection.includeServices,
    excludeServices: raw.collection.excludeServices,
    hosts: ScmIntegrations.fromConfig(config)
      .github.list()
      .map(integration => integration.config.host),
  };

  const core = doraCore();
  let defaultTargets: Targets;
  try {
    core.selectServices([], selection);
    // One definition of what is valid: the core validates every option it is given. The
    // targets of a scorecard with no events are the effective defaults.
    const { metrics } = core.computeScorecard(
      { deployments: [], changes: [], incidents: [] },
      { today: '2000-01-01', days: 1 },
      coreOptions,
    );
    defaultTargets = Object.fromEntries(
      KEY_METRICS.map(key => [key, metrics[key].target]),
    ) as unknown as Targets;
  } catch (error) {
    rethrowCoreError(error);
  }

  return {
    organizations: raw.github.organizations,
    githubToken: raw.github.token,
    stagingEnvironments: raw.environments.staging,
    failureIssueLabel: raw.labels.failureIssue,
    intervalMinutes: raw.collection.intervalMinutes,
    runTimeout: readRunTimeout(config),
    initialDays: raw.collection.initialDays,
    selection,
    coreOptions,
    defaultTargets,
  };
}
