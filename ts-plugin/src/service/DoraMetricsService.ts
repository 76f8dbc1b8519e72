import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DoraMetricsConfig, KEY_METRICS } from '../config';
import { doraCore, isCoreError, KeyMetric, Targets } from '../core';
import type { EventColumns } from '@internal/dora-metrics-core';
import {
  DoraMetricsStore,
  emptyEventColumns,
  EventKind,
  ServiceEvents,
} from '../database/DoraMetricsStore';
import { isoInstant, ScorecardBody, scorecardBody } from './rest';

export type TargetSource = 'service' | 'default';

export type EffectiveTargets = {
  service: string;
  targets: Record<KeyMetric, { value: number; source: TargetSource }>;
};

export type ServiceSummary = {
  entityRef: string;
  repository: string;
  lastSyncedAt: string | null;
  lastError: string | null;
};

/**
 * What the routes serve: scorecards computed by the core from the stored raw events, targets,
 * services and events. Reads only; the numbers are the core's.
 */
export class DoraMetricsService {
  private readonly store: DoraMetricsStore;
  private readonly catalog: CatalogService;
  private readonly config: DoraMetricsConfig;
  private readonly now: () => Date;

  constructor(options: {
    store: DoraMetricsStore;
    catalog: CatalogService;
    config: DoraMetricsConfig;
    /** The clock that decides "today" (UTC); tests pass a fixed one. */
    now?: () => Date;
  }) {
    this.store = options.store;
    this.catalog = options.catalog;
    this.config = options.config;
    this.now = options.now ?? (() => new Date());
  }

  /** Fails with NotFoundError unless the service is in the store or in the catalog. */
  async assertKnown(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    if (await this.store.hasService(entityRef)) {
      return;
    }
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No service ${entityRef}`);
    }
  }

  async scorecard(entityRef: string, days: number): Promise<ScorecardBody> {
    const [events, ownTargets, syncState] = await Promise.all([
      this.store.readEventColumns(entityRef),
      this.store.getTargets(entityRef),
      this.store.getSyncState(entityRef),
    ]);
    return this.scorecardOf(
      entityRef,
      events,
      ownTargets,
      syncState?.lastSyncedAt ?? null,
      { today: this.today(), days },
    );
  }

  /**
   * Scorecards of every recorded service (or those owned by `owner`), best overall score
   * first, services without a score last, ties by entity ref. The store is read in a fixed
   * number of queries, whatever the number of services.
   */
  async scorecards(
    days: number,
    owner: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<ScorecardBody[]> {
    const [states, owned] = await Promise.all([
      this.store.listSyncStates(),
      owner ? this.ownedBy(owner, credentials) : undefined,
    ]);
    const selected = owned
      ? states.filter(state => owned.has(state.entityRef))
      : states;
    if (selected.length === 0) {
      return [];
    }
    const [events, targets] = await Promise.all([
      this.store.readEventColumnsByService(
        owned ? selected.map(state => state.entityRef) : undefined,
      ),
      this.store.listTargets(),
    ]);
    const period = { today: this.today(), days };
    const cards = selected.map(state =>
      this.scorecardOf(
        state.entityRef,
        events.get(state.entityRef) ?? emptyEventColumns(),
        targets.get(state.entityRef) ?? {},
        state.lastSyncedAt,
        period,
      ),
    );
    return cards.sort(
      (a, b) =>
        (b.overallScore ?? -Infinity) - (a.overallScore ?? -Infinity) ||
        (a.service < b.service ? -1 : 1),
    );
  }

  /** The core's scorecard of one service's events, with its own targets over the defaults. */
  private scorecardOf(
    entityRef: string,
    events: EventColumns,
    ownTargets: Partial<Targets>,
    lastSyncedAt: Date | null,
    period: { today: string; days: number },
  ): ScorecardBody {
    const scorecard = doraCore().computeScorecardColumns(events, period, {
      ...this.config.coreOptions,
      targets: { ...this.config.coreOptions.targets, ...ownTargets },
    });
    return scorecardBody(entityRef, scorecard, lastSyncedAt);
  }

  async targets(entityRef: string): Promise<EffectiveTargets> {
    const own = await this.store.getTargets(entityRef);
    const targets = Object.fromEntries(
      KEY_METRICS.map(key => [
        key,
        own[key] !== undefined
          ? { value: own[key], source: 'service' }
          : { value: this.config.defaultTargets[key], source: 'default' },
      ]),
    ) as EffectiveTargets['targets'];
    return { service: entityRef, targets };
  }

  /**
   * Sets some of a service's targets. The core decides which values are valid (the same rule
   * as for the configured defaults); nothing is written unless all are.
   */
  async setTargets(
    entityRef: string,
    targets: Partial<Targets>,
  ): Promise<EffectiveTargets> {
    try {
      doraCore().scoreWhatIf({}, { targets });
    } catch (error) {
      if (isCoreError(error)) {
        throw new InputError(error.message.replace(/^options\.targets\./, ''));
      }
      throw error;
    }
    await this.store.setTargets(entityRef, targets);
    return this.targets(entityRef);
  }

  async deleteTargets(entityRef: string): Promise<void> {
    await this.store.deleteTargets(entityRef);
  }

  async services(): Promise<ServiceSummary[]> {
    const states = await this.store.listSyncStates();
    return states.map(state => ({
      entityRef: state.entityRef,
      repository: state.repository,
      lastSyncedAt: state.lastSyncedAt?.toISOString() ?? null,
      lastError: state.lastError,
    }));
  }

  /** The stored events of the period that ends today, instants as ISO 8601. */
  async events(entityRef: string, days: number, kinds: EventKind[]) {
    // The period's dates are the core's (the same as the scorecard's).
    const { from, to } = doraCore().computeScorecard(
      { deployments: [], changes: [], incidents: [] },
      { today: this.today(), days },
    );
    const events: ServiceEvents = await this.store.readEvents(entityRef, {
      kinds,
      window: {
        from: Date.parse(`${from}T00:00:00.000Z`),
        to: Date.parse(`${to}T23:59:59.999Z`),
      },
    });
    const body: Record<string, unknown> = { service: entityRef, from, to };
    if (kinds.includes('deployments')) {
      body.deployments = events.deployments.map(d => ({
        id: d.id,
        environment: d.environment,
        state: d.state,
        sha: d.sha,
        createdAt: isoInstant(d.createdAt),
      }));
    }
    if (kinds.includes('changes')) {
      body.changes = events.changes.map(c => ({
        id: c.id,
        createdAt: isoInstant(c.createdAt),
        firstCommitAt: isoInstant(c.firstCommitAt),
        mergedAt: isoInstant(c.mergedAt),
      }));
    }
    if (kinds.includes('incidents')) {
      body.incidents = events.incidents.map(i => ({
        id: i.id,
        createdAt: isoInstant(i.createdAt),
        closedAt: isoInstant(i.closedAt),
        stateReason: i.stateReason,
      }));
    }
    return body;
  }

  private today(): string {
    return this.now().toISOString().slice(0, 10);
  }

  private async ownedBy(
    owner: string,
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const owned = new Set<string>();
    for await (const page of this.catalog.streamEntities(
      {
        filter: { 'relations.ownedBy': owner },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    )) {
      for (const entity of page) {
        owned.add(stringifyEntityRef(entity).toLocaleLowerCase('en-US'));
      }
    }
    return owned;
  }
}
