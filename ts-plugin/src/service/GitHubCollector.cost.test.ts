/*
 * What collection costs on GitHub, measured on the twin (which counts requests and charges
 * GraphQL points as GitHub does): the backfill, an incremental run with nothing changed, and one
 * with a tenth of the repositories changed. Prints a table. 50 repositories run by default;
 * DORA_COST_REPOS=50,500 (any list) measures more:
 *
 *   DORA_COST_REPOS=50,500 npm test -w ts-plugin -- GitHubCollector.cost
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Twin } from '@internal/github-twin';
import {
  createHarness,
  FAST,
  startGitHubTwin,
  twinEntities,
} from './__testUtils__/githubTwin';

jest.setTimeout(1_800_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const SIZES = (process.env.DORA_COST_REPOS ?? '50')
  .split(',')
  .map(Number)
  .filter(n => n > 0);

const MINUTE = 60_000;

type Row = {
  repos: number;
  run: string;
  requests: number;
  points: number;
  ms: number;
};
const table: Row[] = [];

afterAll(() => {
  const lines = [
    '| repositories | run | requests | GraphQL points | ms |',
    '|---:|---|---:|---:|---:|',
    ...table.map(
      r => `| ${r.repos} | ${r.run} | ${r.requests} | ${r.points} | ${r.ms} |`,
    ),
  ];
  // eslint-disable-next-line no-console
  console.log(`GitHub cost of collection (twin)\n${lines.join('\n')}`);
});

/** A tenth of the repositories get a deployment, a merged pull request and an incident. */
function changeTenth(twin: Twin) {
  const repos = Object.keys(twin.scenario().repositories);
  const now = twin.now();
  twin.mutate(
    repos
      .filter((_, i) => i % 10 === 0)
      .flatMap(repo => [
        {
          op: 'add' as const,
          repo,
          kind: 'deployment' as const,
          event: {
            environment: 'production',
            state: 'SUCCESS',
            createdAt: now + MINUTE,
          },
        },
        {
          op: 'add' as const,
          repo,
          kind: 'change' as const,
          event: { createdAt: now - 60 * MINUTE, mergedAt: now + 2 * MINUTE },
        },
        {
          op: 'add' as const,
          repo,
          kind: 'incident' as const,
          event: { createdAt: now + 3 * MINUTE },
        },
      ]),
  );
}

describe.each(SIZES)('collection cost, %d repositories', repos => {
  it('is a few requests per run, and grows with what changed', async () => {
    const twin = await startGitHubTwin({ repos, seed: 42 });
    try {
      const entities = twinEntities(twin).filter(
        e => e.metadata.name !== 'shared',
      );
      const h = await createHarness({
        twin,
        databases,
        databaseId: 'SQLITE_3',
        entities,
        tuning: FAST,
      });
      const measure = async (run: string) => {
        const before = h.usage();
        const started = Date.now();
        const result = await h.collector.run();
        expect(result.failed).toBe(0);
        const after = h.usage();
        const row = {
          repos,
          run,
          requests: after.requests - before.requests,
          points: after.points - before.points,
          ms: Date.now() - started,
        };
        table.push(row);
        return row;
      };

      await measure('backfill (60 days)');
      // The backfill searches cut their date ranges (over a thousand merged pull requests):
      // nothing is lost in the cuts.
      const truth = twin.groundTruth();
      const stored = await h.knex('dora_changes').count({ n: '*' });
      expect(Number(stored[0].n)).toBe(
        Object.values(truth).reduce((n, t) => n + t.changes.length, 0),
      );
      twin.advance(30 * MINUTE);
      // The deployments in progress at the backfill have completed: re-read by id.
      await measure('incremental, deployments settled');
      twin.advance(30 * MINUTE);
      const unchanged = await measure('incremental, nothing changed');
      changeTenth(twin);
      twin.advance(30 * MINUTE);
      const changed = await measure('incremental, 10% changed');

      // A query carries up to 100 repositories and the searches.
      expect(unchanged.requests).toBeLessThanOrEqual(Math.ceil(repos / 100));
      expect(changed.requests).toBeLessThanOrEqual(Math.ceil(repos / 100) + 1);
      await h.knex.destroy();
    } finally {
      await twin.close();
    }
  });
});
