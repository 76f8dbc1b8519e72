'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const { Store } = require('./store');
const { loadScenario, exportScenario, groundTruth, mutate } = require('./scenario');
const { generateScenario } = require('./generate');
const { RateLimits } = require('./limits');
const { Faults } = require('./faults');
const { runGraphQL, schema } = require('./graphql/execute');
const { openApi } = require('./rest/openapi');
const { routes, HttpError } = require('./rest/routes');

/**
 * The HTTP side: api.github.com's REST and GraphQL endpoints (also under /api/v3 and /api/graphql,
 * as on GitHub Enterprise Server), authentication, rate limits, ETags, fault injection, and the
 * control endpoints under /_twin/.
 */

const MAX_BODY = 1 << 20;
const DOCS = 'https://docs.github.com/rest';
const RATE_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';

function normalizeTokens(tokens) {
  if (tokens === '*' || tokens === undefined) return { any: tokens === '*', list: tokens === '*' ? [] : [{ token: 'twin-token', login: 'octocat' }] };
  const list = [].concat(tokens).map((t, i, all) => {
    const spec = typeof t === 'string' ? { token: t } : { ...t };
    if (!spec.token || typeof spec.token !== 'string') throw new Error(`tokens[${i}]: expected a non-empty token`);
    spec.login ??= i === 0 ? 'octocat' : `octocat-${i + 1}`;
    return spec;
  });
  return { any: false, list };
}

class Twin {
  /** @param {import('./index').TwinOptions} options */
  constructor(options = {}) {
    this.options = options;
    this.wallClock = options.wallClock ?? Date.now;
    this.tokens = normalizeTokens(options.tokens);
    this.limits = new RateLimits(options.rateLimit ?? {}, this.wallClock);
    this.faults = new Faults(options.faults ?? {});
    this.strictParams = options.strictParams !== false;
    this.validateResponses = Boolean(options.validateResponses);
    this.maxConcurrent = options.secondary?.maxConcurrent ?? Infinity;
    this.inFlight = new Map();
    /** @type {Map<NodeJS.Timeout, () => void>} faults holding a response */
    this.held = new Map();
    this.seq = 0;
    this.resetStats();
    this.setData(options);
    // Load both API descriptions up front so the first request is not slow.
    schema();
    openApi();
  }

  /** Replaces the data set: `{scenario}` (object or file path), `{generate: {...}}`, or empty. */
  setData({ scenario, generate, now, frozenClock, htmlUrl } = {}) {
    const clock = { now, frozen: frozenClock, wallClock: this.wallClock, htmlUrl: htmlUrl ?? this.options.htmlUrl };
    if (scenario && generate) throw new Error('give either scenario or generate, not both');
    let sc = scenario;
    if (generate) {
      sc = generateScenario(generate);
      // History generated up to "now" is served on a clock that is now, not the minute it was
      // rounded to: a clock behind real time would hide fresh changes from `since` queries.
      if ((generate.end === undefined || generate.end === null) && now === undefined) clock.now = this.wallClock();
    }
    this.initialOnWallClock = clock.now !== undefined && clock.now !== now;
    this.initial = sc ?? null;
    this.store = sc ? loadScenario(sc, clock) : new Store({ ...clock });
    this.etagSalt = crypto.randomBytes(4).toString('hex');
  }

  resetStats() {
    this.statsData = { requests: 0, faultsInjected: 0, invalidResponses: 0, tokens: {} };
  }

  tokenStats(key) {
    this.statsData.tokens[key] ??= { login: null, requests: 0, rest: 0, graphql: 0, search: 0, notModified: 0, graphqlPoints: 0, rateLimited: 0, secondaryLimited: 0, statuses: {}, faults: {} };
    return this.statsData.tokens[key];
  }

  stats() {
    const out = JSON.parse(JSON.stringify(this.statsData));
    out.rateLimits = {};
    for (const key of Object.keys(out.tokens)) {
      const account = this.accountFor(key);
      out.rateLimits[key] = this.limits.overview(key, account?.limits ?? {}).resources;
    }
    out.now = new Date(this.store.now()).toISOString();
    return out;
  }

