'use strict';

const S = require('../store');
const ser = require('./serializers');
const { searchIssues, namesIssueType, SEARCH_LIMIT } = require('../search');

/**
 * The REST operations a collector uses, keyed by "METHOD /openapi/path/template". Each takes the
 * request context and returns {status, body, headers?}; an HttpError stands for GitHub's error
 * answers.
 */

class HttpError extends Error {
  constructor(status, body, headers = {}) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

function notFound(ctx) {
  return new HttpError(404, { message: 'Not Found', documentation_url: ctx.docsUrl, status: '404' });
}

function validationFailed(ctx, errors, message = 'Validation Failed') {
  return new HttpError(422, { message, errors, documentation_url: ctx.docsUrl, status: '422' });
}

function repoOf(ctx) {
  const repo = ctx.store.getRepo(ctx.params.owner, ctx.params.repo);
  if (!repo || !S.visible(repo, ctx.now)) throw notFound(ctx);
  return repo;
}

/** per_page above 100 is read as 100, as GitHub does; below 1, as the default 30. */
function pageParams(ctx) {
  let perPage = ctx.query.per_page ?? 30;
  if (perPage > 100) perPage = 100;
  if (perPage < 1) perPage = 30;
  const page = Math.max(1, ctx.query.page ?? 1);
  return { perPage, page };
}

/** One page of `list` with GitHub's `link` header (next, last, first, prev). */
function paginate(ctx, list, reachable = list.length) {
  const { perPage, page } = pageParams(ctx);
  const lastPage = Math.max(1, Math.ceil(reachable / perPage));
  const body = list.slice((page - 1) * perPage, Math.min(page * perPage, reachable));
  const headers = {};
  const href = (p) => {
    const q = new URLSearchParams(ctx.rawQuery);
    q.set('page', String(p));
    return `<${ctx.api}${ctx.pathname}?${q.toString()}>`;
  };
  const rels = [];
  if (page > 1) rels.push(`${href(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) rels.push(`${href(page + 1)}; rel="next"`, `${href(lastPage)}; rel="last"`);
  if (page > 1) rels.push(`${href(1)}; rel="first"`);
  if (rels.length) headers.link = rels.join(', ');
  return { status: 200, body, headers };
}

const newestFirst = (a, b) => b.createdAt - a.createdAt || b.databaseId - a.databaseId;

function sortIssues(list, ctx, { sort, direction }) {
  const dir = direction === 'asc' ? 1 : -1;
  const key = sort === 'updated' || sort === 'long-running' ? (x) => S.updatedAt(x, ctx.now) : (x) => x.createdAt;
  const id = (x) => x.issueDatabaseId ?? x.databaseId;
  return list.sort((a, b) => dir * (key(a) - key(b) || id(a) - id(b)));
}

function deploymentOf(ctx, repo) {
  const d = ctx.store.byDatabaseId('Deployment', ctx.params.deployment_id);
  if (!d || d.repository !== repo || !S.visible(d, ctx.now)) throw notFound(ctx);
  return d;
}

const routes = {
  'GET /repos/{owner}/{repo}': (ctx) => ({ status: 200, body: ser.fullRepository(repoOf(ctx), ctx.api, ctx.html, ctx.now) }),

  'GET /orgs/{org}/repos': (ctx) => {
    const org = ctx.store.orgs.get(ctx.params.org.toLowerCase());
    if (!org) throw notFound(ctx);
    const { type, sort } = ctx.query;
    const direction = ctx.query.direction ?? (sort === 'full_name' ? 'asc' : 'desc');
    let repos = ctx.store.repoList().filter((r) => r.owner === org && S.visible(r, ctx.now));
    if (type === 'private') repos = repos.filter((r) => r.isPrivate);
    else if (type === 'public') repos = repos.filter((r) => !r.isPrivate);
    else if (type === 'forks') repos = [];
    const key = sort === 'full_name' ? (r) => r.nameWithOwner.toLowerCase() : sort === 'created' ? (r) => r.createdAt : (r) => S.updatedAt(r, ctx.now);
    const dir = direction === 'asc' ? 1 : -1;
    repos.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return dir * (x < y ? -1 : x > y ? 1 : a.databaseId - b.databaseId);
    });
    const page = paginate(ctx, repos);
    page.body = page.body.map((r) => ser.minimalRepository(r, ctx.api, ctx.html, ctx.now));
    return page;
  },

  'GET /repos/{owner}/{repo}/deployments': (ctx) => {
    const repo = repoOf(ctx);
    const { sha, ref, task, environment } = ctx.query;
    const set = (v) => v !== undefined && v !== null && v !== 'none';
    const list = repo.deployments.filter((d) => S.visible(d, ctx.now)
      && (!set(sha) || d.sha === sha) && (!set(ref) || d.ref === ref) && (!set(task) || d.task === task)
      && (!set(environment) || d.environment === environment)).sort(newestFirst);
    const page = paginate(ctx, list);
    page.body = page.body.map((d) => ser.deployment(d, ctx.api, ctx.html, ctx.now));
    return page;
  },

  'GET /repos/{owner}/{repo}/deployments/{deployment_id}': (ctx) => ({ status: 200, body: ser.deployment(deploymentOf(ctx, repoOf(ctx)), ctx.api, ctx.html, ctx.now) }),

  'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': (ctx) => {
    const d = deploymentOf(ctx, repoOf(ctx));
    const page = paginate(ctx, S.statusesAsOf(d, ctx.now).slice().sort(newestFirst));
    page.body = page.body.map((s) => ser.deploymentStatus(s, ctx.api, ctx.html));
    return page;
  },

  'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses/{status_id}': (ctx) => {
    const d = deploymentOf(ctx, repoOf(ctx));
    const s = S.statusesAsOf(d, ctx.now).find((x) => String(x.databaseId) === String(ctx.params.status_id));
    if (!s) throw notFound(ctx);
    return { status: 200, body: ser.deploymentStatus(s, ctx.api, ctx.html) };
  },

  'GET /repos/{owner}/{repo}/pulls': (ctx) => {
    const repo = repoOf(ctx);
    const { state, base, head, sort } = ctx.query;
    const direction = ctx.query.direction ?? (sort === 'created' || sort === undefined ? 'desc' : 'asc');
    const headBranch = head === undefined ? null : head.includes(':') ? head.split(':').slice(1).join(':') : head;
    const list = repo.pullRequests.filter((p) => S.visible(p, ctx.now)
      && (state === 'all' || (state === 'closed') === (S.prState(p, ctx.now) !== 'OPEN'))
      && (base === undefined || p.baseRefName === base)
      && (headBranch === null || p.headRefName === headBranch));
    const page = paginate(ctx, sortIssues(list, ctx, { sort, direction }));
    page.body = page.body.map((p) => ser.pullRequestSimple(p, ctx.api, ctx.html, ctx.now));
    return page;
  },

  'GET /repos/{owner}/{repo}/pulls/{pull_number}': (ctx) => {
    const repo = repoOf(ctx);
    const p = repo.pullRequests.find((x) => String(x.number) === String(ctx.params.pull_number) && S.visible(x, ctx.now));
    if (!p) throw notFound(ctx);
    const merged = S.prMergedAt(p, ctx.now) !== null;
    const open = S.prState(p, ctx.now) === 'OPEN';
    return {
      status: 200,
      body: {
        ...ser.pullRequestSimple(p, ctx.api, ctx.html, ctx.now),
        merged,
        mergeable: open ? true : null,
        rebaseable: open ? true : null,
        mergeable_state: open ? 'clean' : 'unknown',
        merged_by: merged ? ser.user(p.author, ctx.api, ctx.html) : null,
        comments: 0,
        review_comments: 0,
        maintainer_can_modify: false,
        commits: p.commits.length,
        additions: 10 * p.commits.length,
        deletions: 3 * p.commits.length,
        changed_files: p.commits.length,
      },
    };
  },

  'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits': (ctx) => {
    const repo = repoOf(ctx);
    const p = repo.pullRequests.find((x) => String(x.number) === String(ctx.params.pull_number) && S.visible(x, ctx.now));
    if (!p) throw notFound(ctx);
    // Oldest first, as GitHub lists them (and at most 250).
    const page = paginate(ctx, p.commits.slice(0, 250));
    page.body = page.body.map((c) => ser.pullCommit(p, c, ctx.api, ctx.html));
    return page;
  },

  'GET /repos/{owner}/{repo}/issues': (ctx) => {
    const repo = repoOf(ctx);
    const { state, labels, since, sort, direction, creator, assignee } = ctx.query;
    const wanted = labels ? labels.split(',').map((l) => l.trim()).filter(Boolean) : [];
    const sinceMs = since ? Date.parse(since) : null;
    // The issues API lists pull requests too (they carry `pull_request`).
    const list = [...repo.issues, ...repo.pullRequests].filter((x) => {
      if (!S.visible(x, ctx.now)) return false;
      const open = x.__typename === 'PullRequest' ? S.prState(x, ctx.now) === 'OPEN' : S.issueState(x, ctx.now) === 'OPEN';
      if (state !== 'all' && (state === 'closed') === open) return false;
      if (!wanted.every((l) => S.hasLabel(x, l))) return false;
      if (sinceMs !== null && S.updatedAt(x, ctx.now) < sinceMs) return false;
      if (creator && x.author.login.toLowerCase() !== creator.toLowerCase()) return false;
      // Nothing is ever assigned in the twin: `none` keeps everything, `*` or a login nothing.
      if (assignee && assignee !== 'none') return false;
      return true;
    });
    const page = paginate(ctx, sortIssues(list, ctx, { sort, direction }));
    page.body = page.body.map((x) => ser.issue(x, ctx.api, ctx.html, ctx.now));
    return page;
  },

  'GET /repos/{owner}/{repo}/issues/{issue_number}': (ctx) => {
    const repo = repoOf(ctx);
    const n = String(ctx.params.issue_number);
    const x = [...repo.issues, ...repo.pullRequests].find((o) => String(o.number) === n && S.visible(o, ctx.now));
    if (!x) throw notFound(ctx);
    return { status: 200, body: ser.issue(x, ctx.api, ctx.html, ctx.now) };
  },

  'GET /repos/{owner}/{repo}/labels': (ctx) => {
    const repo = repoOf(ctx);
    const page = paginate(ctx, [...repo.labels.values()].sort((a, b) => a.databaseId - b.databaseId));
    page.body = page.body.map((l) => ser.label(l, ctx.api));
    return page;
  },

  'GET /search/issues': (ctx) => {
    const q = ctx.query.q;
    if (q === undefined || q.trim() === '') throw validationFailed(ctx, [{ resource: 'Search', field: 'q', code: 'missing' }]);
    if (!namesIssueType(q)) throw validationFailed(ctx, [{ message: "Query must include 'is:issue' or 'is:pull-request'", resource: 'Search', field: 'q', code: 'invalid' }]);
    const { perPage, page } = pageParams(ctx);
    if ((page - 1) * perPage >= SEARCH_LIMIT) {
      throw new HttpError(422, { message: 'Only the first 1000 search results are available', documentation_url: 'https://docs.github.com/v3/search/', status: '422' });
    }
    const sort = ['created', 'updated'].includes(ctx.query.sort) ? ctx.query.sort : undefined;
    const { total, items } = searchIssues(ctx.store, q, ctx.now, { sort, order: ctx.query.order });
    const p = paginate(ctx, items, Math.min(items.length, SEARCH_LIMIT));
    p.body = { total_count: total, incomplete_results: false, search_type: 'lexical', items: p.body.map((x) => ser.searchItem(x, ctx.api, ctx.html, ctx.now)) };
    return p;
  },

  'GET /rate_limit': (ctx) => ({ status: 200, body: ctx.rateOverview() }),

  'GET /user': (ctx) => ({ status: 200, body: ser.privateUser(ctx.viewer, ctx.api, ctx.html) }),
};

module.exports = { routes, HttpError, notFound, validationFailed };
