'use strict';

/*
 * The design the benchmark compares the plugin's collector with: "one GraphQL query plus two
 * REST lists per repository", with no incremental cursor (every sync reads the whole collection
 * window again). Written for the comparison only; plain fetch, requests one at a time per
 * repository and a few repositories at once.
 *
 * Per repository and sync, how this file reads "one GraphQL query plus two REST lists":
 * - GraphQL: one query for the repository's merged pull requests (with the authored date of the
 *   first commit, and the default branch to keep those merged into it) and its issues carrying
 *   the failure label. Each connection is paged (100 a page) by repeating the query for the
 *   connections that have more: pull requests newest-updated first, down to the window's start
 *   (a pull request merged in the window was updated in it); labelled issues all (an issue opened
 *   before the window and still open is an incident too, and no order finds those early).
 * - REST list 1: `GET /repos/{owner}/{repo}/deployments?per_page=100`, newest first, following
 *   `link: rel="next"` down to the window's start. Every environment is listed (production names
 *   vary: `prod`, `production/eu`); the production ones are kept with the core's own rule.
 * - REST list 2: `GET /repos/{owner}/{repo}/deployments/{id}/statuses?per_page=100` for the
 *   newest production deployment, the one whose state may still move (none without one).
 *   A REST deployment carries no state, so the states of the older deployments stay unknown to
 *   this design: a naive collector that wanted them would list the statuses of every deployment,
 *   one more request each. The cost measured here is therefore a lower bound of a naive design.
 *
 * Events are kept as the plugin keeps them (node ids, the same window and rules), so the
 * benchmark can check that both collectors found the same events.
 */

const DAY = 24 * 60 * 60 * 1000;
const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';
const PULL_REQUESTS =
  'pullRequests(states: MERGED, first: 100, after: $prAfter, ' +
  'orderBy: {field: UPDATED_AT, direction: DESC}) { ' +
  `${PAGE_INFO} nodes { id createdAt updatedAt mergedAt baseRefName ` +
  'commits(first: 1) { nodes { commit { authoredDate } } } } }';
const ISSUES =
  'issues(labels: [$label], first: 100, after: $issueAfter, ' +
  'orderBy: {field: UPDATED_AT, direction: DESC}) { ' +
  `${PAGE_INFO} nodes { id createdAt updatedAt closedAt state stateReason(enableDuplicate: true) } }`;

/** The repository query, with the connections that still have pages to read. */
function repositoryQuery(withPullRequests, withIssues) {
  const variables = ['$owner: String!', '$name: String!'];
  const fields = ['defaultBranchRef { name }'];
  if (withPullRequests) {
    variables.push('$prAfter: String');
    fields.push(PULL_REQUESTS);
  }
  if (withIssues) {
    variables.push('$label: String!', '$issueAfter: String');
    fields.push(ISSUES);
  }
  return (
    `query NaiveRepository(${variables.join(', ')}) {\n` +
    `  repository(owner: $owner, name: $name) {\n    ${fields.join('\n    ')}\n  }\n}\n`
  );
}

/** The URL of `rel="next"` in a `link` header, or null. */
function nextLink(header) {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (match) return match[1];
  }
  return null;
}

const ms = (iso) => (iso === null || iso === undefined ? null : Date.parse(iso));

class NaiveCollector {
  /**
   * @param {object} options
   * @param {string} options.apiBaseUrl REST base URL; GraphQL at `{apiBaseUrl}/graphql`
   * @param {string} options.token
   * @param {(environment: string) => boolean} options.isProduction
   * @param {() => number} options.now GitHub's clock (the window ends there)
   * @param {number} [options.initialDays] the window, as the plugin's `collection.initialDays`
   * @param {string} [options.failureLabel]
   * @param {number} [options.concurrency] repositories read at once
   */
  constructor(options) {
    this.base = options.apiBaseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.isProduction = options.isProduction;
    this.now = options.now;
    this.initialDays = options.initialDays ?? 60;
    this.failureLabel = options.failureLabel ?? 'bug';
    this.concurrency = options.concurrency ?? 4;
  }

