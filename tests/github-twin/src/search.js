'use strict';

const { visible, prState, prMergedAt, prClosedAt, issueState, issueClosedAt, issueStateReason, updatedAt, hasLabel } = require('./store');
const { DAY } = require('./time');

/**
 * GitHub's issue search (REST /search/issues and GraphQL `search(type: ISSUE)`), over the qualifiers
 * a collector uses: repo:, org:, user:, owner:, is:pr|pull-request|issue|open|closed|merged|unmerged|draft,
 * type:pr|issue, state:, base:, head:, label: (comma = any of; repeated = all of; -label: = none),
 * no:label, reason:, author:, created:, updated:, merged:, closed: (with >, >=, <, <=, a..b, *),
 * sort:created|updated|comments[-asc|-desc], archived:. Other words match the title or body.
 * At most the first 1,000 results can be reached, as on GitHub; the total is still reported.
 */

const SEARCH_LIMIT = 1000;

/** Splits a query into words, keeping "quoted phrases" (also after `key:`) together. */
function tokenize(q) {
  const out = [];
  const re = /(-?)([A-Za-z_-]+):("([^"]*)"|(\S*))|"([^"]*)"|(\S+)/g;
  let m;
  while ((m = re.exec(q))) {
    if (m[2] !== undefined) out.push({ negated: m[1] === '-', key: m[2].toLowerCase(), value: m[4] ?? m[5] ?? '' });
    else out.push({ text: (m[6] ?? m[7]).toLowerCase() });
  }
  return out;
}

/**
 * A date qualifier value as a half-open interval [from, to) in epoch ms; null when malformed.
 * Date-only bounds are whole UTC days, as GitHub treats them.
 */
function parseRange(v) {
  const one = (s) => {
    const m = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
    if (!m) return null;
    const start = Date.parse(m[2] ? (m[5] ? s : `${s}Z`) : `${m[1]}T00:00:00Z`);
    if (Number.isNaN(start)) return null;
    return { start, end: m[2] ? start + 1 : start + DAY };
  };
  let m;
  if ((m = /^(>=|<=|>|<)(.+)$/.exec(v))) {
    const d = one(m[2]);
    if (!d) return null;
    switch (m[1]) {
      case '>=': return [d.start, Infinity];
      case '>': return [d.end, Infinity];
      case '<': return [-Infinity, d.start];
      default: return [-Infinity, d.end];
    }
  }
  if ((m = /^(.+)\.\.(.+)$/.exec(v))) {
    const a = m[1] === '*' ? { start: -Infinity } : one(m[1]);
    const b = m[2] === '*' ? { end: Infinity } : one(m[2]);
    return a && b ? [a.start, b.end] : null;
  }
  const d = one(v);
  return d ? [d.start, d.end] : null;
}

/**
 * @param {string} q
 * @returns {{filters: Array<(obj: any, now: number) => boolean>, sort: {field: string, direction: string}|null, kinds: Set<string>}}
 */
function compile(q) {
  const filters = [];
  const repos = [];
  const owners = [];
  const kinds = new Set();
  let sort = null;
  const add = (negated, f) => filters.push(negated ? (o, n) => !f(o, n) : f);
  const inRange = (get, v) => {
    const r = parseRange(v);
    return (o, n) => {
      if (!r) return false;
      const t = get(o, n);
      return t !== null && t !== undefined && t >= r[0] && t < r[1];
    };
  };
  for (const tok of tokenize(q)) {
    if (tok.text !== undefined) {
      const text = tok.text;
      filters.push((o) => o.title.toLowerCase().includes(text) || (o.body ?? '').toLowerCase().includes(text));
      continue;
    }
    const { key, value, negated } = tok;
    const v = value.toLowerCase();
    switch (key) {
      case 'repo': repos.push(v); break;
      case 'org': case 'user': case 'owner': owners.push(v); break;
      case 'is': case 'type': case 'state':
        if (['pr', 'pull-request', 'pullrequest'].includes(v)) { kinds.add(negated ? 'Issue' : 'PullRequest'); }
        else if (v === 'issue') { kinds.add(negated ? 'PullRequest' : 'Issue'); }
        else if (v === 'open' || v === 'closed') add(negated, (o, n) => (o.__typename === 'PullRequest' ? prState(o, n) === 'OPEN' : issueState(o, n) === 'OPEN') === (v === 'open'));
        else if (v === 'merged') add(negated, (o, n) => o.__typename === 'PullRequest' && prMergedAt(o, n) !== null);
        else if (v === 'unmerged') add(negated, (o, n) => o.__typename === 'PullRequest' && prMergedAt(o, n) === null && prClosedAt(o, n) !== null);
        else if (v === 'draft') add(negated, (o) => o.__typename === 'PullRequest' && o.draft);
        else add(negated, () => false);
        break;
      case 'base': add(negated, (o) => o.__typename === 'PullRequest' && o.baseRefName.toLowerCase() === v); break;
      case 'head': add(negated, (o) => o.__typename === 'PullRequest' && o.headRefName.toLowerCase() === v); break;
      case 'label': {
        const any = value.split(',').filter(Boolean);
        add(negated, (o) => any.some((l) => hasLabel(o, l)));
        break;
      }
      case 'no':
        if (v === 'label') add(negated, (o) => o.labels.length === 0);
        else add(negated, () => false);
        break;
      case 'reason': {
        const r = v.replace(/[\s-]+/g, '_');
        add(negated, (o, n) => o.__typename === 'Issue' && (issueStateReason(o, n) ?? '').toLowerCase() === r);
        break;
      }
      case 'author': add(negated, (o) => o.author.login.toLowerCase() === v); break;
      case 'created': add(negated, inRange((o) => o.createdAt, value.toUpperCase())); break;
      case 'updated': add(negated, inRange((o, n) => updatedAt(o, n), value.toUpperCase())); break;
      case 'merged': add(negated, inRange((o, n) => (o.__typename === 'PullRequest' ? prMergedAt(o, n) : null), value.toUpperCase())); break;
      case 'closed': add(negated, inRange((o, n) => (o.__typename === 'PullRequest' ? prClosedAt(o, n) : issueClosedAt(o, n)), value.toUpperCase())); break;
      case 'archived': add(negated, (o) => o.repository.isArchived === (v === 'true')); break;
      case 'sort': {
        const m = /^(created|updated|comments|interactions|reactions)(?:-(asc|desc))?$/.exec(v);
        if (m) sort = { field: m[1], direction: m[2] ?? 'desc' };
        break;
      }
      case 'in': case 'archived-at': break;
      default: {
        // GitHub reads an unknown qualifier as plain words.
        const text = `${key}:${v}`;
        add(negated, (o) => o.title.toLowerCase().includes(text));
      }
    }
  }
  if (repos.length) filters.push((o) => repos.includes(o.repository.nameWithOwner.toLowerCase()));
  if (owners.length) filters.push((o) => owners.includes(o.repository.owner.login.toLowerCase()));
  return { filters, sort, kinds };
}

/** True when the query names the result type, as GitHub's REST search now requires. */
function namesIssueType(q) {
  return tokenize(q).some((t) => !t.negated && (t.key === 'is' || t.key === 'type') && ['issue', 'pr', 'pull-request'].includes(t.value.toLowerCase()));
}

/**
 * @param {import('./store').Store} store
 * @param {string} q
 * @param {number} now
 * @param {{sort?: string, order?: string}} [options] REST's sort/order (the query's sort: wins)
 * @returns {{total: number, items: any[]}} items: at most the first 1,000 matches
 */
function searchIssues(store, q, now, options = {}) {
  const { filters, sort, kinds } = compile(q);
  const wantKinds = kinds.size === 1 ? kinds : null;
  const matches = [];
  for (const repo of store.repoList()) {
    if (!visible(repo, now)) continue;
    for (const list of [repo.pullRequests, repo.issues]) {
      for (const o of list) {
        if (!visible(o, now)) continue;
        if (wantKinds && !wantKinds.has(o.__typename)) continue;
        if (kinds.size === 2) continue; // is:pr is:issue matches nothing
        if (filters.every((f) => f(o, now))) matches.push(o);
      }
    }
  }
  const s = sort ?? (options.sort ? { field: options.sort, direction: options.order ?? 'desc' } : { field: 'created', direction: 'desc' });
  const key = s.field === 'updated' ? (o) => updatedAt(o, now) : (o) => o.createdAt;
  const dir = s.direction === 'asc' ? 1 : -1;
  const dbId = (o) => o.issueDatabaseId ?? o.databaseId;
  matches.sort((a, b) => dir * (key(a) - key(b) || dbId(a) - dbId(b)));
  return { total: matches.length, items: matches.slice(0, SEARCH_LIMIT) };
}

module.exports = { searchIssues, namesIssueType, parseRange, tokenize, SEARCH_LIMIT };
