'use strict';

const { nodeId } = require('./ids');
const { hash32, Rng } = require('./prng');
const { toMs, seconds, MINUTE } = require('./time');

/**
 * The twin's data: organizations, repositories and their deployments (with statuses), pull
 * requests and issues, plus a clock. Everything served is a view of this data "as of" the clock:
 * an object created after the clock does not exist yet, a status, merge or close dated after it
 * has not happened yet. Moving the clock (or mutating) between two syncs is how a test makes
 * things change on "GitHub".
 */

const DEPLOYMENT_STATES = ['ABANDONED', 'ACTIVE', 'DESTROYED', 'ERROR', 'FAILURE', 'INACTIVE', 'IN_PROGRESS', 'PENDING', 'QUEUED', 'SUCCESS', 'WAITING'];
const STATUS_STATES = ['ERROR', 'FAILURE', 'INACTIVE', 'IN_PROGRESS', 'PENDING', 'QUEUED', 'SUCCESS', 'WAITING'];
const STATE_REASONS = ['COMPLETED', 'NOT_PLANNED', 'REOPENED', 'DUPLICATE'];

// Database-id ranges per kind, so ids of different kinds never look alike.
const DB_BASE = { Deployment: 400_000_000, DeploymentStatus: 900_000_000, PullRequest: 1_100_000_000, Issue: 1_500_000_000, Label: 3_000_000, User: 1_000, Organization: 9_000_000 };

class ScenarioError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ScenarioError';
    this.code = 'INVALID_SCENARIO';
  }
}

function checkKeys(obj, allowed, where) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new ScenarioError(`${where}: expected an object`);
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new ScenarioError(`${where}: unknown key ${JSON.stringify(k)} (allowed: ${allowed.join(', ')})`);
  }
}

function instant(v, where, { required = false } = {}) {
  if ((v === undefined || v === null) && required) throw new ScenarioError(`${where}: required`);
  try {
    return toMs(v, where);
  } catch (e) {
    throw new ScenarioError(e.message);
  }
}

function upperEnum(v, allowed, where) {
  if (v === undefined || v === null) return null;
  const s = String(v).trim().toUpperCase().replace(/[\s-]+/g, '_');
  if (!allowed.includes(s)) throw new ScenarioError(`${where}: ${JSON.stringify(v)} is not one of ${allowed.join(', ')}`);
  return s;
}

function str(v, where, fallback) {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || v === '') throw new ScenarioError(`${where}: expected a non-empty string`);
  return v;
}

// GitHub's default labels.
const LABEL_COLORS = { bug: 'd73a4a', documentation: '0075ca', duplicate: 'cfd3d7', enhancement: 'a2eeef', 'good first issue': '7057ff', 'help wanted': '008672', invalid: 'e4e669', question: 'd876e3', wontfix: 'ffffff' };
const LABEL_DESCRIPTIONS = {
  bug: "Something isn't working", documentation: 'Improvements or additions to documentation', duplicate: 'This issue or pull request already exists',
  enhancement: 'New feature or request', 'good first issue': 'Good for newcomers', 'help wanted': 'Extra attention is needed',
  invalid: "This doesn't seem right", question: 'Further information is requested', wontfix: 'This will not be worked on',
};

class Store {
  /**
   * @param {object} [options]
   * @param {string} [options.failureLabel] label that makes an issue an incident (default "bug")
   * @param {number|string} [options.now] the clock's start; default: real time
   * @param {boolean} [options.frozen] keep the clock still (it ticks with real time otherwise)
   * @param {() => number} [options.wallClock] real time source (default Date.now)
   * @param {string} [options.htmlUrl] web base for html_url fields (default https://github.com)
   */
  constructor(options = {}) {
    this.failureLabel = options.failureLabel ?? 'bug';
    this.htmlUrl = (options.htmlUrl ?? 'https://github.com').replace(/\/$/, '');
    this.wallClock = options.wallClock ?? Date.now;
    this.frozen = Boolean(options.frozen);
    this.clockBase = options.now === undefined || options.now === null ? this.wallClock() : toMs(options.now, 'now');
    this.wallBase = this.wallClock();
    /** @type {Map<string, any>} lower-case full name -> repository */
    this.repos = new Map();
    /** @type {Map<string, any>} lower-case login -> organization */
    this.orgs = new Map();
    /** @type {Map<string, any>} lower-case login -> user or bot */
    this.users = new Map();
    /** @type {Map<string, any>} node id -> object */
    this.nodes = new Map();
    /** @type {Map<string, any>} `${type}:${databaseId}` -> object */
    this.dbIds = new Map();
    this.counters = {};
    /** Bumped on every change, so caches (ETags) can tell data apart. */
    this.version = 0;
  }

