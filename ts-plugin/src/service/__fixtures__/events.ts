/*
 * A known set of raw events, with the scorecard spec/METRICS.md gives for it (worked out by
 * hand below, for today = 2026-11-28 and days = 7: the current period is 11-22..11-28, the
 * previous one 11-15..11-21).
 */
import { ServiceEvents } from '../../database/DoraMetricsStore';

const at = (iso: string) => Date.parse(iso);

export const TODAY = new Date('2026-11-28T12:00:00.000Z');

export const PAYMENTS_EVENTS: ServiceEvents = {
  deployments: [
    // previous period
    {
      id: 'D1',
      environment: 'prod',
      state: 'SUCCESS',
      sha: 'a1',
      createdAt: at('2026-11-16T10:00:00Z'),
    },
    {
      id: 'D2',
      environment: 'prod',
      state: 'FAILURE',
      sha: 'a2',
      createdAt: at('2026-11-18T10:00:00Z'),
    },
    // current period
    {
      id: 'D3',
      environment: 'prod',
      state: 'SUCCESS',
      sha: 'a3',
      createdAt: at('2026-11-22T10:00:00Z'),
    },
    {
      id: 'D4',
      environment: 'production',
      state: 'ACTIVE',
      sha: 'a4',
      createdAt: at('2026-11-24T10:00:00Z'),
    },
    {
      id: 'D5',
      environment: 'prod',
      state: 'ERROR',
      sha: 'a5',
      createdAt: at('2026-11-24T15:00:00Z'),
    },
    {
      id: 'D8',
      environment: 'staging',
      state: 'SUCCESS',
      sha: 'a8',
      createdAt: at('2026-11-25T09:00:00Z'),
    },
    {
      id: 'D6',
      environment: 'prod-eu',
      state: 'inactive',
      sha: 'a6',
      createdAt: at('2026-11-26T10:00:00Z'),
    },
    {
      id: 'D7',
      environment: 'prod',
      state: 'PENDING',
      sha: 'a7',
      createdAt: at('2026-11-27T10:00:00Z'),
    },
  ],
  changes: [
    // lead time 49 h (first commit 11-14 09:00 -> D1 11-16 10:00), ends in the previous period
    {
      id: 'C0',
      createdAt: at('2026-11-14T10:00:00Z'),
      firstCommitAt: at('2026-11-14T09:00:00Z'),
      mergedAt: at('2026-11-15T09:00:00Z'),
    },
    // 52 h: 11-20 06:00 -> D3 11-22 10:00
    {
      id: 'C1',
      createdAt: at('2026-11-20T08:00:00Z'),
      firstCommitAt: at('2026-11-20T06:00:00Z'),
      mergedAt: at('2026-11-21T12:00:00Z'),
    },
    // 25 h: no first commit, so created 11-23 09:00 -> D4 11-24 10:00
    {
      id: 'C2',
      createdAt: at('2026-11-23T09:00:00Z'),
      firstCommitAt: null,
      mergedAt: at('2026-11-23T20:00:00Z'),
    },
    // 51 h: 11-24 07:00 -> D6 11-26 10:00 (D5 failed, D8 is not production)
    {
      id: 'C3',
      createdAt: at('2026-11-24T08:00:00Z'),
      firstCommitAt: at('2026-11-24T07:00:00Z'),
      mergedAt: at('2026-11-24T11:00:00Z'),
    },
    // pending: no successful production deployment after its merge
    {
      id: 'C4',
      createdAt: at('2026-11-27T11:00:00Z'),
      firstCommitAt: null,
      mergedAt: at('2026-11-27T12:00:00Z'),
    },
  ],
  incidents: [
    // 180 min, blames D1
    {
      id: 'I5',
      createdAt: at('2026-11-17T10:00:00Z'),
      closedAt: at('2026-11-17T13:00:00Z'),
      stateReason: 'COMPLETED',
    },
    // not planned: no incident at all
    {
      id: 'I4',
      createdAt: at('2026-11-23T00:00:00Z'),
      closedAt: at('2026-11-23T01:00:00Z'),
      stateReason: 'NOT_PLANNED',
    },
    // 120 min, blames D4
    {
      id: 'I1',
      createdAt: at('2026-11-24T12:00:00Z'),
      closedAt: at('2026-11-24T14:00:00Z'),
      stateReason: 'COMPLETED',
    },
    // 960 min, blames D4; still open when D6 is created, so D6 is a rework deployment
    {
      id: 'I6',
      createdAt: at('2026-11-25T20:00:00Z'),
      closedAt: at('2026-11-26T12:00:00Z'),
      stateReason: null,
    },
    // 30 min, blames D6
    {
      id: 'I2',
      createdAt: at('2026-11-26T11:00:00Z'),
      closedAt: at('2026-11-26T11:30:00Z'),
      stateReason: 'COMPLETED',
    },
    // open, blames D6
    {
      id: 'I3',
      createdAt: at('2026-11-27T08:00:00Z'),
      closedAt: null,
      stateReason: null,
    },
  ],
};

