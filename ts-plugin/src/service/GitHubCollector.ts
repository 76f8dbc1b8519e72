import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { DoraMetricsConfig } from '../config';
import { doraCore } from '../core';
import {
  DoraMetricsStore,
  EventKind,
  ServiceEvents,
  StoredChange,
  StoredIncident,
} from '../database/DoraMetricsStore';
import {
  CollectionReport,
  CollectionTarget,
  EventCollector,
  ServiceCollection,
} from './DoraCollector';
import {
  GitHubClient,
  GitHubClientOptions,
  GitHubRateLimitError,
  GraphQLErrorEntry,
  RequestCounters,
} from './github/GitHubClient';
import { GitHubCredentials } from './github/credentials';
import {
  deploymentsPart,
  FetchedDeployment,
  nodesPart,
  qualifierValue,
  queryDocument,
  readDeployment,
  readIssue,
  readPullRequest,
  SEARCH_REACHABLE,
  SearchShape,
  searchPart,
  searchRange,
} from './github/queries';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Deployment states that never change again. The others (PENDING, QUEUED, IN_PROGRESS,
 * WAITING, none) are re-read by node id on every run until they settle.
 */
const SETTLED_STATES = [
  'SUCCESS',
  'ACTIVE',
  'INACTIVE',
  'FAILURE',
  'ERROR',
  'ABANDONED',
  'DESTROYED',
];

/** How the collector sizes its work; the defaults suit github.com. */
export type GitHubCollectorTuning = {
  /** Search cursors start this far back, for GitHub's search index lag. */
  searchOverlapMinutes: number;
  /** Deployment lists are read back to this much before the newest one seen. */
  deploymentOverlapMinutes: number;
  /** Deployments read per repository on an incremental run's first page. */
  incrementalPageSize: number;
  /** Repositories per query. */
  repositoriesPerQuery: number;
  /** Search pages per query. */
  searchesPerQuery: number;
  /** Deployments re-read by node id per query (100 per `nodes` field). */
  nodeIdsPerQuery: number;
  /** Repositories of one organization listed as `repo:` qualifiers instead of `org:`. */
  maxRepoQualifiers: number;
  /** HTTP behaviour (timeouts, retry units, longest wait). */
  client: Pick<
    GitHubClientOptions,
    | 'requestTimeoutMs'
    | 'retryBaseMs'
    | 'retryAfterUnitMs'
    | 'maxWaitSeconds'
    | 'minRequestIntervalMs'
  >;
};

const DEFAULT_TUNING: GitHubCollectorTuning = {
  searchOverlapMinutes: 10,
  deploymentOverlapMinutes: 2,
  incrementalPageSize: 10,
  repositoriesPerQuery: 100,
  searchesPerQuery: 6,
  nodeIdsPerQuery: 500,
  maxRepoQualifiers: 5,
  client: {},
};

type Cursors = Partial<Record<EventKind, number>>;

/** One repository of the run: its services and what was fetched for them. */
type RepoWork = {
  owner: string;
  name: string;
  targets: CollectionTarget[];
  /** Deployments created before this are known (or outside the backfill window). */
  stopAt: number;
  backfill: boolean;
  deployments: Map<string, FetchedDeployment>;
  /** Stored deployments that are gone or no longer production. */
  removed: Set<string>;
  /** The newest deployment seen, any environment. */
  newest: number | null;
  error: string | null;
};

/** One search over an organization for one kind, for the services that share its start. */
type SearchGroup = {
  kind: 'changes' | 'incidents';
  targets: CollectionTarget[];
  repos: Set<string>;
  from: number;
  /** Where an open-ended date range is cut when it must be split. */
  openEnd: number;
  backfill: boolean;
  /** The newest merge (changes) or update (incidents) seen in the results. */
  newest: number | null;
  changes: Map<string, Map<string, StoredChange>>;
  incidents: Map<string, Map<string, StoredIncident>>;
  /** Issues of the scope that changed and no longer carry the failure label. */
  notIncidents: Map<string, Set<string>>;
  error: string | null;
};

type Work =
  | {
      type: 'deployments';
      repo: RepoWork;
      first: number;
      after: string | null;
    }
  | {
      type: 'search';
      group: SearchGroup;
      shape: SearchShape;
      /** Issues: whether the results carry the failure label (or are those without it). */
      labelled: boolean;
      /** The query without its date range. */
      base: string;
      field: 'merged' | 'updated';
      from: number;
      to: number | null;
      after: string | null;
      reached: number;
    }
  | {
      type: 'nodes';
      ids: string[];
      owners: Map<string, RepoWork>;
    };

