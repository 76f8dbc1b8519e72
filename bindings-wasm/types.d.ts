// The JavaScript API of dora-metrics-core (spec/CORE_API.md), shared by the native addon
// (@internal/dora-metrics-core) and this wasm build. Instants are epoch milliseconds.

export type Tier = 'Elite' | 'High' | 'Medium' | 'Low';
export type KeyMetric = 'deploymentFrequency' | 'leadTime' | 'changeFailureRate' | 'mttr';
export type Statistic = 'median' | 'mean';

export interface Deployment {
  /** GitHub node id; unique among deployments. */
  id: string;
  /** As GitHub wrote it. */
  environment: string;
  /** SUCCESS | ACTIVE | INACTIVE succeeded; FAILURE | ERROR failed; anything else is not completed. */
  state: string;
  createdAt: number;
}
export interface Change {
  id: string;
  createdAt: number;
  /** Authored date of the first commit; createdAt stands in when null or absent. */
  firstCommitAt?: number | null;
  mergedAt: number;
}
export interface Incident {
  id: string;
  createdAt: number;
  /** null while open. */
  closedAt?: number | null;
  /** NOT_PLANNED and DUPLICATE are not incidents. */
  stateReason?: string | null;
}
export interface Events {
  deployments: Deployment[];
  changes: Change[];
  incidents: Incident[];
}

export type Triple = [elite: number, high: number, medium: number];
export type Tiers =
  | 'dora-2023'
  | 'dora-2021'
  | {
      deploymentFrequency: Triple;
      leadTime: Triple;
      changeFailureRate: Triple;
      mttr: Triple;
      reworkRate?: Triple | null;
    };
export interface Targets {
  deploymentFrequency: number;
  leadTime: number;
  changeFailureRate: number;
  mttr: number;
}
export interface Options {
  productionEnvironments?: string[] | null;
  statistic?: Statistic | null;
  tiers?: Tiers | null;
  targets?: Partial<Targets> | null;
}

export interface DailyRow {
  date: string;
  deploymentCount: number;
  deploymentFailureCount: number;
  reworkCount: number;
  leadTimeAvgSeconds: number | null;
  leadTimeCount: number;
  mttrAvgSeconds: number | null;
  mttrCount: number;
}

export interface Period {
  /** YYYY-MM-DD; the period ends with this date, included. */
  today: string;
  /** 1 to 365. */
  days: number;
}
export interface Metric {
  current: number | null;
  previous: number | null;
  change: number | null;
  target: number | null;
  meetsTarget: boolean | null;
  tier: Tier | null;
  score: number | null;
  samples: number;
  history: (number | null)[];
}
export interface Scorecard {
  from: string;
  to: string;
  days: number;
  statistic: Statistic;
  metrics: Record<KeyMetric | 'reworkRate', Metric>;
  overallScore: number | null;
  overallTier: Tier | null;
}

export type WhatIfValues = Partial<Record<KeyMetric, number | null>>;
export interface WhatIf {
  metrics: Record<KeyMetric, { tier: Tier | null; score: number | null }>;
  overallScore: number | null;
  overallTier: Tier | null;
}

export interface CatalogEntity {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [key: string]: unknown;
}
export interface Selection {
  organizations: string[];
  includeServices?: string[] | null;
  excludeServices?: string[] | null;
  /** GitHub hosts (integrations.github[].host); default ['github.com']. */
  hosts?: string[] | null;
}
export interface SelectedService {
  entityRef: string;
  owner: string;
  repo: string;
  host: string;
}

/** Thrown by every function on bad input; `code` is stable, `message` names the field. */
export interface CoreError extends Error {
  code:
    | 'NON_FINITE'
    | 'INVALID_INPUT'
    | 'DUPLICATE_ID'
    | 'INVALID_DATE'
    | 'INVALID_DAYS'
    | 'INVALID_TIERS'
    | 'INVALID_TARGETS'
    | 'INVALID_OPTIONS';
}

/**
 * One service's events as columns: the compact form for large inputs (a copy per typed array
 * instead of a property read per field per event). `ids` holds a kind's ids in UTF-8 back to
 * back and `idEnd` where each ends; `environment`, `state` and `stateReason` index `strings`
 * (`stateReason` 0xFFFFFFFF for none); NaN in `firstCommitAt` or `closedAt` means absent.
 */
export interface EventColumns {
  strings: string[];
  deployments: { ids: Uint8Array; idEnd: Uint32Array; environment: Uint32Array; state: Uint32Array; createdAt: Float64Array };
  changes: { ids: Uint8Array; idEnd: Uint32Array; createdAt: Float64Array; firstCommitAt: Float64Array; mergedAt: Float64Array };
  incidents: { ids: Uint8Array; idEnd: Uint32Array; createdAt: Float64Array; closedAt: Float64Array; stateReason: Uint32Array };
}

export declare function aggregateDaily(events: Events, options?: Options | null): DailyRow[];
export declare function computeScorecard(events: Events, period: Period, options?: Options | null): Scorecard;
export declare function scoreWhatIf(values: WhatIfValues, options?: Options | null): WhatIf;
export declare function classifyTier(metric: KeyMetric, value: number, tiers?: Tiers | null): Tier;
export declare function matchEnvironment(name: string, productionEnvironments?: string[] | null): boolean;
export declare function selectServices(entities: CatalogEntity[], selection: Selection): SelectedService[];
export declare function aggregateDailyColumns(columns: EventColumns, options?: Options | null): DailyRow[];
export declare function computeScorecardColumns(columns: EventColumns, period: Period, options?: Options | null): Scorecard;
