import { setTimeout as sleep } from 'node:timers/promises';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DoraMetricsConfig } from '../config';
import { doraCore, SelectedService } from '../core';
import { DoraMetricsStore, SyncState } from '../database/DoraMetricsStore';

/**
 * Fetches one service's new events from its source and stores them (events, then cursors and
 * incomplete flags in the sync state). It throws when it could not finish; whatever it stored
 * stays. The GitHub collector implements this.
 */
export interface EventCollector {
  collect(
    service: SelectedService,
    state: SyncState,
    options: { signal?: AbortSignal },
  ): Promise<void>;
}

export type CollectionResult = {
  /** Services selected from the catalog. */
  services: number;
  /** Services whose collection failed. */
  failed: number;
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
  private readonly now: () => Date;

  constructor(options: {
    catalog: CatalogService;
    auth: AuthService;
    store: DoraMetricsStore;
    config: DoraMetricsConfig;
    logger: LoggerService;
    eventCollector?: EventCollector;
    now?: () => Date;
  }) {
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
    const services = await this.discoverServices();
    await this.store.recordServices(
      services.map(s => ({
        entityRef: s.entityRef,
        host: s.host,
        repository: `${s.owner}/${s.repo}`,
      })),
    );
    let failed = 0;
    for (const service of services) {
      if (options.signal?.aborted) {
        break;
      }
      if (!(await this.collect(service, options.signal))) {
        failed += 1;
      }
      await this.recomputeRollup(service.entityRef);
    }
    this.logger.info(
      `DORA metrics collection covered ${services.length} services, ${failed} failed`,
    );
    return { services: services.length, failed };
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

  /** Collects one service's events; whether it succeeded. */
  private async collect(
    service: SelectedService,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    if (!this.eventCollector) {
      return true; // Nothing collects yet: lastSyncedAt stays as it is.
    }
    try {
      const state = await this.store.getSyncState(service.entityRef);
      if (!state) {
        throw new Error(`${service.entityRef} has no sync state`);
      }
      await this.eventCollector.collect(service, state, { signal });
      await this.store.updateSyncState(service.entityRef, {
        lastSyncedAt: this.now(),
        lastError: null,
        lastErrorAt: null,
      });
      return true;
    } catch (error) {
      const message = this.redact(
        error instanceof Error ? error.message : String(error),
      );
      this.logger.warn(
        `DORA metrics collection of ${service.entityRef} failed: ${message}`,
      );
      await this.store.updateSyncState(service.entityRef, {
        lastError: message,
        lastErrorAt: this.now(),
      });
      return false;
    }
  }

  /** The rollup is a pure function of the stored events, so it is recomputed whole. */
  private async recomputeRollup(entityRef: string): Promise<void> {
    const events = await this.store.readEvents(entityRef);
    const rows = doraCore().aggregateDaily(events, this.config.coreOptions);
    await this.store.replaceDailyMetrics(entityRef, rows);
  }

  /** The GitHub token never reaches a log line, the store or a response. */
  private redact(message: string): string {
    const token = this.config.githubToken;
    return token ? message.split(token).join('[REDACTED]') : message;
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