/** A host and credential: the requests that go out through one client. */
type Channel = {
  client: GitHubClient;
  queue: Work[];
};

/**
 * Collects production deployments, changes (pull requests merged into the default branch) and
 * incidents (issues carrying the failure label) from GitHub's GraphQL API, for all the services
 * of a run at once. Each repository is fetched once, whatever the number of services on it.
 *
 * What a run sends, per API host and credential, as few queries as the data allows (each query
 * carries up to 100 repositories, 6 search pages and 500 node ids, under aliases):
 * - per repository, its deployments newest first, down to the newest one already seen (a
 *   backfill: down to `initialDays` ago); a repository with nothing new answers in one page;
 * - per organization (or up to 5 `repo:` qualifiers), a search for pull requests merged since the
 *   changes cursor, and for issues updated since the incidents cursor, with the failure label and
 *   (to drop an issue that lost it) without; a backfill instead searches the labelled issues of
 *   the window and those still open from before it. Cursors overlap by a few minutes for the
 *   search index's lag; a range with more than 1,000 results is cut into slices;
 * - the stored deployments that had not settled, re-read by node id.
 *
 * Per service, the events and the cursors they justify are committed in one transaction; a kind
 * that failed keeps its cursor and is marked incomplete, and the next run fetches it again.
 */
export class GitHubCollector implements EventCollector {
  private readonly store: DoraMetricsStore;
  private readonly config: DoraMetricsConfig;
  private readonly logger: LoggerService;
  private readonly credentials: GitHubCredentials;
  private readonly tuning: GitHubCollectorTuning;
  private readonly tokens = new Set<string>();

  constructor(options: {
    /** The root config: `integrations.github` gives the hosts and their credentials. */
    rootConfig: Config;
    config: DoraMetricsConfig;
    store: DoraMetricsStore;
    logger: LoggerService;
    tuning?: Partial<GitHubCollectorTuning>;
  }) {
    this.store = options.store;
    this.config = options.config;
    this.logger = options.logger;
    this.credentials = new GitHubCredentials(
      options.rootConfig,
      options.config.githubToken,
    );
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
  }

  /** The tokens this collector has used, to keep out of every message. */
  secrets(): string[] {
    return [...this.tokens];
  }

  async collect(
    targets: CollectionTarget[],
    options: { signal?: AbortSignal; now: Date },
  ): Promise<CollectionReport> {
    const counters: RequestCounters = { requests: 0, points: 0 };
    const backfillStart = options.now.getTime() - this.config.initialDays * DAY;

    const repos = this.planRepositories(targets, backfillStart);
    const groups = this.planSearches(targets, options.now.getTime());
    const { channels, channelOf, setupErrors } = await this.openChannels(
      targets,
      counters,
      options.signal,
    );

    // Searches first: they are few, and the first query carries them all.
    for (const group of groups.values()) {
      const channel = channelOf.get(orgKey(group.targets[0]));
      if (!channel) {
        group.error = setupErrors.get(orgKey(group.targets[0])) ?? null;
        continue;
      }
      channel.queue.push(...this.searchWorks(group));
    }
    await this.queueUnsettledDeployments(repos, channelOf, setupErrors);
    for (const repo of repos.values()) {
      const channel = channelOf.get(orgKey(repo.targets[0]));
      if (!channel) {
        repo.error ??= setupErrors.get(orgKey(repo.targets[0])) ?? null;
        continue;
      }
      channel.queue.push({
        type: 'deployments',
        repo,
        first: repo.backfill ? 100 : this.tuning.incrementalPageSize,
        after: null,
      });
    }

    for (const channel of channels) {
      await this.drain(channel, options.signal);
    }

    const services: ServiceCollection[] = [];
    for (const target of targets) {
      services.push(
        await this.commit(target, repos, groups, options.now.getTime()).catch(
          error => ({
            entityRef: target.service.entityRef,
            error: errorMessage(error),
            eventsStored: 0,
          }),
        ),
      );
    }
    return { services, requests: counters.requests, points: counters.points };
  }

  // ---- channels ------------------------------------------------------------------------------