  /** "GitHub's" current time: the start instant plus the real time elapsed since (unless frozen). */
  now() {
    return this.frozen ? this.clockBase : this.clockBase + (this.wallClock() - this.wallBase);
  }

  setNow(ms) {
    this.clockBase = toMs(ms, 'now');
    this.wallBase = this.wallClock();
    this.version++;
  }

  advance(ms) {
    if (!Number.isFinite(ms)) throw new ScenarioError('advance: expected milliseconds');
    this.clockBase += ms;
    this.version++;
  }

  freeze(frozen = true) {
    this.setNow(this.now());
    this.frozen = frozen;
  }

  // ---- registration -------------------------------------------------------------------------

  nextDbId(type, wanted) {
    if (wanted !== undefined && wanted !== null) {
      if (!Number.isSafeInteger(wanted) || wanted <= 0 || wanted > 2_147_483_647) throw new ScenarioError(`${type}.databaseId: expected a positive 32-bit integer`);
      if (this.dbIds.has(`${type}:${wanted}`)) throw new ScenarioError(`${type}.databaseId ${wanted} is used twice`);
      return wanted;
    }
    let n = this.counters[type] ?? DB_BASE[type] ?? 1;
    while (this.dbIds.has(`${type}:${n}`)) n++;
    this.counters[type] = n + 1;
    return n;
  }

  register(obj, wantedId) {
    const id = wantedId ?? obj.id;
    if (typeof id !== 'string' || id === '') throw new ScenarioError(`${obj.__typename}: empty id`);
    if (this.nodes.has(id)) throw new ScenarioError(`duplicate node id ${JSON.stringify(id)}`);
    obj.id = id;
    this.nodes.set(id, obj);
    if (obj.databaseId !== undefined) this.dbIds.set(`${obj.__typename}:${obj.databaseId}`, obj);
    this.version++;
    return obj;
  }

  unregister(obj) {
    this.nodes.delete(obj.id);
    if (obj.databaseId !== undefined) this.dbIds.delete(`${obj.__typename}:${obj.databaseId}`);
    this.version++;
  }

  /** @returns the user (or bot) with that login, created on first use. */
  user(login, spec = {}) {
    const key = login.toLowerCase();
    let u = this.users.get(key);
    if (!u) {
      const isBot = /\[bot\]$/.test(login);
      const databaseId = this.nextDbId('User', spec.databaseId);
      u = {
        __typename: isBot ? 'Bot' : 'User',
        login,
        name: spec.name ?? null,
        databaseId,
        createdAt: toMs(spec.createdAt ?? '2015-01-01T00:00:00Z'),
      };
      this.register(u, spec.id ?? nodeId(isBot ? 'Bot' : 'User', databaseId));
      this.users.set(key, u);
    }
    return u;
  }

  organization(login, spec = {}) {
    const key = login.toLowerCase();
    let o = this.orgs.get(key);
    if (!o) {
      const databaseId = this.nextDbId('Organization', spec.databaseId);
      o = { __typename: 'Organization', login, name: spec.name ?? login, databaseId, createdAt: toMs(spec.createdAt ?? '2016-01-01T00:00:00Z') };
      this.register(o, spec.id ?? nodeId('Organization', databaseId));
      this.orgs.set(key, o);
    }
    return o;
  }

  // ---- repositories -------------------------------------------------------------------------

  getRepo(owner, name) {
    return this.repos.get(`${owner}/${name}`.toLowerCase()) ?? null;
  }

  repoList() {
    return [...this.repos.values()].sort((a, b) => a.databaseId - b.databaseId);
  }

