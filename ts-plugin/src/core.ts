/*
 * The Rust core (@internal/dora-metrics-core). Every number this plugin serves comes from its
 * functions; the plugin only moves data in and out. Its types are the package's own.
 */

import { ErrorLike, isError } from '@backstage/errors';

import type * as DoraCoreModule from '@internal/dora-metrics-core';

export type {
  Change,
  DailyRow,
  Deployment,
  Events,
  Incident,
  KeyMetric,
  Metric,
  Options,
  Scorecard,
  SelectedService,
  Selection as SelectionConfig,
  Statistic,
  Targets,
  Tier,
  Tiers,
  WhatIf,
} from '@internal/dora-metrics-core';

/** Every metric a scorecard reports: the four key metrics and rework rate. */
export type MetricKey = DoraCoreModule.KeyMetric | 'reworkRate';

export type DoraCore = typeof DoraCoreModule;

/** The codes of the core's errors (CORE_API.md), as the package declares them. */
export type CoreErrorCode = DoraCoreModule.CoreError['code'];

const CORE_ERROR_CODES: ReadonlySet<string> = new Set<CoreErrorCode>([
  'NON_FINITE',
  'INVALID_INPUT',
  'DUPLICATE_ID',
  'INVALID_DATE',
  'INVALID_DAYS',
  'INVALID_TIERS',
  'INVALID_TARGETS',
  'INVALID_OPTIONS',
]);

/**
 * Whether `error` was thrown by the core (it carries one of the core's codes). Duck-typed: the
 * addon's errors come from another realm than Jest's `Error`.
 */
export function isCoreError(
  error: unknown,
): error is ErrorLike & { code: CoreErrorCode } {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    isError(error) && typeof code === 'string' && CORE_ERROR_CODES.has(code)
  );
}

let loaded: DoraCore | undefined;

/**
 * The core, loaded on first use (the package's own loader picks the native addon or wasm).
 */
export function doraCore(): DoraCore {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('@internal/dora-metrics-core') as DoraCore;
  }
  return loaded;
}