  /**
   * One client per API host and credential (a GitHub App has one per organization); each
   * organization's work goes out through its channel. An organization without one gets the
   * reason as its error.
   */
  private async openChannels(
    targets: CollectionTarget[],
    counters: RequestCounters,
    signal: AbortSignal | undefined,
  ) {
    const channels = new Map<string, Channel>();
    const channelOf = new Map<string, Channel>();
    const setupErrors = new Map<string, string>();
    const organizations = new Map(targets.map(t => [orgKey(t), t.service]));
    for (const [key, { host, owner }] of organizations) {
      try {
        const endpoint = await this.credentials.forOrganization(host, owner);
        if (endpoint.token) {
          this.tokens.add(endpoint.token);
        }
        const channelKey = `${endpoint.apiBaseUrl}\n${endpoint.token ?? ''}`;
        let channel = channels.get(channelKey);
        if (!channel) {
          channel = {
            client: new GitHubClient({
              ...this.tuning.client,
              apiBaseUrl: endpoint.apiBaseUrl,
              token: endpoint.token,
              logger: this.logger,
              counters,
              signal,
            }),
            queue: [],
          };
          channels.set(channelKey, channel);
        }
        channelOf.set(key, channel);
      } catch (error) {
        setupErrors.set(key, this.redact(errorMessage(error)));
      }
    }
    return { channels: [...channels.values()], channelOf, setupErrors };
  }

  // ---- planning ------------------------------------------------------------------------------

  private planRepositories(
    targets: CollectionTarget[],
    backfillStart: number,
  ): Map<string, RepoWork> {
    const overlap = this.tuning.deploymentOverlapMinutes * MINUTE;
    const repos = new Map<string, RepoWork>();
    for (const target of targets) {
      const key = repoKey(target);
      const cursor = cursorsOf(target).deployments;
      const stopAt = cursor === undefined ? backfillStart : cursor - overlap;
      const repo = repos.get(key);
      if (repo) {
        repo.targets.push(target);
        repo.stopAt = Math.min(repo.stopAt, stopAt);
        repo.backfill ||= cursor === undefined;
        continue;
      }
      repos.set(key, {
        owner: target.service.owner,
        name: target.service.repo,
        targets: [target],
        stopAt,
        backfill: cursor === undefined,
        deployments: new Map(),
        removed: new Set(),
        newest: null,
        error: null,
      });
    }
    return repos;
  }

  /**
   * Per organization and kind, the services that need a backfill share one search and those
   * that continue from a cursor share another.
   */
  private planSearches(
    targets: CollectionTarget[],
    now: number,
  ): Map<string, SearchGroup> {
    const backfillStart = now - this.config.initialDays * DAY;
    const overlap = this.tuning.searchOverlapMinutes * MINUTE;
    const groups = new Map<string, SearchGroup>();
    for (const target of targets) {
      for (const kind of ['changes', 'incidents'] as const) {
        const cursor = cursorsOf(target)[kind];
        const backfill = cursor === undefined;
        const key = `${orgKey(target)}\n${kind}\n${backfill}`;
        const from = backfill ? backfillStart : cursor - overlap;
        const group = groups.get(key);
        if (group) {
          group.targets.push(target);
          group.repos.add(slugOf(target));
          group.from = Math.min(group.from, from);
          continue;
        }
        groups.set(key, {
          kind,
          targets: [target],
          repos: new Set([slugOf(target)]),
          from,
          openEnd: Math.max(Date.now(), now) + DAY,
          backfill,
          newest: null,
          changes: new Map(),
          incidents: new Map(),
          notIncidents: new Map(),
          error: null,
        });
      }
    }
    return groups;
  }

  private searchWorks(group: SearchGroup): Work[] {
    const { owner } = group.targets[0].service;
    const repos = [...new Set(group.targets.map(t => t.service.repo))];
    const scope =
      repos.length <= this.tuning.maxRepoQualifiers
        ? repos.map(r => `repo:${owner}/${r}`).join(' ')
        : `org:${owner}`;
    const label = `label:${qualifierValue(this.config.failureIssueLabel)}`;
    const work = (
      shape: SearchShape,
      base: string,
      field: 'merged' | 'updated',
      labelled = true,
      from = group.from,
    ): Work => ({
      type: 'search',
      group,
      shape,
      labelled,
      base,
      field,
      from,
      to: null,
      after: null,
      reached: 0,
    });
    if (group.kind === 'changes') {
      return [work('pullRequests', `${scope} is:pr is:merged`, 'merged')];
    }
    if (!group.backfill) {
      return [
        work('issues', `${scope} is:issue ${label}`, 'updated'),
        // An issue that lost the label since is no incident any more.
        work('issues', `${scope} is:issue -${label}`, 'updated', false),
      ];
    }
    // A backfill needs the incidents of the window, and those still open from before it.
    const openBefore = searchRange(group.from, null).replace('>=', '<');
    return [
      work('issues', `${scope} is:issue ${label}`, 'updated'),
      work(
        'issues',
        `${scope} is:issue is:open ${label} updated:${openBefore}`,
        'updated',
        true,
        Number.NEGATIVE_INFINITY,
      ),
    ];
  }

