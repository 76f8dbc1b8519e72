'use strict';

const { Rng } = require('./prng');
const { toMs, seconds, MINUTE, HOUR, DAY } = require('./time');

/**
 * A deterministic synthetic organization: the same options (seed and end included) give the same
 * scenario, byte for byte. It exercises what a DORA collector must get right:
 *
 * - production and staging deployments whose statuses move PENDING -> IN_PROGRESS -> SUCCESS /
 *   FAILURE / ERROR after creation, earlier successful ones marked INACTIVE when superseded, and,
 *   per repository, a last production deployment still in progress at `end` (it completes a few
 *   minutes later: advance the twin's clock to see it change);
 * - squash-merged pull requests into the default branch (`main`, one repository uses `master`),
 *   some merged into other branches, some closed unmerged, some open; some PRs labelled `bug`;
 * - issues labelled `bug` closed as COMPLETED, NOT_PLANNED and DUPLICATE, some open or reopened,
 *   plus ordinary issues;
 * - one repository (from the fourth on) that does not use GitHub deployments at all, and one whose
 *   production environment is called `prod`.
 */

const REPO_NAMES = ['payments', 'checkout', 'inventory', 'search', 'billing', 'auth', 'catalog', 'notifications', 'shipping', 'gateway', 'ledger', 'pricing', 'profiles', 'reports', 'scheduler', 'storefront'];
const AUTHORS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];

/**
 * @param {object} [options]
 * @param {string} [options.org] organization login (default "acme")
 * @param {number} [options.repos] number of repositories (default 3)
 * @param {number|string} [options.seed] default 1
 * @param {number} [options.days] history length (default 90)
 * @param {number|string} [options.end] last instant of generated history; default: now, to the
 *   minute (pass it explicitly for a reproducible data set)
 * @param {string} [options.failureLabel] default "bug"
 * @param {number} [options.scale] multiplies every event rate (default 1)
 * @returns {object} a scenario (see README.md), with `now` = end
 */
function generateScenario(options = {}) {
  const org = options.org ?? 'acme';
  const repoCount = options.repos ?? 3;
  const seed = options.seed ?? 1;
  const days = options.days ?? 90;
  const scale = options.scale ?? 1;
  const failureLabel = options.failureLabel ?? 'bug';
  const end = seconds(options.end === undefined || options.end === null ? Math.floor(Date.now() / MINUTE) * MINUTE : toMs(options.end, 'end'));
  if (!Number.isInteger(repoCount) || repoCount < 0) throw new Error('repos: expected a non-negative integer');
  if (!(days > 0)) throw new Error('days: expected a positive number');
  const start = end - days * DAY;
  const root = new Rng(`${seed}:${org}`);

  const repositories = {};
  for (let i = 0; i < repoCount; i++) {
    const name = REPO_NAMES[i % REPO_NAMES.length] + (i >= REPO_NAMES.length ? `-${Math.floor(i / REPO_NAMES.length) + 1}` : '');
    const rng = root.fork(`repo:${i}`);
    const defaultBranch = i === 1 ? 'master' : 'main';
    const production = i === 2 ? 'prod' : 'production';
    const usesDeployments = i !== 3;
    const profile = {
      prodPerDay: rng.float(0.3, 2.5) * scale,
      failureRate: rng.float(0.03, 0.25),
      prsPerDay: rng.float(0.8, 4) * scale,
      incidentsPerDay: rng.float(0.05, 0.4) * scale,
      otherIssuesPerDay: rng.float(0.05, 0.25) * scale,
    };
    const pullRequests = genPullRequests(rng.fork('prs'), { start, end, defaultBranch, failureLabel, perDay: profile.prsPerDay });
    const merges = pullRequests.filter((p) => p.mergedAt && p.baseRefName === defaultBranch).map((p) => ({ at: toMs(p.mergedAt), oid: p.mergeCommitOid })).sort((a, b) => a.at - b.at);
    const deployments = usesDeployments
      ? [
          ...genDeployments(rng.fork('prod'), { start, end, environment: production, perDay: profile.prodPerDay, failureRate: profile.failureRate, merges, ref: defaultBranch, pendingAtEnd: true }),
          ...genDeployments(rng.fork('staging'), { start, end, environment: 'staging', perDay: profile.prodPerDay * 2, failureRate: profile.failureRate * 1.5, merges, ref: defaultBranch, pendingAtEnd: false }),
        ]
      : [];
    const issues = [
      ...genIssues(rng.fork('incidents'), { start, end, perDay: profile.incidentsPerDay, labels: [failureLabel], incident: true }),
      ...genIssues(rng.fork('issues'), { start, end, perDay: profile.otherIssuesPerDay, labels: null, incident: false }),
    ];
    repositories[`${org}/${name}`] = {
      defaultBranch,
      description: `The ${name} service`,
      createdAt: iso(start - 400 * DAY),
      labels: [failureLabel, 'enhancement', 'dependencies', 'p1', 'p2'],
      deployments,
      pullRequests,
      issues,
    };
  }
  return {
    version: 1,
    description: `Synthetic organization ${org}: ${repoCount} repositories, ${days} days, seed ${seed}`,
    now: iso(end),
    failureLabel,
    repositories,
  };
}

function iso(ms) {
  return new Date(ms).toISOString();
}

