import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the DORA metrics backend plugin (`@internal/plugin-dora-metrics-backend`). */
  doraMetrics: {
    github: {
      /**
       * The GitHub organizations whose repositories are collected (case-insensitive). Required,
       * at least one.
       */
      organizations: string[];
      /**
       * A GitHub token. Optional: otherwise `integrations.github` (a token or a GitHub App),
       * then the GITHUB_TOKEN environment variable.
       * @visibility secret
       */
      token?: string;
    };
    environments?: {
      /**
       * Deployment environment names that are production; `prod` also matches `prod-eu`,
       * `prod_eu`, `prod/eu` and `prod.eu`.
       * @default ["prd", "prod", "production"]
       */
      production?: string[];
      /**
       * Staging environment names (reserved; they never count as production).
       * @default ["stg", "stage", "staging"]
       */
      staging?: string[];
    };
    labels?: {
      /**
       * The issue label that marks an incident.
       * @default "bug"
       */
      failureIssue?: string;
    };
    collection?: {
      /**
       * Minutes between two collection runs, 1 to 10080.
       * @default 30
       */
      intervalMinutes?: number;
      /**
       * The longest a collection run may take (a Backstage duration: `{ minutes: 15 }`, `15m`
       * or `PT15M`; 10 seconds to 24 hours). A longer run is stopped, keeping what it stored;
       * the next run goes on from there. After a crash, or a database outage in the middle of a
       * run, collection resumes within this time plus a minute.
       * @default { minutes: 15 }
       */
      timeout?: HumanDuration | string;
      /**
       * How many days of history the first collection of a repository fetches, 1 to 3650.
       * @default 30
       */
      initialDays?: number;
      /**
       * When non-empty, only these services (entity names or full entity refs; `*` matches any
       * run of characters) are collected.
       * @default []
       */
      includeServices?: string[];
      /**
       * Services never collected (entity names or full entity refs; `*` wildcards).
       * @default []
       */
      excludeServices?: string[];
    };
    /**
     * How lead times and restore times of a period are summarized.
     * @default "median"
     */
    statistic?: 'median' | 'mean';
    /**
     * Tier thresholds: a preset name, or for each metric its [elite, high, medium] thresholds
     * (strictly monotone; `reworkRate` optional).
     * @default "dora-2023"
     */
    tiers?:
      | 'dora-2023'
      | 'dora-2021'
      | {
          deploymentFrequency: number[];
          leadTime: number[];
          changeFailureRate: number[];
          mttr: number[];
          reworkRate?: number[];
        };
    /** Default targets; a service's own targets (POST /targets/:service) override them. */
    targets?: {
      /**
       * Deployments per week (> 0).
       * @default 7
       */
      deploymentFrequency?: number;
      /**
       * Hours (> 0).
       * @default 24
       */
      leadTime?: number;
      /**
       * Percent, 0 to 100.
       * @default 5
       */
      changeFailureRate?: number;
      /**
       * Minutes (> 0).
       * @default 60
       */
      mttr?: number;
    };
  };
}