  /** Stored deployments that had not settled are re-read by node id. */
  private async queueUnsettledDeployments(
    repos: Map<string, RepoWork>,
    channelOf: Map<string, Channel>,
    setupErrors: Map<string, string>,
  ): Promise<void> {
    const repoOfService = new Map<string, RepoWork>();
    for (const repo of repos.values()) {
      for (const target of repo.targets) {
        repoOfService.set(target.service.entityRef, repo);
      }
    }
    const unsettled = await this.store.unsettledDeployments(
      [...repoOfService.keys()],
      SETTLED_STATES,
    );
    const perChannel = new Map<Channel, Map<string, RepoWork>>();
    for (const { entityRef, id } of unsettled) {
      const repo = repoOfService.get(entityRef)!;
      const channel = channelOf.get(orgKey(repo.targets[0]));
      if (!channel) {
        repo.error ??= setupErrors.get(orgKey(repo.targets[0])) ?? null;
        continue;
      }
      const owners = perChannel.get(channel) ?? new Map<string, RepoWork>();
      owners.set(id, repo);
      perChannel.set(channel, owners);
    }
    for (const [channel, owners] of perChannel) {
      const ids = [...owners.keys()];
      for (let i = 0; i < ids.length; i += 100) {
        channel.queue.push({
          type: 'nodes',
          ids: ids.slice(i, i + 100),
          owners,
        });
      }
    }
  }

  // ---- fetching ------------------------------------------------------------------------------

  /** Sends a channel's work, a batch per query, until none is left or the channel fails. */
  private async drain(channel: Channel, signal?: AbortSignal): Promise<void> {
    while (channel.queue.length > 0) {
      if (signal?.aborted) {
        for (const work of channel.queue.splice(0)) {
          fail(work, 'the collection run was cancelled');
        }
        return;
      }
      const batch = this.takeBatch(channel.queue);
      const parts = batch.map((work, i) => partOf(work, `w${i}`));
      try {
        const { data, errors } = await channel.client.query(
          queryDocument(parts),
        );
        batch.forEach((work, i) => {
          const alias = `w${i}`;
          const own = errors.filter(e => e.path?.[0] === alias);
          try {
            channel.queue.push(...this.handle(work, data[alias], own));
          } catch (error) {
            fail(work, errorMessage(error));
          }
        });
        // An error that names no part of the query fails the whole of it.
        const stray = errors.filter(
          e => !batch.some((_, i) => e.path?.[0] === `w${i}`),
        );
        if (stray.length > 0) {
          for (const work of batch) {
            fail(work, stray[0].message);
          }
        }
      } catch (error) {
        const message = errorMessage(error);
        for (const work of batch) {
          fail(work, message);
        }
        if (error instanceof GitHubRateLimitError) {
          for (const work of channel.queue.splice(0)) {
            fail(work, message);
          }
        }
      }
    }
  }

  private takeBatch(queue: Work[]): Work[] {
    const { repositoriesPerQuery, searchesPerQuery, nodeIdsPerQuery } =
      this.tuning;
    const batch: Work[] = [];
    const rest: Work[] = [];
    let repositories = 0;
    let searches = 0;
    let ids = 0;
    for (const work of queue) {
      if (work.type === 'deployments' && repositories < repositoriesPerQuery) {
        repositories += 1;
        batch.push(work);
      } else if (work.type === 'search' && searches < searchesPerQuery) {
        searches += 1;
        batch.push(work);
      } else if (
        work.type === 'nodes' &&
        ids + work.ids.length <= Math.max(nodeIdsPerQuery, work.ids.length)
      ) {
        ids += work.ids.length;
        batch.push(work);
      } else {
        rest.push(work);
      }
    }
    queue.splice(0, queue.length, ...rest);
    return batch;
  }

