/*
 * The REST shapes. Numbers arrive here from the core at full precision; the one thing this edge
 * does to them is round to one decimal.
 */

import { Metric, MetricKey, Scorecard } from '../core';

/** Rounds to one decimal, half away from zero (the only arithmetic of the REST layer). */
export function roundOneDecimal(value: number): number;
export function roundOneDecimal(value: number | null): number | null;
export function roundOneDecimal(value: number | null): number | null {
  if (value === null) {
    return null;
  }
  const rounded = Math.sign(value) * (Math.round(Math.abs(value) * 10) / 10);
  return rounded === 0 ? 0 : rounded; // no -0 in JSON
}

export const METRIC_UNITS: Record<MetricKey, string> = {
  deploymentFrequency: 'per week',
  leadTime: 'hours',
  changeFailureRate: 'percent',
  mttr: 'minutes',
  reworkRate: 'percent',
};

export type MetricBody = Omit<Metric, 'history'> & {
  unit: string;
  history: (number | null)[];
};

export type ScorecardBody = {
  service: string;
  period: string;
  from: string;
  to: string;
  metrics: Record<MetricKey, MetricBody>;
  overallScore: number | null;
  overallTier: string | null;
  statistic: string;
  lastSyncedAt: string | null;
};

function metricBody(metric: Metric, unit: string): MetricBody {
  return {
    current: roundOneDecimal(metric.current),
    previous: roundOneDecimal(metric.previous),
    change: roundOneDecimal(metric.change),
    target: roundOneDecimal(metric.target),
    meetsTarget: metric.meetsTarget,
    tier: metric.tier,
    score: roundOneDecimal(metric.score),
    unit,
    samples: metric.samples,
    history: metric.history.map(value => roundOneDecimal(value)),
  };
}

export function scorecardBody(
  service: string,
  scorecard: Scorecard,
  lastSyncedAt: Date | null,
): ScorecardBody {
  const metrics = Object.fromEntries(
    (Object.keys(METRIC_UNITS) as MetricKey[]).map(key => [
      key,
      metricBody(scorecard.metrics[key], METRIC_UNITS[key]),
    ]),
  ) as Record<MetricKey, MetricBody>;
  return {
    service,
    period: scorecard.days === 1 ? '1 day' : `${scorecard.days} days`,
    from: scorecard.from,
    to: scorecard.to,
    metrics,
    overallScore: scorecard.overallScore,
    overallTier: scorecard.overallTier,
    statistic: scorecard.statistic,
    lastSyncedAt: lastSyncedAt ? lastSyncedAt.toISOString() : null,
  };
}

/** An instant (epoch ms) as ISO 8601. */
export function isoInstant(value: number): string;
export function isoInstant(value: number | null | undefined): string | null;
export function isoInstant(value: number | null | undefined): string | null {
  return value === null || value === undefined
    ? null
    : new Date(value).toISOString();
}