  accountFor(token) {
    if (token === 'anonymous') return { token, login: null, limits: { core: 60 } };
    const found = this.tokens.list.find((t) => t.token === token);
    if (found) return found;
    return this.tokens.any ? { token, login: 'octocat' } : null;
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  async handle(req, res) {
    const url = new URL(req.url, `http://${req.headers.host ?? '127.0.0.1'}`);
    if (url.pathname.startsWith('/_twin/') || url.pathname === '/_twin') return this.control(req, res, url);
    let body = null;
    try {
      body = await readBody(req);
    } catch {
      return send(res, 413, { message: 'Payload too large' });
    }
    const isGraphQL = url.pathname === '/graphql' || url.pathname === '/api/graphql';
    const prefix = url.pathname.startsWith('/api/v3/') || url.pathname === '/api/v3' ? '/api/v3' : '';
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;

    // Authentication: "token X", "Bearer X"; none is anonymous (REST only, 60 requests an hour).
    const auth = req.headers.authorization;
    let tokenKey = 'anonymous';
    let account = null;
    if (auth) {
      const m = /^(?:token|bearer)\s+(\S+)$/i.exec(auth.trim());
      account = m ? this.accountFor(m[1]) : null;
      if (!account) {
        this.statsData.requests++;
        return send(res, 401, { message: 'Bad credentials', documentation_url: isGraphQL ? 'https://docs.github.com/graphql' : DOCS, status: '401' }, requestIdHeaders());
      }
      tokenKey = account.token;
    } else if (isGraphQL) {
      this.statsData.requests++;
      return send(res, 401, { message: 'This endpoint requires you to be authenticated.', documentation_url: 'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql', status: '401' }, requestIdHeaders());
    } else {
      account = this.accountFor('anonymous');
    }
    const ts = this.tokenStats(tokenKey);
    ts.login = account.login;
    ts.requests++;
    this.statsData.requests++;
    const seq = ++this.seq;

    const fault = this.faults.decide(seq, { method: req.method, path: url.pathname, token: tokenKey === 'anonymous' ? null : tokenKey });
    if (fault) {
      this.statsData.faultsInjected++;
      ts.faults[fault.kind] = (ts.faults[fault.kind] ?? 0) + 1;
    }
    // Requests in flight per token, for the concurrency secondary limit.
    const flight = (this.inFlight.get(tokenKey) ?? 0) + 1;
    this.inFlight.set(tokenKey, flight);
    try {
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return undefined;
      }
      if (fault?.kind === 'timeout') {
        await this.hold(this.faults.options.timeoutMs);
        req.socket.destroy();
        return undefined;
      }
      if (fault?.kind === 'slow') await this.hold(this.faults.options.slowMs);

      const resource = isGraphQL ? 'graphql' : url.pathname.startsWith(`${prefix}/search/`) ? 'search' : 'core';
      const bucket = this.limits.bucket(tokenKey, resource, account.limits ?? {});
      if (fault?.kind === 'secondary' || flight > this.maxConcurrent) {
        ts.secondaryLimited++;
        const status = fault?.status ?? 403;
        const headers = { ...RateLimits.headers(bucket, resource), 'retry-after': String(fault?.retryAfter ?? this.faults.options.retryAfter), ...requestIdHeaders() };
        return this.finish(res, ts, status, {
          message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${headers['x-github-request-id']}.`,
          documentation_url: `${RATE_DOCS}#about-secondary-rate-limits`,
          status: String(status),
        }, headers, null);
      }
      if (fault?.kind === '5xx') {
        const status = fault.status;
        const headers = requestIdHeaders();
        const errBody = isGraphQL && status === 502
          ? { data: null, errors: [{ message: `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`${headers['x-github-request-id']}\` when reporting this issue.` }] }
          : { message: status === 503 ? 'Service Unavailable' : 'Server Error', documentation_url: DOCS, status: String(status) };
        return this.finish(res, ts, status, errBody, headers, null);
      }
      const out = isGraphQL
        ? this.graphql(body, { account, ts, bucket })
        : this.rest(req, url, prefix, origin, { account, tokenKey, ts, bucket, resource });
      return this.finish(res, ts, out.status, out.body, out.headers, fault?.kind === 'truncated' ? 'truncated' : null, out.raw);
    } finally {
      const n = (this.inFlight.get(tokenKey) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(tokenKey);
      else this.inFlight.set(tokenKey, n);
    }
  }

  /** Ends every wait of `slow` and `timeout` faults now (a timed-out request is then cut). */
  releaseHeld() {
    for (const [timer, release] of this.held) {
      clearTimeout(timer);
      release();
    }
    this.held.clear();
  }

  /** Waits `ms`, or until releaseHeld() (the twin closing releases too). */
  hold(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.held.delete(timer);
        resolve();
      }, ms);
      this.held.set(timer, resolve);
    });
  }

  finish(res, ts, status, body, headers, fault, raw) {
    ts.statuses[status] = (ts.statuses[status] ?? 0) + 1;
    if (fault === 'truncated') {
      const buf = Buffer.from(raw ?? JSON.stringify(body));
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(buf.length), ...headers });
      res.write(buf.subarray(0, Math.floor(buf.length / 2)));
      res.socket?.destroy();
      return undefined;
    }
    return send(res, status, body, headers, raw);
  }

  graphql(body, { account, ts, bucket }) {
    ts.graphql++;
    let request;
    try {
      request = body.length ? JSON.parse(body.toString('utf8')) : null;
    } catch {
      return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql', status: '400' }, headers: { ...RateLimits.headers(bucket, 'graphql'), ...requestIdHeaders() } };
    }
    const viewer = this.store.user(account.login ?? 'octocat');
    // GitHub refuses a query only once the budget is spent; the query that crosses the limit runs
    // (so `used` can pass `limit`, as GitHub's own /rate_limit sometimes shows).
    const charge = (cost, nodeCount, { dryRun }) => {
      if (bucket.used >= bucket.limit) {
        ts.rateLimited++;
        return { ok: false, message: `API rate limit already exceeded for user ID ${viewer.databaseId}.` };
      }
      if (!dryRun) {
        bucket.used += cost;
        ts.graphqlPoints += cost;
      }
      return { ok: true, rateLimit: { cost, limit: bucket.limit, remaining: Math.max(0, bucket.limit - bucket.used), used: bucket.used, resetAt: bucket.resetAt, nodeCount } };
    };
    const out = runGraphQL(request, { store: this.store, viewer, charge });
    return { status: 200, body: out.body, headers: { ...RateLimits.headers(bucket, 'graphql'), ...requestIdHeaders() } };
  }

  rest(req, url, prefix, origin, { account, tokenKey, ts, bucket, resource }) {
    ts.rest++;
    if (resource === 'search') ts.search++;
    const oa = openApi();
    const pathname = url.pathname.slice(prefix.length) || '/';
    const api = `${origin}${prefix}`;
    const rlHeaders = () => RateLimits.headers(bucket, resource);
    const matched = oa.match(req.method === 'HEAD' ? 'GET' : req.method, pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname);
    if (!matched || matched === 'method') {
      return { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' }, headers: { ...rlHeaders(), ...requestIdHeaders() } };
    }
    const { template, operation, params } = matched;
    const docsUrl = operation.externalDocs?.url ?? DOCS;
    const handler = routes[`${req.method === 'HEAD' ? 'GET' : req.method} ${template}`];
    if (!handler) {
      return { status: 404, body: { message: 'Not Found', documentation_url: docsUrl, status: '404' }, headers: { ...rlHeaders(), ...requestIdHeaders(), 'x-github-twin': `not implemented: ${operation.operationId}` } };
    }
    const isRateLimit = template === '/rate_limit';
    if (!isRateLimit && bucket.used >= bucket.limit) {
      ts.rateLimited++;
      const viewer = account.login ? this.store.user(account.login) : null;
      return {
        status: 403,
        body: { message: viewer ? `API rate limit exceeded for user ID ${viewer.databaseId}.` : `API rate limit exceeded for ${req.socket.remoteAddress}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`, documentation_url: `${RATE_DOCS}#about-the-primary-rate-limit`, status: '403' },
        headers: { ...rlHeaders(), ...requestIdHeaders() },
      };
    }
    const { values, problems } = oa.checkQuery(operation, url.searchParams);
    const resourceName = { issues: 'Issue', pulls: 'PullRequest', search: 'Search', orgs: 'Organization' }[operation.operationId.split('/')[0]]
      ?? (/deployment/.test(operation.operationId) ? 'Deployment' : 'Repository');
    const reported = problems.filter((p) => this.strictParams || !/is not a parameter/.test(p.message));
    let out;
    if (reported.length) {
      out = { status: 422, body: { message: 'Validation Failed', errors: reported.map((p) => ({ resource: resourceName, field: p.field, code: p.code, value: p.value, message: p.message })), documentation_url: docsUrl, status: '422' } };
    } else if (template === '/user' && !account.login) {
      out = { status: 401, body: { message: 'Requires authentication', documentation_url: docsUrl, status: '401' } };
    } else {
      const ctx = {
        store: this.store, now: this.store.now(), api, html: this.store.htmlUrl, params, query: values, rawQuery: url.search, pathname, docsUrl,
        viewer: account.login ? this.store.user(account.login) : null,
        rateOverview: () => this.limits.overview(tokenKey, account.limits ?? {}),
      };
      try {
        out = handler(ctx);
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        out = { status: e.status, body: e.body, headers: e.headers };
      }
    }
    const headers = { ...(out.headers ?? {}) };
    const raw = JSON.stringify(out.body);
    if (this.validateResponses && out.status === 200) {
      const v = oa.validateResponse(template, 'get', 200, out.body);
      if (!v.valid) {
        this.statsData.invalidResponses++;
        headers['x-github-twin-invalid-response'] = JSON.stringify(v.errors.slice(0, 3));
      }
    }
    // Conditional requests: ETags are per token; a 304 is free.
    if (out.status === 200 && req.method === 'GET') {
      const etag = `W/"${crypto.createHash('sha256').update(`${this.etagSalt}\n${tokenKey}\n${pathname}${url.search}\n${raw}`).digest('hex')}"`;
      headers.etag = etag;
      headers['cache-control'] = 'private, max-age=60, s-maxage=60';
      headers.vary = 'Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding';
      const inm = req.headers['if-none-match'];
      if (inm && inm.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(etag.replace(/^W\//, ''))) {
        ts.notModified++;
        return { status: 304, body: null, headers: { ...headers, ...rlHeaders(), ...requestIdHeaders() } };
      }
    }
    if (!isRateLimit && out.status !== 304) bucket.used++;
    return { status: out.status, body: out.body, raw, headers: { ...headers, ...rlHeaders(), ...requestIdHeaders() } };
  }

  // ---- control endpoints --------------------------------------------------------------------

  async control(req, res, url) {
    let body;
    try {
      const raw = await readBody(req);
      body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch (e) {
      return send(res, 400, { error: `invalid JSON body: ${e.message}` });
    }
    const route = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
    try {
      switch (route) {
        case 'GET /_twin/health': return send(res, 200, { ok: true });
        case 'GET /_twin/stats': return send(res, 200, this.stats());
        case 'POST /_twin/reset': return send(res, 200, this.reset(body));
        case 'GET /_twin/scenario': return send(res, 200, exportScenario(this.store));
        case 'POST /_twin/scenario': {
          if (body.generate) this.setData({ generate: body.generate, now: body.now, frozenClock: body.frozenClock });
          else this.setData({ scenario: body.scenario ?? body, now: body.scenario ? body.now : undefined, frozenClock: body.scenario ? body.frozenClock : undefined });
          return send(res, 200, { ok: true, repositories: this.store.repoList().map((r) => r.nameWithOwner), now: new Date(this.store.now()).toISOString() });
        }
        case 'POST /_twin/mutate': return send(res, 200, { results: mutate(this.store, body.mutations ?? body) });
        case 'GET /_twin/truth': return send(res, 200, groundTruth(this.store, { asOf: url.searchParams.get('asOf') ?? undefined }));
        case 'GET /_twin/clock': return send(res, 200, this.clockView());
        case 'POST /_twin/clock':
          if (body.now !== undefined) this.store.setNow(body.now);
          if (body.advanceMs !== undefined) this.store.advance(body.advanceMs);
          if (body.frozen !== undefined) this.store.freeze(Boolean(body.frozen));
          return send(res, 200, this.clockView());
        case 'GET /_twin/faults': return send(res, 200, { options: this.faults.options, queued: this.faults.queue, log: this.faults.log });
        case 'POST /_twin/faults':
          if (body.inject) this.faults.inject(body.inject);
          if (body.configure) this.faults.configure(body.configure);
          return send(res, 200, { options: this.faults.options, queued: this.faults.queue });
        default: return send(res, 404, { error: `no control endpoint ${route}` });
      }
    } catch (e) {
      return send(res, 400, { error: e.message, code: e.code });
    }
  }

  // ---- JS API (the same operations as the control endpoints) -------------------------------

  /** Applies mutations (see scenario.mutate) and returns their results. */
  mutate(ops) {
    return mutate(this.store, ops);
  }

  /** Ground truth of the served data, as of the clock (or `asOf`). */
  groundTruth(options = {}) {
    return groundTruth(this.store, options);
  }

  /** The served data as a scenario (replayable). */
  scenario() {
    return exportScenario(this.store);
  }

  /** Moves the clock forward: statuses, merges and closes dated before the new time happen. */
  advance(ms) {
    this.store.advance(ms);
    return this.clockView();
  }

  setNow(instant) {
    this.store.setNow(instant);
    return this.clockView();
  }

  now() {
    return this.store.now();
  }

  clockView() {
    return { now: new Date(this.store.now()).toISOString(), frozen: this.store.frozen };
  }

  /**
   * @param {{stats?: boolean, rateLimits?: boolean, faults?: boolean, data?: boolean}} [what]
   *   each defaults to true except data (reload the initial scenario), which defaults to false
   */
  reset(what = {}) {
    if (what.stats !== false) this.resetStats();
    if (what.rateLimits !== false) this.limits.reset();
    if (what.faults !== false) {
      this.faults.reset();
      this.seq = 0;
    }
    if (what.data === true) {
      const onWallClock = this.initialOnWallClock;
      this.setData({ scenario: this.initial ?? undefined, now: onWallClock ? this.wallClock() : this.options.now, frozenClock: this.options.frozenClock });
      this.initialOnWallClock = onWallClock;
    }
    return { ok: true };
  }
}

function requestIdHeaders() {
  const id = crypto.randomBytes(8).toString('hex').toUpperCase();
  return { 'x-github-request-id': `${id.slice(0, 4)}:${id.slice(4, 8)}:${id.slice(8)}` };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res, status, body, headers = {}, raw) {
  const payload = status === 304 || body === null ? '' : raw ?? JSON.stringify(body);
  res.writeHead(status, {
    server: 'github-twin',
    'content-type': 'application/json; charset=utf-8',
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'access-control-expose-headers': 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset',
    ...(status === 304 ? {} : { 'content-length': String(Buffer.byteLength(payload)) }),
    ...headers,
  });
  res.end(payload);
}

/**
 * @param {import('./index').TwinOptions} options
 * @returns {Promise<Twin & {url: string, close(): Promise<void>}>}
 */
async function startServer(options = {}) {
  const twin = new Twin(options);
  const server = http.createServer((req, res) => {
    twin.handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, { message: `github-twin internal error: ${e.message}` });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port, address } = server.address();
  const host = address.includes(':') ? `[${address}]` : address;
  twin.server = server;
  twin.port = port;
  twin.url = `http://${host}:${port}`;
  twin.close = async () => {
    twin.releaseHeld();
    await new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  return twin;
}

module.exports = { startServer, Twin };