  /** Reads every repository (`owner/name`); answers their events, per repository. */
  async sync(slugs) {
    const windowStart = this.now() - this.initialDays * DAY;
    const result = new Map();
    let next = 0;
    const worker = async () => {
      while (next < slugs.length) {
        const slug = slugs[next++];
        result.set(slug, await this.repository(slug, windowStart));
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    return result;
  }

  async repository(slug, windowStart) {
    const [owner, name] = slug.split('/');
    const { changes, incidents } = await this.graphqlPart(owner, name, windowStart);
    const deployments = await this.restPart(owner, name, windowStart);
    return { deployments, changes, incidents };
  }

  async graphqlPart(owner, name, windowStart) {
    const changes = [];
    const incidents = [];
    let prAfter = null;
    let issueAfter = null;
    let morePullRequests = true;
    let moreIssues = true;
    while (morePullRequests || moreIssues) {
      const variables = { owner, name };
      if (morePullRequests) variables.prAfter = prAfter;
      if (moreIssues) Object.assign(variables, { label: this.failureLabel, issueAfter });
      const data = await this.graphql(repositoryQuery(morePullRequests, moreIssues), variables);
      const repo = data.repository;
      if (!repo) throw new Error(`no repository ${owner}/${name}`);
      if (morePullRequests) {
        const connection = repo.pullRequests;
        const defaultBranch = repo.defaultBranchRef?.name;
        let older = false;
        for (const pr of connection.nodes) {
          const mergedAt = ms(pr.mergedAt);
          if (ms(pr.updatedAt) < windowStart) older = true;
          if (mergedAt === null || mergedAt < windowStart || pr.baseRefName !== defaultBranch) continue;
          const createdAt = ms(pr.createdAt);
          changes.push({
            id: pr.id,
            createdAt,
            firstCommitAt: ms(pr.commits.nodes[0]?.commit?.authoredDate) ?? createdAt,
            mergedAt,
          });
        }
        morePullRequests = connection.pageInfo.hasNextPage && !older;
        prAfter = connection.pageInfo.endCursor;
      }
      if (moreIssues) {
        const connection = repo.issues;
        for (const issue of connection.nodes) {
          const open = issue.state === 'OPEN';
          if (!open && ms(issue.updatedAt) < windowStart) continue;
          incidents.push({
            id: issue.id,
            createdAt: ms(issue.createdAt),
            closedAt: open ? null : ms(issue.closedAt),
            stateReason: issue.stateReason ?? null,
          });
        }
        moreIssues = connection.pageInfo.hasNextPage;
        issueAfter = connection.pageInfo.endCursor;
      }
    }
    return { changes, incidents };
  }

  async restPart(owner, name, windowStart) {
    const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
    const deployments = [];
    let url = `${this.base}${repoPath}/deployments?per_page=100`;
    while (url) {
      const { body, link } = await this.rest(url);
      let older = false;
      for (const d of body) {
        const createdAt = ms(d.created_at);
        if (createdAt < windowStart) {
          older = true; // newest first: the rest is older still
          break;
        }
        if (this.isProduction(d.environment)) {
          deployments.push({ id: d.node_id, databaseId: d.id, environment: d.environment, createdAt, state: null });
        }
      }
      url = older ? null : nextLink(link);
    }
    const newest = deployments[0];
    if (newest) {
      let statusesUrl = `${this.base}${repoPath}/deployments/${newest.databaseId}/statuses?per_page=100`;
      const statuses = [];
      while (statusesUrl) {
        const { body, link } = await this.rest(statusesUrl);
        statuses.push(...body);
        statusesUrl = nextLink(link);
      }
      newest.state = statuses[0]?.state?.toUpperCase() ?? null; // newest first
    }
    return deployments;
  }

  headers() {
    return {
      accept: 'application/vnd.github+json',
      authorization: `bearer ${this.token}`,
      'user-agent': 'dora-bench-naive',
      'x-github-api-version': '2022-11-28',
    };
  }

  async rest(url) {
    const response = await fetch(url, { headers: this.headers() });
    const body = await response.json();
    if (response.status !== 200) {
      throw new Error(`GET ${url}: ${response.status} ${JSON.stringify(body)}`);
    }
    return { body, link: response.headers.get('link') };
  }

  async graphql(query, variables) {
    const response = await fetch(`${this.base}/graphql`, {
      method: 'POST',
      headers: { ...this.headers(), 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (response.status !== 200 || body.errors?.length || !body.data) {
      throw new Error(`GraphQL: ${response.status} ${JSON.stringify(body.errors ?? body)}`);
    }
    return body.data;
  }
}

module.exports = { NaiveCollector, repositoryQuery, nextLink };
