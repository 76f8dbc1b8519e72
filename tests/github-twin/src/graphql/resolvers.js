'use strict';

const {
  GraphQLError, getNullableType, isNonNullType, isListType, isScalarType, isEnumType, isObjectType, isAbstractType, getNamedType,
} = require('graphql');
const { encodeCursor, decodeCursor, nodeId } = require('../ids');
const { iso } = require('../time');
const S = require('../store');
const { searchIssues } = require('../search');

/**
 * Resolvers for the parts of GitHub's schema a DORA collector reads. Objects served are the
 * store's own records (each has `__typename`); every field not listed here resolves to a same-named
 * property when the record has one, else to a harmless value of the right type (null where the
 * schema allows it), so any valid query executes instead of crashing.
 */

function githubError(type, message) {
  return new GraphQLError(message, { extensions: { type } });
}

function byKey(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * A GitHub-style connection over already-filtered items, ordered by `key` (ascending, or
 * descending when direction is DESC), with keyset cursors: a cursor stays valid when items are
 * added or removed between pages.
 */
function connection(items, args, key = (o) => [o.databaseId], direction = 'ASC') {
  const dir = direction === 'DESC' ? -1 : 1;
  const keyed = items.map((node) => ({ node, key: key(node) })).sort((a, b) => dir * byKey(a.key, b.key));
  const cursorKey = (c) => {
    const k = decodeCursor(c);
    if (!Array.isArray(k)) throw githubError('INVALID_CURSOR_ARGUMENTS', `\`${c}\` does not appear to be a valid cursor.`);
    return k;
  };
  let start = 0;
  let end = keyed.length;
  if (args.after !== undefined && args.after !== null) {
    const k = cursorKey(args.after);
    start = keyed.findIndex((e) => dir * byKey(e.key, k) > 0);
    if (start < 0) start = keyed.length;
  }
  if (args.before !== undefined && args.before !== null) {
    const k = cursorKey(args.before);
    end = keyed.findIndex((e) => dir * byKey(e.key, k) >= 0);
    if (end < 0) end = keyed.length;
  }
  if (end < start) end = start;
  if (args.first !== undefined && args.first !== null) end = Math.min(end, start + args.first);
  else if (args.last !== undefined && args.last !== null) start = Math.max(start, end - args.last);
  const page = keyed.slice(start, end);
  const edges = page.map((e) => ({ cursor: encodeCursor(e.key), node: e.node }));
  return {
    totalCount: items.length,
    nodes: page.map((e) => e.node),
    edges,
    pageInfo: {
      hasNextPage: end < keyed.length,
      hasPreviousPage: start > 0,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
  };
}

/** Search cursors are offsets, as GitHub's are ("cursor:1", "cursor:2", ...). */
function searchConnection(items, total, args) {
  const offset = (c) => {
    const m = /^cursor:(\d+)$/.exec(Buffer.from(String(c), 'base64').toString());
    if (!m) throw githubError('INVALID_CURSOR_ARGUMENTS', `\`${c}\` does not appear to be a valid cursor.`);
    return Number(m[1]);
  };
  let start = args.after ? offset(args.after) : 0;
  let end = args.before ? offset(args.before) - 1 : items.length;
  start = Math.min(start, items.length);
  end = Math.max(start, Math.min(end, items.length));
  if (args.first !== undefined && args.first !== null) end = Math.min(end, start + args.first);
  else if (args.last !== undefined && args.last !== null) start = Math.max(start, end - args.last);
  const edges = items.slice(start, end).map((node, i) => ({ cursor: Buffer.from(`cursor:${start + i + 1}`).toString('base64'), node, textMatches: [] }));
  return {
    issueCount: total,
    codeCount: 0,
    discussionCount: 0,
    repositoryCount: 0,
    userCount: 0,
    wikiCount: 0,
    nodes: edges.map((e) => e.node),
    edges,
    pageInfo: { hasNextPage: end < items.length, hasPreviousPage: start > 0, startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
  };
}

const now = (ctx) => ctx.now;
const vis = (list, ctx) => list.filter((o) => S.visible(o, now(ctx)));

function issueOrder(args, ctx) {
  const o = args.orderBy;
  if (!o) return { key: (x) => [x.databaseId], direction: 'ASC' };
  if (o.field === 'UPDATED_AT') return { key: (x) => [S.updatedAt(x, now(ctx)), x.databaseId], direction: o.direction };
  if (o.field === 'COMMENTS') return { key: (x) => [0, x.databaseId], direction: o.direction };
  return { key: (x) => [x.createdAt, x.databaseId], direction: o.direction };
}

function labelFilter(labels) {
  if (!labels || labels.length === 0) return () => true;
  // GraphQL's `labels` argument keeps items carrying any of the labels (REST's `labels` needs all).
  return (x) => labels.some((l) => S.hasLabel(x, l));
}

function commitObject(repo, c) {
  return {
    __typename: 'Commit',
    id: nodeId('Commit', repo.databaseId, c.oid),
    repository: repo,
    oid: c.oid,
    abbreviatedOid: c.oid.slice(0, 7),
    authoredDate: c.authoredDate,
    committedDate: c.committedDate,
    pushedDate: c.committedDate,
    message: c.message,
    messageHeadline: c.message.split('\n')[0],
    messageBody: c.message.split('\n').slice(1).join('\n'),
    author: { __typename: 'GitActor', name: 'Octo Cat', email: 'octocat@users.noreply.github.com', date: c.authoredDate, user: null },
    committer: { __typename: 'GitActor', name: 'GitHub', email: 'noreply@github.com', date: c.committedDate, user: null },
  };
}

function refObject(repo, name, ctx) {
  return {
    __typename: 'Ref',
    id: nodeId('Ref', repo.databaseId, `refs/heads/${name}`),
    name,
    prefix: 'refs/heads/',
    repository: repo,
    target: commitObject(repo, S.branchHead(repo, name, now(ctx))),
  };
}

function findRepo(ctx, owner, name) {
  const repo = ctx.store.getRepo(owner, name);
  return repo && S.visible(repo, now(ctx)) ? repo : null;
}

const webUrl = (ctx, ...parts) => [ctx.store.htmlUrl, ...parts].join('/');

const resolvers = {
  'Query.repository': (_, { owner, name }, ctx) => {
    const repo = findRepo(ctx, owner, name);
    if (!repo) throw githubError('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`);
    return repo;
  },
  'Query.organization': (_, { login }, ctx) => {
    const org = ctx.store.orgs.get(login.toLowerCase());
    if (!org) throw githubError('NOT_FOUND', `Could not resolve to an Organization with the login of '${login}'.`);
    return org;
  },
  'Query.user': (_, { login }, ctx) => {
    const u = ctx.store.users.get(login.toLowerCase());
    if (!u || u.__typename !== 'User') throw githubError('NOT_FOUND', `Could not resolve to a User with the login of '${login}'.`);
    return u;
  },
  'Query.repositoryOwner': (_, { login }, ctx) => ctx.store.orgs.get(login.toLowerCase()) ?? ctx.store.users.get(login.toLowerCase()) ?? null,
  'Query.viewer': (_, __, ctx) => ctx.viewer,
  'Query.node': (_, { id }, ctx) => {
    const obj = ctx.store.node(id);
    if (!obj || (obj.createdAt !== undefined && obj.createdAt > now(ctx))) throw githubError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
    return obj;
  },
  'Query.nodes': (_, { ids }, ctx) => {
    if (ids.length > 100) throw githubError('EXCESSIVE_PAGINATION', `You may not request more than 100 node IDs; you requested ${ids.length}.`);
    return ids.map((id) => {
      const obj = ctx.store.node(id);
      if (!obj || (obj.createdAt !== undefined && obj.createdAt > now(ctx))) return githubError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
      return obj;
    });
  },
  'Query.rateLimit': (_, __, ctx) => ({ ...ctx.rateLimit, resetAt: ctx.rateLimit.resetAt }),
  'Query.relay': () => ({}),
  'Query.search': (_, args, ctx) => {
    if (args.type === 'ISSUE' || args.type === 'ISSUE_ADVANCED') {
      const { total, items } = searchIssues(ctx.store, args.query, now(ctx));
      return searchConnection(items, total, args);
    }
    if (args.type === 'REPOSITORY') {
      const words = args.query.toLowerCase().split(/\s+/).filter(Boolean);
      const repos = ctx.store.repoList().filter((r) => S.visible(r, now(ctx)) && words.every((w) => {
        const m = /^(org|user|owner):(.+)$/.exec(w);
        if (m) return r.owner.login.toLowerCase() === m[2];
        const n = /^repo:(.+)$/.exec(w);
        if (n) return r.nameWithOwner.toLowerCase() === n[1];
        return r.name.toLowerCase().includes(w);
      }));
      const conn = searchConnection(repos.slice(0, 1000), repos.length, args);
      return { ...conn, issueCount: 0, repositoryCount: repos.length };
    }
    return searchConnection([], 0, args);
  },

  'RateLimit.resetAt': (r) => r.resetAt,

  'Repository.url': (r, _, ctx) => webUrl(ctx, r.nameWithOwner),
  'Repository.resourcePath': (r) => `/${r.nameWithOwner}`,
  'Repository.updatedAt': (r, _, ctx) => S.updatedAt(r, now(ctx)),
  'Repository.pushedAt': (r, _, ctx) => S.updatedAt(r, now(ctx)),
  'Repository.visibility': (r) => (r.isPrivate ? 'PRIVATE' : 'PUBLIC'),
  'Repository.hasIssuesEnabled': () => true,
  'Repository.defaultBranchRef': (r, _, ctx) => refObject(r, r.defaultBranch, ctx),
  'Repository.ref': (r, { qualifiedName }, ctx) => {
    const name = qualifiedName.replace(/^refs\/heads\//, '');
    const known = name === r.defaultBranch || r.pullRequests.some((p) => p.baseRefName === name || p.headRefName === name);
    return known ? refObject(r, name, ctx) : null;
  },
  'Repository.deployments': (r, args, ctx) => {
    const envs = args.environments;
    const items = vis(r.deployments, ctx).filter((d) => !envs || envs.length === 0 || envs.includes(d.environment));
    return connection(items, args, (d) => [d.createdAt, d.databaseId], args.orderBy?.direction ?? 'ASC');
  },
  'Repository.pullRequests': (r, args, ctx) => {
    const items = vis(r.pullRequests, ctx).filter((p) => (!args.states || args.states.includes(S.prState(p, now(ctx))))
      && (args.baseRefName === undefined || args.baseRefName === null || p.baseRefName === args.baseRefName)
      && (args.headRefName === undefined || args.headRefName === null || p.headRefName === args.headRefName)
      && labelFilter(args.labels)(p));
    const o = issueOrder(args, ctx);
    return connection(items, args, o.key, o.direction);
  },
  'Repository.issues': (r, args, ctx) => {
    const f = args.filterBy ?? {};
    const states = args.states ?? f.states;
    const since = f.since === undefined || f.since === null ? null : Date.parse(f.since);
    const items = vis(r.issues, ctx).filter((i) => (!states || states.includes(S.issueState(i, now(ctx))))
      && labelFilter(args.labels)(i) && labelFilter(f.labels)(i)
      && (since === null || S.updatedAt(i, now(ctx)) >= since)
      && (!f.createdBy || i.author.login.toLowerCase() === f.createdBy.toLowerCase()));
    const o = issueOrder(args, ctx);
    return connection(items, args, o.key, o.direction);
  },
  'Repository.labels': (r, args) => {
    const q = args.query ? args.query.toLowerCase() : null;
    const items = [...r.labels.values()].filter((l) => !q || l.name.toLowerCase().includes(q));
    const byName = args.orderBy?.field === 'NAME';
    return connection(items, args, byName ? (l) => [l.name.toLowerCase(), l.databaseId] : (l) => [l.createdAt, l.databaseId], args.orderBy?.direction ?? 'ASC');
  },
  'Repository.label': (r, { name }) => r.labels.get(name.toLowerCase()) ?? null,
  'Repository.pullRequest': (r, { number }, ctx) => {
    const p = vis(r.pullRequests, ctx).find((x) => x.number === number);
    if (!p) throw githubError('NOT_FOUND', `Could not resolve to a PullRequest with the number of ${number}.`);
    return p;
  },
  'Repository.issue': (r, { number }, ctx) => {
    const i = vis(r.issues, ctx).find((x) => x.number === number);
    if (!i) throw githubError('NOT_FOUND', `Could not resolve to an Issue with the number of ${number}.`);
    return i;
  },
  'Repository.issueOrPullRequest': (r, { number }, ctx) => {
    const x = vis([...r.issues, ...r.pullRequests], ctx).find((o) => o.number === number);
    if (!x) throw githubError('NOT_FOUND', `Could not resolve to an issue or pull request with the number of ${number}.`);
    return x;
  },

  'Organization.url': (o, _, ctx) => webUrl(ctx, o.login),
  'Organization.resourcePath': (o) => `/${o.login}`,
  'Organization.repositories': (o, args, ctx) => orgRepositories(o, args, ctx),
  'Organization.repository': (o, { name }, ctx) => findRepo(ctx, o.login, name),
  'User.url': (u, _, ctx) => webUrl(ctx, u.login),
  'User.resourcePath': (u) => `/${u.login}`,
  'User.repositories': (u, args, ctx) => orgRepositories(u, args, ctx),
  'User.avatarUrl': (u) => `https://avatars.githubusercontent.com/u/${u.databaseId}?v=4`,
  'Organization.avatarUrl': (o) => `https://avatars.githubusercontent.com/u/${o.databaseId}?v=4`,
  'Bot.url': (u, _, ctx) => webUrl(ctx, 'apps', u.login.replace(/\[bot\]$/, '')),
  'Bot.avatarUrl': (u) => `https://avatars.githubusercontent.com/in/${u.databaseId}?v=4`,
  'Bot.login': (u) => u.login.replace(/\[bot\]$/, ''),

  'Deployment.state': (d, _, ctx) => S.deploymentState(d, now(ctx)),
  'Deployment.latestStatus': (d, _, ctx) => S.latestStatus(d, now(ctx)),
  'Deployment.latestEnvironment': (d) => d.environment,
  'Deployment.updatedAt': (d, _, ctx) => S.updatedAt(d, now(ctx)),
  'Deployment.commitOid': (d) => d.sha,
  'Deployment.commit': (d) => commitObject(d.repository, { oid: d.sha, authoredDate: d.createdAt, committedDate: d.createdAt, message: 'Deployed commit' }),
  'Deployment.ref': (d, _, ctx) => refObject(d.repository, d.ref, ctx),
  'Deployment.payload': (d) => JSON.stringify(d.payload),
  // Oldest first: `statuses(last: 1)` is the latest status, as clients written against GitHub expect.
  'Deployment.statuses': (d, args, ctx) => connection(S.statusesAsOf(d, now(ctx)), args, (s) => [s.createdAt, s.databaseId]),
  'DeploymentStatus.updatedAt': (s) => s.createdAt,

  'PullRequest.state': (p, _, ctx) => S.prState(p, now(ctx)),
  'PullRequest.merged': (p, _, ctx) => S.prMergedAt(p, now(ctx)) !== null,
  'PullRequest.mergedAt': (p, _, ctx) => S.prMergedAt(p, now(ctx)),
  'PullRequest.closed': (p, _, ctx) => S.prClosedAt(p, now(ctx)) !== null,
  'PullRequest.closedAt': (p, _, ctx) => S.prClosedAt(p, now(ctx)),
  'PullRequest.updatedAt': (p, _, ctx) => S.updatedAt(p, now(ctx)),
  'PullRequest.isDraft': (p) => p.draft,
  'PullRequest.url': (p, _, ctx) => webUrl(ctx, p.repository.nameWithOwner, 'pull', p.number),
  'PullRequest.permalink': (p, _, ctx) => webUrl(ctx, p.repository.nameWithOwner, 'pull', p.number),
  'PullRequest.resourcePath': (p) => `/${p.repository.nameWithOwner}/pull/${p.number}`,
  'PullRequest.labels': (p, args) => connection(p.labels, args, (l) => [l.createdAt, l.databaseId], args.orderBy?.direction ?? 'ASC'),
  'PullRequest.commits': (p, args, ctx) => {
    const items = p.commits.filter((c) => c.committedDate <= now(ctx) || c === p.commits[0]).map((c, i) => ({
      __typename: 'PullRequestCommit',
      id: nodeId('PullRequestCommit', p.repository.databaseId, p.databaseId, i),
      position: i,
      commit: commitObject(p.repository, c),
      pullRequest: p,
      url: webUrl(ctx, p.repository.nameWithOwner, 'pull', p.number, 'commits', c.oid),
      resourcePath: `/${p.repository.nameWithOwner}/pull/${p.number}/commits/${c.oid}`,
    }));
    return connection(items, args, (c) => [c.position]);
  },
  'PullRequest.mergeCommit': (p, _, ctx) => (S.prMergedAt(p, now(ctx)) === null ? null : commitObject(p.repository, { oid: p.mergeCommitOid, authoredDate: p.mergedAt, committedDate: p.mergedAt, message: `${p.title} (#${p.number})` })),
  'PullRequest.headRefOid': (p) => p.commits[p.commits.length - 1].oid,
  'PullRequest.baseRefOid': (p, _, ctx) => S.branchHead(p.repository, p.baseRefName, now(ctx)).oid,
  'PullRequest.baseRef': (p, _, ctx) => refObject(p.repository, p.baseRefName, ctx),
  'PullRequest.headRef': (p, _, ctx) => (S.prState(p, now(ctx)) === 'OPEN' ? refObject(p.repository, p.headRefName, ctx) : null),
  'PullRequest.additions': (p) => 10 * p.commits.length,
  'PullRequest.deletions': (p) => 3 * p.commits.length,
  'PullRequest.changedFiles': (p) => p.commits.length,
  'PullRequest.mergedBy': (p, _, ctx) => (S.prMergedAt(p, now(ctx)) === null ? null : p.author),
  'PullRequest.mergeable': (p, _, ctx) => (S.prState(p, now(ctx)) === 'OPEN' ? 'MERGEABLE' : 'UNKNOWN'),
  'PullRequest.mergeStateStatus': () => 'CLEAN',

  'Issue.state': (i, _, ctx) => S.issueState(i, now(ctx)),
  'Issue.closed': (i, _, ctx) => S.issueClosedAt(i, now(ctx)) !== null,
  'Issue.closedAt': (i, _, ctx) => S.issueClosedAt(i, now(ctx)),
  'Issue.stateReason': (i, args, ctx) => {
    const r = S.issueStateReason(i, now(ctx));
    // GitHub shows DUPLICATE only to those who ask for it; to others it is NOT_PLANNED.
    return r === 'DUPLICATE' && !args.enableDuplicate ? 'NOT_PLANNED' : r;
  },
  'Issue.updatedAt': (i, _, ctx) => S.updatedAt(i, now(ctx)),
  'Issue.url': (i, _, ctx) => webUrl(ctx, i.repository.nameWithOwner, 'issues', i.number),
  'Issue.resourcePath': (i) => `/${i.repository.nameWithOwner}/issues/${i.number}`,
  'Issue.labels': (i, args) => connection(i.labels, args, (l) => [l.createdAt, l.databaseId], args.orderBy?.direction ?? 'ASC'),

  'Label.url': (l, _, ctx) => webUrl(ctx, l.repository.nameWithOwner, 'labels', encodeURIComponent(l.name)),
  'Label.resourcePath': (l) => `/${l.repository.nameWithOwner}/labels/${encodeURIComponent(l.name)}`,
  'Label.issues': (l, args, ctx) => resolvers['Repository.issues'](l.repository, { ...args, labels: [l.name] }, ctx),
  'Label.pullRequests': (l, args, ctx) => resolvers['Repository.pullRequests'](l.repository, { ...args, labels: [l.name] }, ctx),

  'Commit.url': (c, _, ctx) => webUrl(ctx, c.repository.nameWithOwner, 'commit', c.oid),
  'Commit.resourcePath': (c) => `/${c.repository.nameWithOwner}/commit/${c.oid}`,
  'Commit.commitUrl': (c, _, ctx) => webUrl(ctx, c.repository.nameWithOwner, 'commit', c.oid),
};

for (const t of ['PullRequest', 'Issue']) {
  resolvers[`${t}.author`] = (x) => x.author;
  resolvers[`${t}.editor`] = () => null;
}
for (const t of ['Repository', 'Organization', 'User', 'Bot', 'Label']) {
  resolvers[`${t}.updatedAt`] ??= (x, _, ctx) => S.updatedAt(x, now(ctx));
}

function orgRepositories(owner, args, ctx) {
  const items = ctx.store.repoList().filter((r) => r.owner === owner && S.visible(r, now(ctx))
    && (args.isArchived === undefined || args.isArchived === null || r.isArchived === args.isArchived)
    && (args.isFork !== true)
    && (!args.privacy || (args.privacy === 'PRIVATE') === r.isPrivate)
    && (!args.visibility || (args.visibility === 'PRIVATE') === r.isPrivate));
  const o = args.orderBy;
  let key = (r) => [r.databaseId];
  if (o?.field === 'NAME') key = (r) => [r.name.toLowerCase(), r.databaseId];
  else if (o?.field === 'CREATED_AT') key = (r) => [r.createdAt, r.databaseId];
  else if (o?.field === 'UPDATED_AT' || o?.field === 'PUSHED_AT') key = (r) => [S.updatedAt(r, now(ctx)), r.databaseId];
  return connection(items, args, key, o?.direction ?? 'ASC');
}

// ---- defaults for everything else ------------------------------------------------------------

const SCALAR_DEFAULTS = {
  String: '', Int: 0, Float: 0, Boolean: false, HTML: '', URI: 'https://github.com', GitObjectID: '0000000000000000000000000000000000000000',
  GitTimestamp: '1970-01-01T00:00:00Z', Date: '1970-01-01', BigInt: '0', Base64String: '', GitSSHRemote: '', GitRefname: 'refs/heads/main', X509Certificate: '', CustomPropertyValue: '',
};

function defaultValue(type, source, ctx) {
  if (!isNonNullType(type)) return null;
  const inner = getNullableType(type);
  if (isListType(inner)) return [];
  if (isScalarType(inner)) {
    if (inner.name === 'ID') return source?.id ?? 'MDQ6VXNlcjE=';
    if (inner.name === 'DateTime' || inner.name === 'PreciseDateTime') return source?.createdAt ?? 0;
    return SCALAR_DEFAULTS[inner.name] ?? '';
  }
  if (isEnumType(inner)) return inner.getValues()[0].value;
  const named = getNamedType(inner);
  if (isObjectType(named) && /Connection$/.test(named.name)) return connection([], {});
  if (isAbstractType(named)) {
    const possible = ctx.schema.getPossibleTypes(named);
    const pick = possible.find((t) => t.name === 'User') ?? possible[0];
    return { __typename: pick.name, id: source?.id, createdAt: source?.createdAt };
  }
  return { __typename: named.name, id: source?.id, createdAt: source?.createdAt };
}

/** @type {import('graphql').GraphQLFieldResolver<any, any>} */
function fieldResolver(source, args, ctx, info) {
  const r = resolvers[`${info.parentType.name}.${info.fieldName}`];
  if (r) return r(source, args, ctx, info);
  if (source !== null && typeof source === 'object' && Object.prototype.hasOwnProperty.call(source, info.fieldName)) {
    const v = source[info.fieldName];
    if (v !== undefined) return v;
  }
  return defaultValue(info.returnType, source, ctx);
}

/** @type {import('graphql').GraphQLTypeResolver<any, any>} */
function typeResolver(value) {
  return value?.__typename;
}

/** DateTime values are epoch ms inside the twin; GitHub serializes them to the second. */
function serializeDateTimes(schema) {
  for (const name of ['DateTime', 'PreciseDateTime']) {
    const t = schema.getType(name);
    if (!t || t.__twinPatched) continue;
    const orig = t.serialize.bind(t);
    t.serialize = (v) => (typeof v === 'number' ? iso(v) : orig(v));
    t.__twinPatched = true;
  }
}

module.exports = { fieldResolver, typeResolver, serializeDateTimes, connection, githubError };
