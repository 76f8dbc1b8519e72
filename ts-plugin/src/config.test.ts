import { ConfigReader } from '@backstage/config';
import { readDoraMetricsConfig } from './config';

const read = (doraMetrics: unknown, rest: Record<string, unknown> = {}) =>
  readDoraMetricsConfig(
    new ConfigReader({ ...rest, doraMetrics } as Record<string, any>),
  );

const minimal = { github: { organizations: ['acme'] } };

describe('readDoraMetricsConfig', () => {
  it('fills in the defaults of a minimal config', () => {
    const config = read(minimal);
    expect(config).toEqual({
      organizations: ['acme'],
      githubToken: undefined,
      stagingEnvironments: ['stg', 'stage', 'staging'],
      failureIssueLabel: 'bug',
      intervalMinutes: 30,
      runTimeout: { minutes: 15 },
      initialDays: 30,
      selection: {
        organizations: ['acme'],
        includeServices: [],
        excludeServices: [],
        hosts: ['github.com'],
      },
      coreOptions: {},
      defaultTargets: {
        deploymentFrequency: 7,
        leadTime: 24,
        changeFailureRate: 5,
        mttr: 60,
      },
    });
  });

  it('reads every key', () => {
    const config = read(
      {
        github: { organizations: ['acme', 'Other'], token: 's3cret' },
        environments: { production: ['live'], staging: ['qa'] },
        labels: { failureIssue: 'incident' },
        collection: {
          intervalMinutes: '15',
          timeout: '45s',
          initialDays: 90,
          includeServices: ['pay-*'],
          excludeServices: ['component:default/legacy'],
        },
        statistic: 'mean',
        tiers: 'dora-2021',
        targets: { leadTime: 48, changeFailureRate: 0 },
      },
      {
        integrations: {
          github: [
            {
              host: 'ghe.example.com',
              apiBaseUrl: 'https://ghe.example.com/api/v3',
            },
          ],
        },
      },
    );
    expect(config).toMatchObject({
      githubToken: 's3cret',
      stagingEnvironments: ['qa'],
      failureIssueLabel: 'incident',
      intervalMinutes: 15,
      runTimeout: { seconds: 45 },
      initialDays: 90,
      selection: {
        organizations: ['acme', 'Other'],
        includeServices: ['pay-*'],
        excludeServices: ['component:default/legacy'],
        hosts: ['ghe.example.com', 'github.com'],
      },
      coreOptions: {
        productionEnvironments: ['live'],
        statistic: 'mean',
        tiers: 'dora-2021',
        targets: { leadTime: 48, changeFailureRate: 0 },
      },
      defaultTargets: {
        deploymentFrequency: 7,
        leadTime: 48,
        changeFailureRate: 0,
        mttr: 60,
      },
    });
  });

  it.each([
    [{ minutes: 5 }, { minutes: 5 }],
    ['PT30S', { seconds: 30 }],
    ['2 hours', { hours: 2 }],
  ])('reads collection.timeout %j', (timeout, expected) => {
    expect(
      read({ ...minimal, collection: { timeout } }).runTimeout,
    ).toEqual(expected);
  });

  it.each([
    [{ seconds: 5 }, 'from 10 seconds to 24 hours'],
    ['25h', 'from 10 seconds to 24 hours'],
    ['soon', 'doraMetrics.collection.timeout'],
    [{ fortnights: 1 }, 'doraMetrics.collection.timeout'],
    [-60, 'doraMetrics.collection.timeout'],
  ])('rejects collection.timeout %j', (timeout, message) => {
    expect(() => read({ ...minimal, collection: { timeout } })).toThrow(
      message,
    );
  });

  it('accepts custom tiers', () => {
    const tiers = {
      deploymentFrequency: [14, 7, 1],
      leadTime: [12, 48, 200],
      changeFailureRate: [2, 5, 10],
      mttr: [30, 120, 1440],
      reworkRate: [1, 5, 10],
    };
    expect(read({ ...minimal, tiers }).coreOptions.tiers).toEqual(tiers);
  });

  it.each([
    ['no doraMetrics at all', undefined, 'doraMetrics.github.organizations'],
    ['no github section', {}, 'doraMetrics.github'],
    [
      'an empty organization list',
      { github: { organizations: [] } },
      'doraMetrics.github.organizations',
    ],
    [
      'a blank organization',
      { github: { organizations: ['acme', ' '] } },
      'doraMetrics.github.organizations.1',
    ],
    [
      'a negative interval',
      { ...minimal, collection: { intervalMinutes: -5 } },
      'doraMetrics.collection.intervalMinutes',
    ],
    [
      'a zero interval',
      { ...minimal, collection: { intervalMinutes: 0 } },
      'doraMetrics.collection.intervalMinutes',
    ],
    [
      'an interval over a week',
      { ...minimal, collection: { intervalMinutes: 10081 } },
      'doraMetrics.collection.intervalMinutes',
    ],
    [
      'a fractional interval',
      { ...minimal, collection: { intervalMinutes: 1.5 } },
      'doraMetrics.collection.intervalMinutes',
    ],
    [
      'a non-numeric interval',
      { ...minimal, collection: { intervalMinutes: 'often' } },
      'doraMetrics.collection.intervalMinutes',
    ],
    [
      'initialDays of 0',
      { ...minimal, collection: { initialDays: 0 } },
      'doraMetrics.collection.initialDays',
    ],
    [
      'initialDays over 3650',
      { ...minimal, collection: { initialDays: 3651 } },
      'doraMetrics.collection.initialDays',
    ],
    [
      'a blank include pattern',
      { ...minimal, collection: { includeServices: [''] } },
      'doraMetrics.collection.includeServices.0',
    ],
    [
      'an unknown statistic',
      { ...minimal, statistic: 'average' },
      'doraMetrics.statistic',
    ],
    [
      'a statistic in the wrong case',
      { ...minimal, statistic: 'Median' },
      'doraMetrics.statistic',
    ],
    [
      'an unknown tier preset',
      { ...minimal, tiers: 'dora-2019' },
      'doraMetrics.tiers',
    ],
    [
      'non-monotone tiers',
      {
        ...minimal,
        tiers: {
          deploymentFrequency: [7, 1, 0.2],
          leadTime: [24, 12, 720],
          changeFailureRate: [5, 10, 15],
          mttr: [60, 1440, 10080],
        },
      },
      'doraMetrics.tiers.leadTime',
    ],
    [
      'tiers missing a metric',
      { ...minimal, tiers: { deploymentFrequency: [7, 1, 0.2] } },
      'doraMetrics.tiers',
    ],
    [
      'a zero lead time target',
      { ...minimal, targets: { leadTime: 0 } },
      'doraMetrics.targets.leadTime',
    ],
    [
      'a failure rate target over 100',
      { ...minimal, targets: { changeFailureRate: 101 } },
      'doraMetrics.targets.changeFailureRate',
    ],
    [
      'an unknown target',
      { ...minimal, targets: { speed: 1 } },
      'doraMetrics.targets.speed',
    ],
    [
      'a blank production environment',
      { ...minimal, environments: { production: ['prod', ''] } },
      'doraMetrics.environments.production.1',
    ],
    [
      'a blank failure label',
      { ...minimal, labels: { failureIssue: ' ' } },
      'doraMetrics.labels.failureIssue',
    ],
  ])('rejects %s, naming the key', (_, doraMetrics, key) => {
    expect(() => read(doraMetrics)).toThrow(key);
  });

  it('never puts the token in an error', () => {
    expect(() =>
      read({
        github: { organizations: ['acme'], token: 's3cret' },
        statistic: 'x',
      }),
    ).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('s3cret'),
      }),
    );
  });
});