/**
 * Current period: completed production deployments D3, D4, D5, D6 (D7 pending, D8 staging);
 * failed: D5 (error), D4 (I1, I6), D6 (I2, I3); rework: D6 (I6 open).
 * Previous period: D1 (failed by I5), D2 (failure).
 *
 * deploymentFrequency 4/7*7 = 4 (prev 2, change +100%); High; 50 + 25*(4-1)/(7-1) = 62.5
 * leadTime median(52, 25, 51) = 51 h (prev 49, change 4.08%); High; 75 - 25*27/144 = 70.3125
 * changeFailureRate 3/4 = 75% (prev 2/2 = 100%, change -25%); Low; 25*15/75 = 5
 * mttr median(120, 960, 30) = 120 min (prev 180, change -33.3%); High; 75 - 25*60/1380 = 73.913
 * reworkRate 1/4 = 25% (prev 0%: change null); no tiers
 * overall mean(62.5, 70.3125, 5, 73.913) = 52.93 -> 53, High
 */
export const PAYMENTS_SCORECARD_7_DAYS = {
  service: 'component:default/payments',
  period: '7 days',
  from: '2026-11-22',
  to: '2026-11-28',
  metrics: {
    deploymentFrequency: {
      current: 4,
      previous: 2,
      change: 100,
      target: 7,
      meetsTarget: false,
      tier: 'High',
      score: 62.5,
      unit: 'per week',
      samples: 4,
      history: [1, 0, 2, 0, 1, 0, 0],
    },
    leadTime: {
      current: 51,
      previous: 49,
      change: 4.1,
      target: 24,
      meetsTarget: false,
      tier: 'High',
      score: 70.3,
      unit: 'hours',
      samples: 3,
      history: [52, null, 25, null, 51, null, null],
    },
    changeFailureRate: {
      current: 75,
      previous: 100,
      change: -25,
      target: 5,
      meetsTarget: false,
      tier: 'Low',
      score: 5,
      unit: 'percent',
      samples: 4,
      history: [0, null, 100, null, 100, null, null],
    },
    mttr: {
      current: 120,
      previous: 180,
      change: -33.3,
      target: 60,
      meetsTarget: false,
      tier: 'High',
      score: 73.9,
      unit: 'minutes',
      samples: 3,
      history: [null, null, 120, null, 495, null, null],
    },
    reworkRate: {
      current: 25,
      previous: 0,
      change: null,
      target: null,
      meetsTarget: null,
      tier: null,
      score: null,
      unit: 'percent',
      samples: 4,
      history: [0, null, 0, null, 100, null, null],
    },
  },
  overallScore: 53,
  overallTier: 'High',
  statistic: 'median',
  lastSyncedAt: '2026-11-28T06:30:00.000Z',
};

/**
 * One successful production deployment in the period: 1 per week (High, 50), failure rate 0%
 * (Elite, 100), no lead time nor restore time: overall mean(50, 100) = 75, Elite.
 */
export const oneGoodDeployment = (id: string): ServiceEvents => ({
  deployments: [
    {
      id,
      environment: 'prod',
      state: 'SUCCESS',
      sha: null,
      createdAt: at('2026-11-27T10:00:00Z'),
    },
  ],
  changes: [],
  incidents: [],
});