  /**
   * @param {string} fullName "owner/name"
   * @param {object} spec repository metadata (see README: scenario format)
   */
  addRepository(fullName, spec = {}) {
    const where = `repositories[${JSON.stringify(fullName)}]`;
    checkKeys(spec, ['id', 'databaseId', 'defaultBranch', 'labels', 'description', 'private', 'archived', 'createdAt', 'deployments', 'changes', 'incidents', 'pullRequests', 'issues'], where);
    const m = /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9._-]+)$/.exec(fullName);
    if (!m) throw new ScenarioError(`${where}: expected "owner/name"`);
    if (this.repos.has(fullName.toLowerCase())) throw new ScenarioError(`${where}: defined twice`);
    const owner = this.organization(m[1]);
    const databaseId = spec.databaseId ?? 10_000_000 + (hash32('repo', fullName.toLowerCase()) % 900_000_000);
    const repo = {
      __typename: 'Repository',
      owner,
      name: m[2],
      nameWithOwner: `${owner.login}/${m[2]}`,
      databaseId: this.nextDbId('Repository', databaseId),
      defaultBranch: str(spec.defaultBranch, `${where}.defaultBranch`, 'main'),
      description: spec.description ?? null,
      isPrivate: Boolean(spec.private),
      isArchived: Boolean(spec.archived),
      createdAt: instant(spec.createdAt, `${where}.createdAt`) ?? toMs('2020-01-01T00:00:00Z'),
      labels: new Map(),
      deployments: [],
      pullRequests: [],
      issues: [],
      nextNumber: 1,
      touchedAt: null,
    };
    this.register(repo, spec.id ?? nodeId('Repository', repo.databaseId));
    this.repos.set(repo.nameWithOwner.toLowerCase(), repo);
    // The scenario's labels first (they may carry ids), then GitHub's defaults that are missing.
    for (const [i, l] of (spec.labels ?? []).entries()) {
      const ls = typeof l === 'string' ? { name: l } : l;
      checkKeys(ls, ['name', 'color', 'description', 'id', 'databaseId', 'isDefault'], `${where}.labels[${i}]`);
      this.ensureLabel(repo, { isDefault: ls.name.toLowerCase() in LABEL_COLORS, ...ls });
    }
    for (const name of Object.keys(LABEL_COLORS)) this.ensureLabel(repo, { name, isDefault: true });
    this.addEvents(repo, spec, where);
    return repo;
  }

  /** Adds the event lists of a repository spec, in creation order so numbers and ids follow time. */
  addEvents(repo, spec, where) {
    const todo = [];
    for (const kind of ['deployments', 'changes', 'incidents', 'pullRequests', 'issues']) {
      const list = spec[kind] ?? [];
      if (!Array.isArray(list)) throw new ScenarioError(`${where}.${kind}: expected an array`);
      list.forEach((ev, i) => {
        const w = `${where}.${kind}[${i}]`;
        if (ev === null || typeof ev !== 'object') throw new ScenarioError(`${w}: expected an object`);
        todo.push({ kind, ev, w, at: instant(ev.createdAt, `${w}.createdAt`, { required: true }), i });
      });
    }
    todo.sort((a, b) => a.at - b.at || a.i - b.i);
    for (const t of todo) this.addEvent(repo, t.kind, t.ev, t.w);
  }

  /**
   * @param {any} repo
   * @param {'deployments'|'deployment'|'changes'|'change'|'incidents'|'incident'|'pullRequests'|'pullRequest'|'issues'|'issue'} kind
   * @param {object} ev
   */
  addEvent(repo, kind, ev, where = kind) {
    switch (kind) {
      case 'deployment': case 'deployments': return this.addDeployment(repo, ev, where);
      case 'change': case 'changes': return this.addPullRequest(repo, ev, where, { change: true });
      case 'pullRequest': case 'pullRequests': return this.addPullRequest(repo, ev, where, { change: false });
      case 'incident': case 'incidents': return this.addIssue(repo, ev, where, { incident: true });
      case 'issue': case 'issues': return this.addIssue(repo, ev, where, { incident: false });
      default: throw new ScenarioError(`unknown event kind ${JSON.stringify(kind)}`);
    }
  }

  ensureLabel(repo, spec) {
    const name = str(spec.name, 'label.name');
    const key = name.toLowerCase();
    let label = repo.labels.get(key);
    if (!label) {
      const databaseId = this.nextDbId('Label', spec.databaseId);
      label = {
        __typename: 'Label',
        repository: repo,
        name,
        color: spec.color ?? LABEL_COLORS[key] ?? hash32('color', key).toString(16).padStart(8, '0').slice(0, 6),
        description: spec.description ?? LABEL_DESCRIPTIONS[key] ?? null,
        isDefault: Boolean(spec.isDefault),
        databaseId,
        createdAt: repo.createdAt,
      };
      this.register(label, spec.id ?? nodeId('Label', repo.databaseId, databaseId));
      repo.labels.set(key, label);
    } else if (spec.color || spec.description) {
      if (spec.color) label.color = spec.color;
      if (spec.description) label.description = spec.description;
    }
    return label;
  }

  labelNames(repo, list, where) {
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) throw new ScenarioError(`${where}: expected an array of label names`);
    const out = [];
    for (const l of list) {
      const label = this.ensureLabel(repo, typeof l === 'string' ? { name: l } : l);
      if (!out.includes(label)) out.push(label);
    }
    return out;
  }

  // ---- deployments --------------------------------------------------------------------------

  addDeployment(repo, ev, where = 'deployment') {
    checkKeys(ev, ['id', 'databaseId', 'environment', 'state', 'createdAt', 'statuses', 'sha', 'ref', 'task', 'description', 'creator', 'payload', 'productionEnvironment', 'transientEnvironment'], where);
    const createdAt = instant(ev.createdAt, `${where}.createdAt`, { required: true });
    const environment = str(ev.environment, `${where}.environment`);
    const databaseId = this.nextDbId('Deployment', ev.databaseId);
    const rng = new Rng(`deployment:${repo.databaseId}:${databaseId}`);
    const d = {
      __typename: 'Deployment',
      repository: repo,
      databaseId,
      environment,
      originalEnvironment: environment,
      createdAt,
      sha: ev.sha ?? rng.hex(40),
      ref: ev.ref ?? repo.defaultBranch,
      task: ev.task ?? 'deploy',
      description: ev.description ?? null,
      payload: ev.payload === undefined ? {} : ev.payload,
      creator: this.user(ev.creator ?? 'github-actions[bot]'),
      productionEnvironment: ev.productionEnvironment ?? /^(prd|prod|production)([-_/.].*)?$/i.test(environment),
      transientEnvironment: Boolean(ev.transientEnvironment),
      statuses: [],
      fixedState: null,
      touchedAt: null,
    };
    this.register(d, ev.id ?? nodeId('Deployment', repo.databaseId, databaseId));
    repo.deployments.push(d);
    if (ev.statuses !== undefined && ev.statuses !== null) {
      if (!Array.isArray(ev.statuses)) throw new ScenarioError(`${where}.statuses: expected an array`);
      ev.statuses.forEach((s, i) => {
        checkKeys(s, ['id', 'databaseId', 'state', 'createdAt', 'description', 'environment', 'logUrl', 'environmentUrl', 'creator'], `${where}.statuses[${i}]`);
        this.pushStatus(d, s, `${where}.statuses[${i}]`);
      });
    } else {
      const state = upperEnum(ev.state, DEPLOYMENT_STATES, `${where}.state`) ?? 'ACTIVE';
      // Only a state: serve exactly that state, with statuses that tell the same story.
      d.fixedState = state;
      const synth = {
        ACTIVE: ['SUCCESS'], SUCCESS: ['SUCCESS'], INACTIVE: ['SUCCESS', 'INACTIVE'], DESTROYED: ['SUCCESS', 'INACTIVE'],
        ABANDONED: ['PENDING'],
      }[state] ?? [state];
      for (const s of synth) this.pushStatus(d, { state: s, createdAt }, where);
    }
    return d;
  }

  pushStatus(d, s, where) {
    const state = upperEnum(s.state, STATUS_STATES, `${where}.state`);
    if (!state) throw new ScenarioError(`${where}.state: required`);
    const createdAt = instant(s.createdAt, `${where}.createdAt`) ?? d.createdAt;
    const databaseId = this.nextDbId('DeploymentStatus', s.databaseId);
    const status = {
      __typename: 'DeploymentStatus',
      deployment: d,
      databaseId,
      state,
      createdAt,
      description: s.description ?? '',
      environment: s.environment ?? d.environment,
      logUrl: s.logUrl ?? null,
      environmentUrl: s.environmentUrl ?? null,
      creator: s.creator ? this.user(s.creator) : d.creator,
    };
    this.register(status, s.id ?? nodeId('DeploymentStatus', d.repository.databaseId, databaseId));
    d.statuses.push(status);
    d.statuses.sort((a, b) => a.createdAt - b.createdAt || a.databaseId - b.databaseId);
    return status;
  }

  /**
   * Adds a status as GitHub's "create a deployment status" does; a SUCCESS marks the earlier
   * successful deployments of the same environment INACTIVE (GitHub's auto_inactive, default on).
   */
  addStatus(d, spec) {
    const at = instant(spec.createdAt, 'addStatus.createdAt') ?? this.now();
    d.fixedState = null;
    const status = this.pushStatus(d, { ...spec, createdAt: at }, 'addStatus');
    d.touchedAt = Math.max(d.touchedAt ?? 0, at);
    if (status.state === 'SUCCESS' && spec.autoInactive !== false) {
      for (const other of d.repository.deployments) {
        if (other === d || other.environment !== d.environment || other.createdAt > d.createdAt) continue;
        const st = deploymentState(other, at);
        if (st === 'ACTIVE' || st === 'SUCCESS') {
          other.fixedState = null;
          this.pushStatus(other, { state: 'INACTIVE', createdAt: at }, 'autoInactive');
          other.touchedAt = Math.max(other.touchedAt ?? 0, at);
        }
      }
    }
    this.version++;
    return status;
  }

  // ---- pull requests and issues -------------------------------------------------------------

  addPullRequest(repo, ev, where = 'pullRequest', { change = false } = {}) {
    checkKeys(ev, ['id', 'databaseId', 'number', 'title', 'createdAt', 'firstCommitAt', 'mergedAt', 'closedAt', 'baseRefName', 'headRefName', 'labels', 'author', 'commits', 'draft', 'mergeCommitOid', 'body', 'issueDatabaseId'], where);
    const createdAt = instant(ev.createdAt, `${where}.createdAt`, { required: true });
    const mergedAt = instant(ev.mergedAt, `${where}.mergedAt`, { required: change });
    const closedAt = instant(ev.closedAt, `${where}.closedAt`) ?? mergedAt;
    const firstCommitAt = instant(ev.firstCommitAt, `${where}.firstCommitAt`);
    const number = this.takeNumber(repo, ev.number, where);
    const databaseId = this.nextDbId('PullRequest', ev.databaseId);
    const rng = new Rng(`pr:${repo.databaseId}:${databaseId}`);
    const author = this.user(ev.author ?? 'octocat');
    let commits;
    if (ev.commits !== undefined && ev.commits !== null) {
      if (!Array.isArray(ev.commits) || ev.commits.length === 0) throw new ScenarioError(`${where}.commits: expected a non-empty array`);
      commits = ev.commits.map((c, i) => {
        checkKeys(c, ['oid', 'authoredDate', 'committedDate', 'message'], `${where}.commits[${i}]`);
        const authoredDate = instant(c.authoredDate, `${where}.commits[${i}].authoredDate`, { required: true });
        return { oid: c.oid ?? rng.hex(40), authoredDate, committedDate: instant(c.committedDate, `${where}.commits[${i}].committedDate`) ?? authoredDate, message: c.message ?? `Commit ${i + 1}` };
      });
    } else {
      // The first commit is authored at firstCommitAt (createdAt when unknown); more follow.
      const first = firstCommitAt ?? createdAt;
      const n = 1 + (rng.next() < 0.5 ? 0 : rng.int(1, 3));
      commits = [];
      for (let i = 0; i < n; i++) {
        const t = i === 0 ? first : Math.max(first, createdAt) + i * rng.int(1, 30) * MINUTE;
        commits.push({ oid: rng.hex(40), authoredDate: seconds(t), committedDate: seconds(t), message: i === 0 ? (ev.title ?? `Change #${number}`) : `Address review comments (${i})` });
      }
    }
    const pr = {
      __typename: 'PullRequest',
      repository: repo,
      databaseId,
      issueDatabaseId: this.nextDbId('Issue', ev.issueDatabaseId),
      number,
      title: ev.title ?? `Change #${number}`,
      body: ev.body ?? '',
      createdAt,
      mergedAt,
      closedAt,
      baseRefName: str(ev.baseRefName, `${where}.baseRefName`, repo.defaultBranch),
      headRefName: str(ev.headRefName, `${where}.headRefName`, `feature/change-${number}`),
      labels: this.labelNames(repo, ev.labels, `${where}.labels`),
      author,
      draft: Boolean(ev.draft),
      commits,
      mergeCommitOid: mergedAt === null ? null : ev.mergeCommitOid ?? rng.hex(40),
      touchedAt: null,
    };
    if (change && pr.baseRefName !== repo.defaultBranch) throw new ScenarioError(`${where}.baseRefName: a change is merged into the default branch (${repo.defaultBranch})`);
    if (mergedAt !== null && mergedAt < createdAt) throw new ScenarioError(`${where}.mergedAt: before createdAt`);
    this.dbIds.set(`IssueOfPullRequest:${pr.issueDatabaseId}`, pr);
    this.register(pr, ev.id ?? nodeId('PullRequest', repo.databaseId, databaseId));
    repo.pullRequests.push(pr);
    return pr;
  }

  addIssue(repo, ev, where = 'issue', { incident = false } = {}) {
    checkKeys(ev, ['id', 'databaseId', 'number', 'title', 'createdAt', 'closedAt', 'stateReason', 'labels', 'author', 'body'], where);
    const createdAt = instant(ev.createdAt, `${where}.createdAt`, { required: true });
    const closedAt = instant(ev.closedAt, `${where}.closedAt`);
    let stateReason = upperEnum(ev.stateReason, STATE_REASONS, `${where}.stateReason`);
    if (closedAt !== null && stateReason === null) stateReason = 'COMPLETED';
    if (closedAt !== null && stateReason === 'REOPENED') throw new ScenarioError(`${where}.stateReason: REOPENED is for open issues`);
    if (closedAt === null && stateReason !== null && stateReason !== 'REOPENED') throw new ScenarioError(`${where}.stateReason: ${stateReason} needs closedAt`);
    if (closedAt !== null && closedAt < createdAt) throw new ScenarioError(`${where}.closedAt: before createdAt`);
    const labels = [...(ev.labels ?? [])];
    if (incident && !labels.some((l) => (typeof l === 'string' ? l : l.name).toLowerCase() === this.failureLabel.toLowerCase())) labels.unshift(this.failureLabel);
    const number = this.takeNumber(repo, ev.number, where);
    const databaseId = this.nextDbId('Issue', ev.databaseId);
    const issue = {
      __typename: 'Issue',
      repository: repo,
      databaseId,
      number,
      title: ev.title ?? (incident ? `Incident #${number}` : `Issue #${number}`),
      body: ev.body ?? '',
      createdAt,
      closedAt,
      stateReason,
      labels: this.labelNames(repo, labels, `${where}.labels`),
      author: this.user(ev.author ?? 'octocat'),
      touchedAt: null,
    };
    this.register(issue, ev.id ?? nodeId('Issue', repo.databaseId, databaseId));
    repo.issues.push(issue);
    return issue;
  }

  takeNumber(repo, wanted, where) {
    if (wanted !== undefined && wanted !== null) {
      if (!Number.isSafeInteger(wanted) || wanted <= 0) throw new ScenarioError(`${where}.number: expected a positive integer`);
      if (findByNumber(repo, wanted)) throw new ScenarioError(`${where}.number: #${wanted} is used twice in ${repo.nameWithOwner}`);
      repo.nextNumber = Math.max(repo.nextNumber, wanted + 1);
      return wanted;
    }
    while (findByNumber(repo, repo.nextNumber)) repo.nextNumber++;
    return repo.nextNumber++;
  }

  // ---- lookups ------------------------------------------------------------------------------

  node(id) {
    return this.nodes.get(id) ?? null;
  }

  byDatabaseId(type, id) {
    return this.dbIds.get(`${type}:${id}`) ?? null;
  }
}

