'use strict';

const fs = require('node:fs');
const {
  Store, ScenarioError, checkKeys, visible, deploymentState, prMergedAt, issueClosedAt, issueStateReason, hasLabel,
  STATUS_STATES, DEPLOYMENT_STATES, STATE_REASONS,
} = require('./store');
const { Rng } = require('./prng');
const { toMs, seconds } = require('./time');

/**
 * Scenario files: a JSON description of an organization's GitHub data whose events use the
 * core's shapes (spec/CORE_API.md), grouped by "owner/repo". See README.md for the format.
 */

/**
 * @param {object|string} scenario the parsed JSON, or a path to a JSON file
 * @param {{now?: number|string, frozen?: boolean, wallClock?: () => number, htmlUrl?: string}} [overrides]
 * @returns {Store}
 */
function loadScenario(scenario, overrides = {}) {
  const sc = typeof scenario === 'string' ? JSON.parse(fs.readFileSync(scenario, 'utf8')) : scenario;
  checkKeys(sc, ['version', 'now', 'failureLabel', 'organizations', 'users', 'repositories', 'description'], 'scenario');
  if (sc.version !== undefined && sc.version !== 1) throw new ScenarioError(`scenario.version: only version 1 is known`);
  const store = new Store({ failureLabel: sc.failureLabel, now: overrides.now ?? sc.now, frozen: overrides.frozen, wallClock: overrides.wallClock, htmlUrl: overrides.htmlUrl });
  for (const [login, spec] of Object.entries(sc.organizations ?? {})) {
    checkKeys(spec, ['id', 'databaseId', 'name', 'createdAt'], `organizations[${JSON.stringify(login)}]`);
    store.organization(login, spec);
  }
  for (const [i, u] of (sc.users ?? []).entries()) {
    const spec = typeof u === 'string' ? { login: u } : u;
    checkKeys(spec, ['login', 'id', 'databaseId', 'name', 'createdAt'], `users[${i}]`);
    store.user(spec.login, spec);
  }
  const repos = sc.repositories ?? {};
  if (typeof repos !== 'object' || Array.isArray(repos)) throw new ScenarioError('scenario.repositories: expected an object keyed by "owner/repo"');
  for (const [fullName, spec] of Object.entries(repos)) store.addRepository(fullName, spec ?? {});
  return store;
}

/**
 * The store's current data as a scenario (lossless: ids, database ids, statuses), so a data set
 * changed by mutations can be saved and replayed.
 * @param {Store} store
 */
function exportScenario(store) {
  const ms = (v) => (v === null || v === undefined ? null : new Date(v).toISOString());
  const repositories = {};
  for (const repo of store.repoList()) {
    repositories[repo.nameWithOwner] = {
      id: repo.id,
      databaseId: repo.databaseId,
      defaultBranch: repo.defaultBranch,
      description: repo.description,
      private: repo.isPrivate,
      archived: repo.isArchived,
      createdAt: ms(repo.createdAt),
      labels: [...repo.labels.values()].map((l) => ({ name: l.name, color: l.color, description: l.description, isDefault: l.isDefault, id: l.id, databaseId: l.databaseId })),
      deployments: repo.deployments.map((d) => ({
        id: d.id,
        databaseId: d.databaseId,
        environment: d.environment,
        createdAt: ms(d.createdAt),
        sha: d.sha,
        ref: d.ref,
        task: d.task,
        description: d.description,
        creator: d.creator.login,
        ...(d.fixedState
          ? { state: d.fixedState }
          : { statuses: d.statuses.map((s) => ({ id: s.id, databaseId: s.databaseId, state: s.state, createdAt: ms(s.createdAt), description: s.description })) }),
      })),
      pullRequests: repo.pullRequests.map((p) => ({
        id: p.id,
        databaseId: p.databaseId,
        issueDatabaseId: p.issueDatabaseId,
        number: p.number,
        title: p.title,
        createdAt: ms(p.createdAt),
        mergedAt: ms(p.mergedAt),
        closedAt: ms(p.closedAt),
        baseRefName: p.baseRefName,
        headRefName: p.headRefName,
        labels: p.labels.map((l) => l.name),
        author: p.author.login,
        draft: p.draft,
        mergeCommitOid: p.mergeCommitOid,
        commits: p.commits.map((c) => ({ oid: c.oid, authoredDate: ms(c.authoredDate), committedDate: ms(c.committedDate), message: c.message })),
      })),
      issues: repo.issues.map((i) => ({
        id: i.id,
        databaseId: i.databaseId,
        number: i.number,
        title: i.title,
        createdAt: ms(i.createdAt),
        closedAt: ms(i.closedAt),
        stateReason: i.stateReason,
        labels: i.labels.map((l) => l.name),
        author: i.author.login,
      })),
    };
  }
  return {
    version: 1,
    now: new Date(store.now()).toISOString(),
    failureLabel: store.failureLabel,
    organizations: Object.fromEntries([...store.orgs.values()].map((o) => [o.login, { id: o.id, databaseId: o.databaseId, name: o.name }])),
    repositories,
  };
}

