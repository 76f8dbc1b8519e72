import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Twin } from '@internal/github-twin';
import {
  createHarness,
  startGitHubTwin,
  TOKEN,
} from './__testUtils__/githubTwin';
import { GitHubClient, GitHubQueryError } from './github/GitHubClient';
import { deploymentsPart, queryDocument, searchPart } from './github/queries';

jest.setTimeout(120_000);

// A collector whose deployment fields carry a typo, as a refactoring might leave it.
let typo = false;
jest.mock('./github/queries', () => {
  const actual = jest.requireActual('./github/queries');
  return {
    ...actual,
    queryDocument: (parts: string[]) => {
      const document = actual.queryDocument(parts);
      return typo ? document.replace('commitOid', 'commitSha') : document;
    },
  };
});

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe("GitHub's schema", () => {
  let twin: Twin;

  beforeAll(async () => {
    twin = await startGitHubTwin({ repos: 2 });
  });

  afterAll(async () => {
    await twin.close();
  });

  const client = () =>
    new GitHubClient({
      apiBaseUrl: twin.url,
      token: TOKEN,
      logger: mockServices.logger.mock(),
      counters: { requests: 0, points: 0 },
      retryBaseMs: 5,
      retryAfterUnitMs: 5,
    });

  it('accepts the queries the collector sends', async () => {
    const { data, errors } = await client().query(
      queryDocument([
        deploymentsPart('w0', 'acme', 'payments', 5, null),
        searchPart('w1', 'org:acme is:pr is:merged', 'pullRequests', null),
        searchPart('w2', 'org:acme is:issue label:bug', 'issues', null),
      ]),
    );
    expect(errors).toEqual([]);
    expect(data.w0.deployments.nodes.length).toBeGreaterThan(0);
    expect(data.w1.issueCount).toBeGreaterThan(0);
    expect(data.rateLimit.cost).toBeGreaterThan(0);
  });

  it('rejects a field or an argument that GitHub does not have', async () => {
    const document = queryDocument([
      deploymentsPart('w0', 'acme', 'payments', 5, null),
    ]);
    await expect(
      client().query(document.replace('commitOid', 'commitSha')),
    ).rejects.toThrow(
      new GitHubQueryError(
        "GitHub rejected the query: Field 'commitSha' doesn't exist on type 'Deployment'",
      ),
    );
    await expect(
      client().query(document.replace('first: 5', 'first: 5, since: "x"')),
    ).rejects.toThrow(/Field 'deployments' doesn't accept argument 'since'/);
    // Without `enableDuplicate` GitHub would hide DUPLICATE; a misspelt argument is refused.
    await expect(
      client().query(
        queryDocument([
          searchPart('w0', 'org:acme is:issue', 'issues', null),
        ]).replace('enableDuplicate', 'enableDuplicates'),
      ),
    ).rejects.toThrow(/doesn't accept argument 'enableDuplicates'/);
  });

  it('a rejected query is a failed run with lastError, not silence', async () => {
    const h = await createHarness({ twin, databases, databaseId: 'SQLITE_3' });
    typo = true;
    try {
      const result = await h.collector.run();
      expect(result).toMatchObject({ services: 3, failed: 3 });
    } finally {
      typo = false;
    }
    for (const state of await h.store.listSyncStates()) {
      expect(state.lastSyncedAt).toBeNull();
      expect(state.lastError).toBe(
        "GitHub rejected the query: Field 'commitSha' doesn't exist on type 'Deployment'",
      );
      expect(state.incomplete.deployments).toBe(true);
    }
    expect(h.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("Field 'commitSha' doesn't exist"),
    );

    // Fixed: the next run repairs everything.
    expect(await h.collector.run()).toMatchObject({ failed: 0 });
    for (const state of await h.store.listSyncStates()) {
      expect(state).toMatchObject({
        lastError: null,
        incomplete: { deployments: false, changes: false, incidents: false },
      });
    }
    await h.knex.destroy();
  });

  it('a refused token is a failed run whose error and logs never show it', async () => {
    const other = await startGitHubTwin({
      repos: 2,
      tokens: ['another-token'],
    });
    try {
      const h = await createHarness({
        twin: other,
        databases,
        databaseId: 'SQLITE_3',
      });
      expect(await h.collector.run()).toMatchObject({ failed: 3 });
      const states = await h.store.listSyncStates();
      expect(states.map(s => s.lastError)).toEqual(
        states.map(() =>
          expect.stringMatching(/^GitHub answered 401: Bad credentials/),
        ),
      );
      const everything = JSON.stringify([
        states,
        h.logger.info.mock.calls,
        h.logger.warn.mock.calls,
        h.logger.error.mock.calls,
        h.logger.debug.mock.calls,
      ]);
      expect(everything).not.toContain(TOKEN);
      await h.knex.destroy();
    } finally {
      await other.close();
    }
  });
});