function findByNumber(repo, number) {
  return repo.pullRequests.find((p) => p.number === number) ?? repo.issues.find((i) => i.number === number) ?? null;
}

// ---- views "as of" an instant ---------------------------------------------------------------

const visible = (obj, now) => obj.createdAt <= now;

function statusesAsOf(d, now) {
  return d.statuses.filter((s) => s.createdAt <= now);
}

/** Deployment.state as GitHub derives it from the latest status (SUCCESS shows as ACTIVE). */
function deploymentState(d, now) {
  if (d.fixedState) return d.fixedState;
  const st = statusesAsOf(d, now);
  if (st.length === 0) return 'PENDING';
  const last = st[st.length - 1].state;
  return last === 'SUCCESS' ? 'ACTIVE' : last;
}

function latestStatus(d, now) {
  const st = statusesAsOf(d, now);
  return st.length ? st[st.length - 1] : null;
}

function prMergedAt(pr, now) {
  return pr.mergedAt !== null && pr.mergedAt <= now ? pr.mergedAt : null;
}

function prClosedAt(pr, now) {
  const merged = prMergedAt(pr, now);
  if (merged !== null) return merged;
  return pr.closedAt !== null && pr.closedAt <= now ? pr.closedAt : null;
}

function prState(pr, now) {
  if (prMergedAt(pr, now) !== null) return 'MERGED';
  return prClosedAt(pr, now) !== null ? 'CLOSED' : 'OPEN';
}