/**
 * What a correct collector rebuilds from the API, per repository, in the core's event shapes
 * (spec/CORE_API.md), as of `asOf` (default: the store's clock). Instants are epoch ms at the
 * second precision GitHub serves; ids are the node ids the twin serves.
 *
 * - deployments: every deployment (all environments) with Deployment.state as served;
 * - changes: pull requests merged into the default branch; firstCommitAt = authored date of the
 *   first commit;
 * - incidents: issues (never pull requests) carrying the failure label, whatever their state
 *   reason (the core itself ignores NOT_PLANNED and DUPLICATE).
 * @param {Store} store
 * @param {{asOf?: number|string, failureLabel?: string}} [options]
 * @returns {Record<string, {deployments: object[], changes: object[], incidents: object[]}>}
 */
function groundTruth(store, options = {}) {
  const asOf = options.asOf === undefined ? store.now() : toMs(options.asOf, 'asOf');
  const label = options.failureLabel ?? store.failureLabel;
  const byTime = (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const out = {};
  for (const repo of store.repoList()) {
    if (repo.createdAt > asOf) continue;
    out[repo.nameWithOwner] = {
      deployments: repo.deployments.filter((d) => visible(d, asOf)).map((d) => ({
        id: d.id, environment: d.environment, state: deploymentState(d, asOf), createdAt: seconds(d.createdAt),
      })).sort(byTime),
      changes: repo.pullRequests.filter((p) => visible(p, asOf) && prMergedAt(p, asOf) !== null && p.baseRefName === repo.defaultBranch).map((p) => ({
        id: p.id, createdAt: seconds(p.createdAt), firstCommitAt: seconds(p.commits[0].authoredDate), mergedAt: seconds(p.mergedAt),
      })).sort(byTime),
      incidents: repo.issues.filter((i) => visible(i, asOf) && hasLabel(i, label)).map((i) => {
        const closed = issueClosedAt(i, asOf);
        return { id: i.id, createdAt: seconds(i.createdAt), closedAt: closed === null ? null : seconds(closed), stateReason: issueStateReason(i, asOf) };
      }).sort(byTime),
    };
  }
  return out;
}

const UPDATABLE = {
  Repository: ['defaultBranch', 'description', 'private', 'archived'],
  Deployment: ['environment', 'description', 'state'],
  PullRequest: ['title', 'mergedAt', 'closedAt', 'baseRefName', 'labels', 'draft'],
  Issue: ['title', 'closedAt', 'stateReason', 'labels'],
};

/**
 * Applies changes between syncs. Each operation is one of:
 * - `{op: "add", repo: "o/r", kind: "deployment"|"change"|"incident"|"pullRequest"|"issue", event}`
 * - `{op: "addStatus", id, state, createdAt?, autoInactive?}` (a deployment's new status)
 * - `{op: "update", id, set: {...}}` (fields per type: see UPDATABLE)
 * - `{op: "remove", id}` (a deployment, pull request, issue or repository)
 * - `{op: "addRepository", repo: "o/r", spec?}`
 * - `{op: "clock", now?, advanceMs?}`
 * Updates stamp the object's updatedAt with the clock, as GitHub does.
 * @param {Store} store
 * @param {object[]} ops
 * @returns {object[]} one result per operation (`{id}` for additions)
 */
function mutate(store, ops) {
  if (!Array.isArray(ops)) ops = [ops];
  const results = [];
  for (const [i, op] of ops.entries()) {
    const where = `mutations[${i}]`;
    if (!op || typeof op !== 'object') throw new ScenarioError(`${where}: expected an object`);
    switch (op.op) {
      case 'add': {
        checkKeys(op, ['op', 'repo', 'kind', 'event'], where);
        const repo = requireRepo(store, op.repo, where);
        const obj = store.addEvent(repo, op.kind, op.event ?? {}, `${where}.event`);
        obj.touchedAt = Math.max(store.now(), obj.createdAt);
        results.push({ id: obj.id, databaseId: obj.databaseId, number: obj.number });
        break;
      }
      case 'addStatus': {
        checkKeys(op, ['op', 'id', 'state', 'createdAt', 'description', 'autoInactive'], where);
        const d = requireNode(store, op.id, 'Deployment', where);
        if (!STATUS_STATES.includes(String(op.state).toUpperCase())) throw new ScenarioError(`${where}.state: not a deployment status state`);
        const s = store.addStatus(d, { state: op.state, createdAt: op.createdAt, description: op.description, autoInactive: op.autoInactive });
        results.push({ id: s.id, databaseId: s.databaseId });
        break;
      }
      case 'update': {
        checkKeys(op, ['op', 'id', 'set'], where);
        const obj = requireNode(store, op.id, null, where);
        const allowed = UPDATABLE[obj.__typename];
        if (!allowed) throw new ScenarioError(`${where}: ${obj.__typename} objects cannot be updated`);
        checkKeys(op.set ?? {}, allowed, `${where}.set`);
        applyUpdate(store, obj, op.set ?? {}, `${where}.set`);
        obj.touchedAt = store.now();
        store.version++;
        results.push({ id: obj.id });
        break;
      }
      case 'remove': {
        checkKeys(op, ['op', 'id'], where);
        const obj = requireNode(store, op.id, null, where);
        removeObject(store, obj, where);
        results.push({ id: op.id });
        break;
      }
      case 'addRepository': {
        checkKeys(op, ['op', 'repo', 'spec'], where);
        const repo = store.addRepository(op.repo, op.spec ?? {});
        results.push({ id: repo.id, databaseId: repo.databaseId });
        break;
      }
      case 'clock': {
        checkKeys(op, ['op', 'now', 'advanceMs'], where);
        if (op.now !== undefined) store.setNow(op.now);
        if (op.advanceMs !== undefined) store.advance(op.advanceMs);
        results.push({ now: new Date(store.now()).toISOString() });
        break;
      }
      default:
        throw new ScenarioError(`${where}.op: unknown operation ${JSON.stringify(op.op)}`);
    }
  }
  return results;
}

function requireRepo(store, fullName, where) {
  const [owner, name] = String(fullName ?? '').split('/');
  const repo = owner && name ? store.getRepo(owner, name) : null;
  if (!repo) throw new ScenarioError(`${where}.repo: no repository ${JSON.stringify(fullName)}`);
  return repo;
}

function requireNode(store, id, type, where) {
  const obj = store.node(id);
  if (!obj || (type && obj.__typename !== type)) throw new ScenarioError(`${where}.id: no ${type ?? 'object'} with id ${JSON.stringify(id)}`);
  return obj;
}

function applyUpdate(store, obj, set, where) {
  const t = (k) => {
    try {
      return toMs(set[k], `${where}.${k}`);
    } catch (e) {
      throw new ScenarioError(e.message);
    }
  };
  for (const key of Object.keys(set)) {
    switch (`${obj.__typename}.${key}`) {
      case 'Repository.defaultBranch': obj.defaultBranch = String(set[key]); break;
      case 'Repository.description': obj.description = set[key]; break;
      case 'Repository.private': obj.isPrivate = Boolean(set[key]); break;
      case 'Repository.archived': obj.isArchived = Boolean(set[key]); break;
      case 'Deployment.environment': obj.environment = String(set[key]); break;
      case 'Deployment.description': obj.description = set[key]; break;
      case 'Deployment.state': {
        const s = String(set[key]).toUpperCase();
        if (!DEPLOYMENT_STATES.includes(s)) throw new ScenarioError(`${where}.state: not a deployment state`);
        obj.fixedState = s;
        break;
      }
      case 'PullRequest.title': case 'Issue.title': obj.title = String(set[key]); break;
      case 'PullRequest.draft': obj.draft = Boolean(set[key]); break;
      case 'PullRequest.mergedAt':
        obj.mergedAt = t(key);
        if (obj.mergedAt !== null) {
          obj.closedAt = obj.mergedAt;
          obj.mergeCommitOid ??= new Rng(`merge:${obj.id}`).hex(40);
        }
        break;
      case 'PullRequest.closedAt': obj.closedAt = t(key); break;
      case 'PullRequest.baseRefName': obj.baseRefName = String(set[key]); break;
      case 'Issue.closedAt':
        obj.closedAt = t(key);
        if (obj.closedAt === null) obj.stateReason = obj.stateReason ? 'REOPENED' : null;
        else if (!set.stateReason && (obj.stateReason === null || obj.stateReason === 'REOPENED')) obj.stateReason = 'COMPLETED';
        break;
      case 'Issue.stateReason': {
        const r = set[key] === null ? null : String(set[key]).toUpperCase().replace(/\s+/g, '_');
        if (r !== null && !STATE_REASONS.includes(r)) throw new ScenarioError(`${where}.stateReason: not a state reason`);
        obj.stateReason = r;
        break;
      }
      case 'PullRequest.labels': case 'Issue.labels': obj.labels = store.labelNames(obj.repository, set[key], `${where}.labels`); break;
      default: throw new ScenarioError(`${where}.${key}: cannot be updated`);
    }
  }
}

function removeObject(store, obj, where) {
  const drop = (list) => {
    const i = list.indexOf(obj);
    if (i >= 0) list.splice(i, 1);
  };
  switch (obj.__typename) {
    case 'Deployment':
      drop(obj.repository.deployments);
      for (const s of obj.statuses) store.unregister(s);
      break;
    case 'PullRequest': drop(obj.repository.pullRequests); break;
    case 'Issue': drop(obj.repository.issues); break;
    case 'Repository':
      store.repos.delete(obj.nameWithOwner.toLowerCase());
      for (const d of obj.deployments) for (const s of d.statuses) store.unregister(s);
      for (const x of [...obj.deployments, ...obj.pullRequests, ...obj.issues, ...obj.labels.values()]) store.unregister(x);
      break;
    default: throw new ScenarioError(`${where}: ${obj.__typename} objects cannot be removed`);
  }
  store.unregister(obj);
}

module.exports = { loadScenario, exportScenario, groundTruth, mutate };