  /** Reads one part's answer; returns the work it leads to (next pages, split searches). */
  private handle(work: Work, value: any, errors: GraphQLErrorEntry[]): Work[] {
    if (work.type === 'nodes') {
      value.forEach((node: any, i: number) => {
        const id = work.ids[i];
        const repo = work.owners.get(id)!;
        const error = errors.find(e => e.path?.[1] === i);
        if (!node) {
          if (error && error.type !== 'NOT_FOUND') {
            repo.error ??= error.message;
          } else {
            repo.removed.add(id); // deleted on GitHub
          }
          return;
        }
        const deployment = readDeployment(node);
        if (this.isProduction(deployment.environment)) {
          repo.deployments.set(id, deployment);
        } else {
          repo.removed.add(id);
        }
      });
      return [];
    }
    if (errors.length > 0 || !value) {
      throw new Error(errors[0]?.message ?? 'GitHub sent no data');
    }
    if (work.type === 'deployments') {
      return this.handleDeployments(work, value.deployments);
    }
    return this.handleSearch(work, value);
  }

  private handleDeployments(
    work: Extract<Work, { type: 'deployments' }>,
    connection: any,
  ): Work[] {
    const { repo } = work;
    for (const node of connection.nodes) {
      const deployment = readDeployment(node);
      repo.newest = Math.max(
        repo.newest ?? deployment.createdAt,
        deployment.createdAt,
      );
      if (deployment.createdAt < repo.stopAt) {
        return []; // newest first: the rest is known
      }
      if (this.isProduction(deployment.environment)) {
        repo.deployments.set(deployment.id, deployment);
      }
    }
    if (!connection.pageInfo.hasNextPage) {
      return [];
    }
    return [{ ...work, first: 100, after: connection.pageInfo.endCursor }];
  }

  private handleSearch(
    work: Extract<Work, { type: 'search' }>,
    connection: any,
  ): Work[] {
    const { group } = work;
    if (work.after === null && connection.issueCount > SEARCH_REACHABLE) {
      // Only the first thousand results are reachable: cut the date range into slices that
      // should hold fewer each (a slice that still holds more is cut again).
      const to = work.to ?? group.openEnd;
      const seconds = Math.floor((to - work.from) / 1000);
      if (Number.isFinite(work.from) && seconds >= 2) {
        const slices = Math.min(
          seconds,
          Math.ceil(connection.issueCount / (SEARCH_REACHABLE * 0.8)),
        );
        const bounds = Array.from(
          { length: slices + 1 },
          (_, i) => work.from + Math.floor((seconds * i) / slices) * 1000,
        );
        return bounds.slice(0, -1).map((from, i) => ({
          ...work,
          from,
          to: i === slices - 1 ? to : bounds[i + 1] - 1000,
        }));
      }
      throw new Error(
        `more than ${SEARCH_REACHABLE} results for "${queryOf(work)}"`,
      );
    }
    for (const node of connection.nodes) {
      if (!node?.id) {
        continue;
      }
      if (group.kind === 'changes') {
        const pr = readPullRequest(node);
        if (pr.change.mergedAt === null) {
          continue;
        }
        group.newest = Math.max(group.newest ?? 0, pr.change.mergedAt);
        if (group.repos.has(pr.repository) && pr.mergedIntoDefaultBranch) {
          mapOf(group.changes, pr.repository).set(pr.change.id, {
            ...pr.change,
            mergedAt: pr.change.mergedAt,
          });
        }
        continue;
      }
      const issue = readIssue(node);
      if (Number.isFinite(work.from)) {
        group.newest = Math.max(group.newest ?? 0, issue.updatedAt);
      }
      if (!group.repos.has(issue.repository)) {
        continue;
      }
      if (work.labelled) {
        mapOf(group.incidents, issue.repository).set(
          issue.incident.id,
          issue.incident,
        );
      } else {
        const gone = group.notIncidents.get(issue.repository) ?? new Set();
        gone.add(issue.incident.id);
        group.notIncidents.set(issue.repository, gone);
      }
    }
    const reached = work.reached + connection.nodes.length;
    if (!connection.pageInfo.hasNextPage || reached >= SEARCH_REACHABLE) {
      return [];
    }
    return [{ ...work, after: connection.pageInfo.endCursor, reached }];
  }

  private isProduction(environment: string): boolean {
    return doraCore().matchEnvironment(
      environment,
      this.config.coreOptions.productionEnvironments ?? undefined,
    );
  }

  // ---- storing -------------------------------------------------------------------------------