function issueClosedAt(issue, now) {
  return issue.closedAt !== null && issue.closedAt <= now ? issue.closedAt : null;
}

function issueState(issue, now) {
  return issueClosedAt(issue, now) === null ? 'OPEN' : 'CLOSED';
}

function issueStateReason(issue, now) {
  if (issueClosedAt(issue, now) !== null) return issue.stateReason ?? 'COMPLETED';
  return issue.stateReason === 'REOPENED' ? 'REOPENED' : null;
}

/** updatedAt: the latest thing that has happened to the object by `now`. */
function updatedAt(obj, now) {
  const times = [obj.createdAt];
  if (obj.touchedAt !== null && obj.touchedAt !== undefined && obj.touchedAt <= now) times.push(obj.touchedAt);
  switch (obj.__typename) {
    case 'Deployment': {
      const s = latestStatus(obj, now);
      if (s) times.push(s.createdAt);
      break;
    }
    case 'PullRequest': {
      const c = prClosedAt(obj, now);
      if (c !== null) times.push(c);
      for (const cm of obj.commits) if (cm.committedDate <= now) times.push(cm.committedDate);
      break;
    }
    case 'Issue': {
      const c = issueClosedAt(obj, now);
      if (c !== null) times.push(c);
      break;
    }
    case 'Repository':
      for (const p of obj.pullRequests) if (prMergedAt(p, now) !== null && p.baseRefName === obj.defaultBranch) times.push(p.mergedAt);
      break;
    default:
  }
  return Math.max(...times);
}

