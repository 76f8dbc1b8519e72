import { setTimeout as sleep } from 'node:timers/promises';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DoraMetricsConfig } from '../config';
import { doraCore, SelectedService } from '../core';
import { DoraMetricsStore, SyncState } from '../database/DoraMetricsStore';

/** A service to collect, with its sync state (cursors, incomplete kinds). */
export type CollectionTarget = { service: SelectedService; state: SyncState };

/** What a collection did for one service. */
export type ServiceCollection = {
  entityRef: string;
  /** Why the service's collection is incomplete; absent when it succeeded. */
  error?: string;
  /** Event rows written (inserted, updated or removed). */
  eventsStored: number;
};

export type CollectionReport = {
  services: ServiceCollection[];
  /** HTTP requests sent to the source, retries included. */
  requests: number;
  /** GraphQL points spent. */
  points: number;
};

/**
 * Fetches the new events of all the services of a run at once (so that a source can batch
 * them) and stores them with the sync state they justify: events, then cursors and incomplete
 * flags. What it stored stays even where it failed part-way. The GitHub collector implements it.
 */
export interface EventCollector {
  collect(
    targets: CollectionTarget[],
    options: { signal?: AbortSignal; now: Date },
  ): Promise<CollectionReport>;
}

export type CollectionResult = {
  /** Services selected from the catalog. */
  services: number;
  /** Services whose collection failed. */
  failed: number;
  /** Event rows written. */
  eventsStored: number;
  requests: number;
  points: number;
};

const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
];

/**
 * One collection run: discover the services in the catalog, record them, collect each one's
 * events (when an EventCollector is given), and recompute each one's daily rollup from its
 * stored events.
 */
export class DoraCollector {
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly store: DoraMetricsStore;
  private readonly config: DoraMetricsConfig;
  private readonly logger: LoggerService;
  private readonly eventCollector?: EventCollector;
  private readonly secrets?: () => string[];
  private readonly now: () => Date;
  /** Services whose rollup this process has recomputed at least once. */
  private readonly rolledUp = new Set<string>();

  constructor(options: {
    catalog: CatalogService;
    auth: AuthService;
    store: DoraMetricsStore;
    config: DoraMetricsConfig;
    logger: LoggerService;
    eventCollector?: EventCollector;
    /** Further secrets to keep out of messages (the tokens the event collector uses). */
    secrets?: () => string[];
    now?: () => Date;
  }) {
    this.secrets = options.secrets;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.store = options.store;
    this.config = options.config;
    this.logger = options.logger;
    this.eventCollector = options.eventCollector;
    this.now = options.now ?? (() => new Date());
  }

  /** The catalog's services to collect, as the core selects them. */
  async discoverServices(): Promise<SelectedService[]> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const entities: Entity[] = [];
    for await (const page of this.catalog.streamEntities(
      { filter: { kind: 'Component' }, fields: ENTITY_FIELDS },
      { credentials },
    )) {
      entities.push(...page);
    }
    return doraCore().selectServices(entities, this.config.selection);
  }

  async run(options: { signal?: AbortSignal } = {}): Promise<CollectionResult> {
    const started = Date.now();
    const services = await this.discoverServices();
    await this.store.recordServices(
      services.map(s => ({
        entityRef: s.entityRef,
        host: s.host,
        repository: `${s.owner}/${s.repo}`,
      })),
    );
    const report = await this.collect(services, options.signal);
    const outcomes = new Map(report.services.map(o => [o.entityRef, o]));

    let failed = 0;
    let eventsStored = 0;
    for (const service of services) {
      const outcome = outcomes.get(service.entityRef);
      eventsStored += outcome?.eventsStored ?? 0;
      if (this.eventCollector) {
        if (!(await this.recordOutcome(service.entityRef, outcome))) {
          failed += 1;
        }
      }
      // The rollup is a pure function of the stored events and the configuration: recomputed
      // where events changed, and for everyone on a process's first run (the configuration may
      // have changed since the last one).
      if (!this.rolledUp.has(service.entityRef) || outcome?.eventsStored) {
        await this.recomputeRollup(service.entityRef);
        this.rolledUp.add(service.entityRef);
      }
    }
    this.logger.info(
      `DORA metrics collection: ${services.length} services, ${failed} failed, ` +
        `${eventsStored} events stored, ${report.requests} GitHub requests, ` +
        `${report.points} GraphQL points, ${Date.now() - started} ms`,
    );
    return {
      services: services.length,
      failed,
      eventsStored,
      requests: report.requests,
      points: report.points,
    };
  }

  /**
   * A run that finds no service may have run before the catalog finished loading: it is
   * retried after `retryDelayMs` (up to `retries` times) rather than at the next interval.
   */
  async runWithRetries(options: {
    signal?: AbortSignal;
    retries: number;
    retryDelayMs: number;
  }): Promise<CollectionResult> {
    let result = await this.run(options);
    for (
      let attempt = 0;
      result.services === 0 && attempt < options.retries;
      attempt++
    ) {
      this.logger.info(
        `DORA metrics collection found no services; retrying in ${options.retryDelayMs} ms`,
      );
      if (!(await delay(options.retryDelayMs, options.signal))) {
        break;
      }
      result = await this.run(options);
    }
    return result;
  }

  /** Runs the event collector over every service; a collector that throws fails them all. */
  private async collect(
    services: SelectedService[],
    signal: AbortSignal | undefined,
  ): Promise<CollectionReport> {
    if (!this.eventCollector || services.length === 0) {
      return { services: [], requests: 0, points: 0 };
    }
    try {
      const states = new Map(
        (await this.store.listSyncStates()).map(s => [s.entityRef, s]),
      );
      const targets = services.map(service => {
        const state = states.get(service.entityRef);
        if (!state) {
          throw new Error(`${service.entityRef} has no sync state`);
        }
        return { service, state };
      });
      return await this.eventCollector.collect(targets, {
        signal,
        now: this.now(),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        services: services.map(s => ({
          entityRef: s.entityRef,
          error: message,
          eventsStored: 0,
        })),
        requests: 0,
        points: 0,
      };
    }
  }

  /** Records a service's outcome in its sync state; whether it succeeded. */
  private async recordOutcome(
    entityRef: string,
    outcome: ServiceCollection | undefined,
  ): Promise<boolean> {
    const error = outcome
      ? outcome.error
      : 'the collection run ended before this service was collected';
    if (error === undefined) {
      await this.store.updateSyncState(entityRef, {
        lastSyncedAt: this.now(),
        lastError: null,
        lastErrorAt: null,
      });
      return true;
    }
    const message = this.redact(error);
    this.logger.warn(
      `DORA metrics collection of ${entityRef} failed: ${message}`,
    );
    await this.store.updateSyncState(entityRef, {
      lastError: message,
      lastErrorAt: this.now(),
    });
    return false;
  }

  /** The rollup is a pure function of the stored events, so it is recomputed whole. */
  private async recomputeRollup(entityRef: string): Promise<void> {
    const events = await this.store.readEventColumns(entityRef);
    const rows = doraCore().aggregateDailyColumns(
      events,
      this.config.coreOptions,
    );
    await this.store.replaceDailyMetrics(entityRef, rows);
  }

  /** No token ever reaches a log line, the store or a response. */
  private redact(message: string): string {
    const secrets = [this.config.githubToken, ...(this.secrets?.() ?? [])];
    let redacted = message;
    for (const secret of secrets) {
      if (secret) {
        redacted = redacted.split(secret).join('[REDACTED]');
      }
    }
    return redacted;
  }
}

/** Waits `ms`; false when aborted first. */
async function delay(ms: number, signal?: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