  /**
   * Stores a service's events and, in the same transaction, advances the cursor of each kind
   * that was fetched completely; the others are marked incomplete and keep their cursor, so the
   * next run fetches them again.
   */
  private async commit(
    target: CollectionTarget,
    repos: Map<string, RepoWork>,
    groups: Map<string, SearchGroup>,
    runStart: number,
  ): Promise<ServiceCollection> {
    const backfillStart = runStart - this.config.initialDays * DAY;
    const repo = repos.get(repoKey(target))!;
    const slug = slugOf(target);
    const cursors = cursorsOf(target);
    const next: Cursors = { ...cursors };
    const errors: string[] = [];
    // What was fetched is stored even where a kind failed part-way: it is true, and upserts
    // make the repeat harmless.
    const upsert: ServiceEvents = {
      deployments: [...repo.deployments.values()],
      changes: [],
      incidents: [],
    };
    const remove: Record<'deployments' | 'incidents', string[]> = {
      deployments: [...repo.removed].filter(id => !repo.deployments.has(id)),
      incidents: [],
    };
    if (repo.error) {
      errors.push(repo.error);
    } else {
      next.deployments = Math.max(
        cursors.deployments ?? backfillStart,
        repo.newest ?? Number.NEGATIVE_INFINITY,
      );
    }

    const incomplete = {
      deployments: Boolean(repo.error),
      changes: false,
      incidents: false,
    };
    for (const kind of ['changes', 'incidents'] as const) {
      const group = [...groups.values()].find(
        g => g.kind === kind && g.targets.includes(target),
      )!;
      if (kind === 'changes') {
        upsert.changes = [...(group.changes.get(slug)?.values() ?? [])];
      } else {
        upsert.incidents = [...(group.incidents.get(slug)?.values() ?? [])];
        remove.incidents = [...(group.notIncidents.get(slug) ?? [])];
      }
      if (group.error) {
        errors.push(group.error);
        incomplete[kind] = true;
      } else {
        // The search saw everything indexed by the time the run started (GitHub's clock and
        // ours agree well within the overlap), and whatever newer it met.
        next[kind] = Math.max(
          cursors[kind] ?? backfillStart,
          group.newest ?? Number.NEGATIVE_INFINITY,
          runStart,
        );
      }
    }

    const eventsStored = await this.store.commitCollected(
      target.service.entityRef,
      { upsert, remove, sync: { cursors: next, incomplete } },
    );
    return {
      entityRef: target.service.entityRef,
      ...(errors.length > 0 ? { error: this.redact(errors[0]) } : {}),
      eventsStored,
    };
  }

  private redact(message: string): string {
    let redacted = message;
    for (const token of this.tokens) {
      redacted = redacted.split(token).join('[REDACTED]');
    }
    return redacted;
  }
}

// ---- helpers ---------------------------------------------------------------------------------

function orgKey(target: CollectionTarget): string {
  return `${target.service.host}\n${target.service.owner}`.toLowerCase();
}

/** A repository, across hosts. */
function repoKey(target: CollectionTarget): string {
  return `${target.service.host}\n${slugOf(target)}`;
}

/** `owner/name`, lower case, as search results name their repository. */
function slugOf(target: CollectionTarget): string {
  return `${target.service.owner}/${target.service.repo}`.toLowerCase();
}

function cursorsOf(target: CollectionTarget): Cursors {
  const raw = target.state.cursors ?? {};
  const cursors: Cursors = {};
  for (const kind of ['deployments', 'changes', 'incidents'] as const) {
    const value = raw[kind];
    if (typeof value === 'number' && Number.isFinite(value)) {
      cursors[kind] = value;
    }
  }
  return cursors;
}

function mapOf<V>(maps: Map<string, Map<string, V>>, key: string) {
  let map = maps.get(key);
  if (!map) {
    map = new Map();
    maps.set(key, map);
  }
  return map;
}

function queryOf(work: Extract<Work, { type: 'search' }>): string {
  const range = Number.isFinite(work.from)
    ? ` ${work.field}:${searchRange(work.from, work.to)}`
    : '';
  // Oldest first: results added while paging land at the end, none is skipped.
  return `${work.base}${range} sort:created-asc`;
}

function partOf(work: Work, alias: string): string {
  switch (work.type) {
    case 'deployments':
      return deploymentsPart(
        alias,
        work.repo.owner,
        work.repo.name,
        work.first,
        work.after,
      );
    case 'search':
      return searchPart(alias, queryOf(work), work.shape, work.after);
    default:
      return nodesPart(alias, work.ids);
  }
}

function fail(work: Work, message: string): void {
  if (work.type === 'deployments') {
    work.repo.error ??= message;
  } else if (work.type === 'search') {
    work.group.error ??= message;
  } else {
    for (const repo of new Set(work.ids.map(id => work.owners.get(id)!))) {
      repo.error ??= message;
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