/** Poisson arrivals in [start, end). */
function arrivals(rng, start, end, perDay) {
  const out = [];
  if (!(perDay > 0)) return out;
  let t = start + rng.exp(DAY / perDay);
  while (t < end) {
    out.push(seconds(t));
    t += rng.exp(DAY / perDay);
  }
  return out;
}

function genPullRequests(rng, { start, end, defaultBranch, failureLabel, perDay }) {
  const prs = [];
  for (const t of arrivals(rng, start, end, perDay)) {
    const firstCommitAt = seconds(t - Math.min(rng.exp(20 * HOUR), 10 * DAY));
    const outcome = rng.weighted([['merged', 75], ['other-branch', 8], ['closed', 10], ['open', 7]]);
    const labels = [];
    if (rng.chance(0.15)) labels.push(failureLabel);
    if (rng.chance(0.1)) labels.push('dependencies');
    else if (rng.chance(0.2)) labels.push('enhancement');
    const pr = {
      title: labels.includes(failureLabel) ? 'Fix a production bug' : 'Improve the service',
      createdAt: iso(t),
      firstCommitAt: iso(firstCommitAt),
      baseRefName: outcome === 'other-branch' ? rng.pick(['develop', 'release/1.x']) : defaultBranch,
      headRefName: `topic/${rng.hex(8)}`,
      author: labels.includes('dependencies') ? 'dependabot[bot]' : rng.pick(AUTHORS),
      labels,
      mergedAt: null,
      closedAt: null,
      mergeCommitOid: null,
    };
    if (outcome === 'merged' || outcome === 'other-branch') {
      // Squash merges: one new commit on the base branch. A merge after `end` has not happened yet.
      pr.mergedAt = iso(seconds(t + 10 * MINUTE + rng.exp(18 * HOUR)));
      pr.mergeCommitOid = rng.hex(40);
    } else if (outcome === 'closed') {
      pr.closedAt = iso(seconds(t + 5 * MINUTE + rng.exp(30 * HOUR)));
    }
    prs.push(pr);
  }
  return prs;
}

function genDeployments(rng, { start, end, environment, perDay, failureRate, merges, ref, pendingAtEnd }) {
  const out = [];
  let active = null;
  let free = start;
  const times = arrivals(rng, start, end - 30 * MINUTE, perDay);
  if (pendingAtEnd) times.push(seconds(end - rng.int(2, 8) * MINUTE));
  for (const t0 of times) {
    const t = Math.max(t0, free);
    if (t >= end) break;
    const last = pendingAtEnd && t0 === times[times.length - 1];
    const head = latestBefore(merges, t);
    const queued = t + rng.int(5, 60) * 1000;
    const running = queued + rng.int(1, 3) * MINUTE;
    const done = last ? end + rng.int(5, 20) * MINUTE : running + rng.int(3, 25) * MINUTE;
    const r = rng.next();
    const final = r < failureRate * 0.8 ? 'FAILURE' : r < failureRate ? 'ERROR' : 'SUCCESS';
    const d = {
      environment,
      createdAt: iso(t),
      sha: head ? head.oid : rng.hex(40),
      ref,
      statuses: [
        { state: 'PENDING', createdAt: iso(seconds(queued)) },
        { state: 'IN_PROGRESS', createdAt: iso(seconds(running)) },
        { state: final, createdAt: iso(seconds(done)) },
      ],
    };
    if (final === 'SUCCESS') {
      // GitHub's auto_inactive: the deployment this one supersedes becomes inactive.
      if (active) active.statuses.push({ state: 'INACTIVE', createdAt: iso(seconds(done)) });
      active = d;
    }
    out.push(d);
    free = done + MINUTE;
  }
  return out;
}

function latestBefore(sorted, t) {
  let best = null;
  for (const m of sorted) {
    if (m.at > t) break;
    best = m;
  }
  return best;
}

function genIssues(rng, { start, end, perDay, labels, incident }) {
  const out = [];
  for (const t of arrivals(rng, start, end, perDay)) {
    const fate = incident
      ? rng.weighted([['COMPLETED', 70], ['NOT_PLANNED', 12], ['DUPLICATE', 5], ['open', 9], ['REOPENED', 4]])
      : rng.weighted([['COMPLETED', 50], ['NOT_PLANNED', 20], ['open', 30]]);
    const issue = {
      title: incident ? 'Production incident' : 'Feature request',
      createdAt: iso(t),
      author: rng.pick(AUTHORS),
      labels: labels ? [...labels, ...(rng.chance(0.4) ? [rng.pick(['p1', 'p2'])] : [])] : [rng.pick(['enhancement', 'question'])],
      closedAt: null,
      stateReason: null,
    };
    if (fate === 'COMPLETED') issue.closedAt = iso(seconds(t + 5 * MINUTE + rng.exp(6 * HOUR)));
    else if (fate === 'NOT_PLANNED') issue.closedAt = iso(seconds(t + HOUR + rng.exp(2 * DAY)));
    else if (fate === 'DUPLICATE') issue.closedAt = iso(seconds(t + HOUR + rng.exp(DAY)));
    if (issue.closedAt) issue.stateReason = fate;
    if (fate === 'REOPENED') issue.stateReason = 'REOPENED';
    out.push(issue);
  }
  return out;
}

module.exports = { generateScenario, REPO_NAMES };