function hasLabel(obj, name) {
  const n = name.toLowerCase();
  return obj.labels.some((l) => l.name.toLowerCase() === n);
}

/** The commit at the tip of a branch: the latest merge into it, else a stable synthetic one. */
function branchHead(repo, branch, now) {
  let best = null;
  for (const p of repo.pullRequests) {
    if (p.baseRefName === branch && prMergedAt(p, now) !== null && (!best || p.mergedAt > best.mergedAt)) best = p;
  }
  if (best) return { oid: best.mergeCommitOid, authoredDate: best.mergedAt, committedDate: best.mergedAt, message: `${best.title} (#${best.number})` };
  const rng = new Rng(`branch:${repo.databaseId}:${branch}`);
  return { oid: rng.hex(40), authoredDate: repo.createdAt, committedDate: repo.createdAt, message: 'Initial commit' };
}

module.exports = {
  Store,
  ScenarioError,
  DEPLOYMENT_STATES,
  STATUS_STATES,
  STATE_REASONS,
  checkKeys,
  visible,
  statusesAsOf,
  deploymentState,
  latestStatus,
  prMergedAt,
  prClosedAt,
  prState,
  issueClosedAt,
  issueState,
  issueStateReason,
  updatedAt,
  hasLabel,
  branchHead,
};
