import { TestDatabases } from '@backstage/backend-test-utils';
import type { Twin } from '@internal/github-twin';
import {
  createHarness,
  expectedScorecard,
  FAST,
  Harness,
  startGitHubTwin,
  storedRows,
  TOKEN,
  truthOf,
  twinEntities,
} from './__testUtils__/githubTwin';

jest.setTimeout(300_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const MINUTE = 60_000;

/** The services of the harness: entity ref and repository. */
function servicesOf(twin: Twin) {
  return twinEntities(twin).map(e => ({
    entityRef: `component:default/${e.metadata.name}`,
    slug: e.metadata.annotations!['github.com/project-slug'],
  }));
}

/**
 * A settled deployment is not read again: one stored ACTIVE may since have been made INACTIVE
 * by a newer one (both are a success, METRICS.md).
 */
const stateClass = (state: string) =>
  ['SUCCESS', 'ACTIVE', 'INACTIVE'].includes(state) ? 'success' : state;

async function expectStoredEqualsTruth(h: Harness) {
  for (const { entityRef, slug } of servicesOf(h.twin)) {
    const truth = truthOf(h.twin, slug, h.config);
    const stored = await h.store.readEvents(entityRef);
    const byId = <T extends { id: string }>(list: T[]) =>
      [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect({
      entityRef,
      deployments: byId(
        stored.deployments.map(({ sha: _, ...d }) => ({
          ...d,
          state: stateClass(d.state),
        })),
      ),
      changes: byId(stored.changes),
      incidents: byId(stored.incidents),
    }).toEqual({
      entityRef,
      deployments: byId(
        truth.deployments.map(d => ({ ...d, state: stateClass(d.state) })),
      ),
      changes: byId(truth.changes),
      incidents: byId(truth.incidents),
    });
  }
}

async function expectScorecardsEqualTruth(h: Harness, days: number) {
  for (const { entityRef, slug } of servicesOf(h.twin)) {
    const state = await h.store.getSyncState(entityRef);
    expect(await h.metrics.scorecard(entityRef, days)).toEqual(
      expectedScorecard(
        h.twin,
        entityRef,
        slug,
        h.config,
        days,
        state!.lastSyncedAt,
      ),
    );
  }
}

describe.each(databases.eachSupportedId())(
  'GitHubCollector (%s)',
  databaseId => {
    let twin: Twin;

    beforeEach(async () => {
      twin = await startGitHubTwin();
    });

    afterEach(async () => {
      await twin.close();
    });

    it('backfills every service, then syncs only what changed', async () => {
      const h = await createHarness({ twin, databases, databaseId });

      // The backfill: every service's scorecard is the core's on the twin's ground truth.
      const first = await h.collector.run();
      expect(first).toMatchObject({ services: 9, failed: 0 });
      const backfill = h.usage();
      await expectStoredEqualsTruth(h);
      await expectScorecardsEqualTruth(h, 30);
      await expectScorecardsEqualTruth(h, 7);
      const states = await h.store.listSyncStates();
      expect(states.map(s => [s.lastSyncedAt?.getTime(), s.lastError])).toEqual(
        states.map(() => [twin.now(), null]),
      );
      // Two services on one repository: the repository was fetched once, both have its events.
      const [firstRepo] = servicesOf(twin);
      const shared = await h.store.readEvents('component:default/shared');
      expect(shared).toEqual(await h.store.readEvents(firstRepo.entityRef));
      expect(shared.changes.length).toBeGreaterThan(0);

      // GitHub moves on: the pending deployments complete, a new deployment is pending, a pull
      // request is merged, an incident is closed, a labelled issue loses its label.
      const now = twin.now();
      const repo = 'acme/payments';
      const truth = truthOf(twin, repo, h.config);
      const slugs = servicesOf(twin).map(s => s.slug);
      const open = slugs
        .flatMap(slug => truthOf(twin, slug, h.config).incidents)
        .find(i => i.closedAt === null)!;
      const openSlug = slugs.find(slug =>
        truthOf(twin, slug, h.config).incidents.some(i => i.id === open.id),
      );
      const pendingBefore = truth.deployments.filter(
        d =>
          !['ACTIVE', 'INACTIVE', 'SUCCESS', 'FAILURE', 'ERROR'].includes(
            d.state,
          ),
      );
      expect(pendingBefore.length).toBeGreaterThan(0);
      const [added] = twin.mutate([
        {
          op: 'add',
          repo,
          kind: 'deployment',
          event: {
            environment: 'production',
            createdAt: now + MINUTE,
            statuses: [{ state: 'PENDING', createdAt: now + MINUTE }],
          },
        },
        {
          op: 'add',
          repo,
          kind: 'change',
          event: { createdAt: now - 60 * MINUTE, mergedAt: now + 2 * MINUTE },
        },
        { op: 'update', id: open.id, set: { closedAt: now + 3 * MINUTE } },
      ]);
      const labelled = truthOf(twin, 'acme/checkout', h.config).incidents[0];
      twin.mutate([{ op: 'update', id: labelled.id, set: { labels: [] } }]);
      twin.advance(30 * MINUTE);

      const second = await h.collector.run();
      expect(second).toMatchObject({ services: 9, failed: 0 });
      const incremental = {
        requests: h.usage().requests - backfill.requests,
        points: h.usage().points - backfill.points,
      };
      await expectStoredEqualsTruth(h);
      await expectScorecardsEqualTruth(h, 30);
      const payments = await h.store.readEvents('component:default/payments');
      for (const d of pendingBefore) {
        expect(payments.deployments.find(x => x.id === d.id)?.state).toBe(
          'ACTIVE',
        );
      }
      const addedId = String(added.id);
      expect(payments.deployments.find(d => d.id === addedId)?.state).toBe(
        'PENDING',
      );
      const closed = servicesOf(twin).find(x => x.slug === openSlug)!;
      expect(
        (await h.store.readEvents(closed.entityRef)).incidents.find(
          i => i.id === open.id,
        )?.closedAt,
      ).toBe(now + 3 * MINUTE);
      expect(
        (await h.store.readEvents('component:default/checkout')).incidents.map(
          i => i.id,
        ),
      ).not.toContain(labelled.id);

      // The new deployment completes: the next run re-reads it by id, and it counts.
      twin.mutate([{ op: 'addStatus', id: addedId, state: 'SUCCESS' }]);
      twin.advance(30 * MINUTE);
      await h.collector.run();
      const completed = (
        await h.store.readEvents('component:default/payments')
      ).deployments.find(d => d.id === addedId);
      expect(completed?.state).toBe('ACTIVE');
      await expectStoredEqualsTruth(h);
      await expectScorecardsEqualTruth(h, 30);
      const today = new Date(twin.now()).toISOString().slice(0, 10);
      expect(
        (await h.store.readDailyMetrics('component:default/payments')).find(
          r => r.date === today,
        )?.deploymentCount,
      ).toBeGreaterThanOrEqual(1);

      // Nine services on eight repositories: the backfill is a handful of queries, an
      // incremental run one or two.
      expect(backfill.requests).toBeLessThanOrEqual(12);
      expect(incremental.requests).toBeLessThanOrEqual(2);
      expect(incremental.points).toBeLessThanOrEqual(4);

      // Never the token, in any log line.
      const logged = JSON.stringify([
        h.logger.info.mock.calls,
        h.logger.warn.mock.calls,
        h.logger.error.mock.calls,
        h.logger.debug.mock.calls,
      ]);
      expect(logged).not.toContain(TOKEN);
      expect(h.logger.info).toHaveBeenCalledWith(
        expect.stringMatching(
          /^DORA metrics collection: 9 services, 0 failed, \d+ events stored, \d+ GitHub requests, \d+ GraphQL points, \d+ ms$/,
        ),
      );
      await h.knex.destroy();
    });

    it('ends with the same rows under injected faults, after enough bounded runs', async () => {
      const clean = await createHarness({ twin, databases, databaseId });
      await clean.collector.run();
      const expected = await storedRows(clean.knex);
      await clean.knex.destroy();

      const faulty = await startGitHubTwin({
        faults: {
          seed: 11,
          rate: 0.2,
          retryAfter: 1,
          slowMs: 50,
          timeoutMs: 200,
        },
      });
      // First a query that fails beyond its retries (the run ends part-way), then every kind of
      // fault once, then one request in five.
      faulty.faults.inject([
        { kind: '5xx', count: 4 },
        ...(
          ['secondary', 'truncated', 'reset', 'timeout', 'slow'] as const
        ).map(kind => ({ kind })),
      ]);
      try {
        const h = await createHarness({
          twin: faulty,
          databases,
          databaseId,
          // Smaller queries: more requests, more faults, other page boundaries.
          tuning: {
            repositoriesPerQuery: 2,
            searchesPerQuery: 1,
            client: { ...FAST.client, requestTimeoutMs: 2000 },
          },
        });
        // The first run fails part-way: the failed part says what it is.
        let failed = (await h.collector.run()).failed;
        let runs = 1;
        expect(failed).toBeGreaterThan(0);
        const states = await h.store.listSyncStates();
        expect(states.some(s => s.lastError !== null)).toBe(true);
        expect(
          states.some(s => Object.values(s.incomplete).some(Boolean)),
        ).toBe(true);
        // The next runs (each bounded) repair it.
        while (failed > 0 && runs < 10) {
          failed = (await h.collector.run()).failed;
          runs += 1;
        }
        expect(failed).toBe(0);
        expect(faulty.stats().faultsInjected).toBeGreaterThan(6);
        expect(runs).toBeGreaterThan(1);
        expect(await storedRows(h.knex)).toEqual(expected);
        for (const state of await h.store.listSyncStates()) {
          expect(state).toMatchObject({
            lastError: null,
            incomplete: {
              deployments: false,
              changes: false,
              incidents: false,
            },
          });
        }
        await h.knex.destroy();
      } finally {
        await faulty.close();
      }
    });
  },
);
