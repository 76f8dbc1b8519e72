'use strict';
/*
 * Every route fed malformed input, over HTTP, against a real backend with a collected store:
 * wrong types, huge values and bodies, bad encodings, injection strings. No answer is a 5xx;
 * every answer is a JSON error body naming its status (or the documented success); the store is
 * unchanged (every dora_* row, timestamps included) and no collection is started.
 *
 * Requests go over a plain socket, byte for byte (no client-side normalisation of `..`, of
 * percent-encoding or of invalid bytes).
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('../lib/harness');
const { rawRequest } = require('../lib/rawhttp');

let gh;
let dir;
let backend;
const prefix = h.dbPrefix('input');
const db = `${prefix}dora`;
let before;
let runsBefore;
let requestsBefore;

const KNOWN = 'payments';
const UNKNOWN = 'component:default/no-such-service';
const KiB = 1024;
const big = (n, ch = 'a') => ch.repeat(n);
const enc = encodeURIComponent;
const json = v => JSON.stringify(v);

// [name, method, path (string, or Buffer of raw bytes), options]; options: body (string or
// Buffer), type (content type; default application/json when there is a body), headers, auth
// (default true), expect (status; default 400), success (a check of a documented 2xx body),
// notJson (Node's HTTP parser answers before the backend: no JSON body).
const CASES = [
  // ---- GET /scorecard/:service?days=N
  ['days=0', 'GET', `/scorecard/${KNOWN}?days=0`],
  ['days=-1', 'GET', `/scorecard/${KNOWN}?days=-1`],
  ['days=366', 'GET', `/scorecard/${KNOWN}?days=366`],
  ['days=1.5', 'GET', `/scorecard/${KNOWN}?days=1.5`],
  ['days=abc', 'GET', `/scorecard/${KNOWN}?days=abc`],
  ['days=7days', 'GET', `/scorecard/${KNOWN}?days=7days`],
  ['days repeated', 'GET', `/scorecard/${KNOWN}?days=7&days=30`],
  ['days as an array', 'GET', `/scorecard/${KNOWN}?days[]=7`],
  ['days as an object', 'GET', `/scorecard/${KNOWN}?days[a]=7`],
  ['days huge', 'GET', `/scorecard/${KNOWN}?days=${big(400, '9')}`],
  ['days empty', 'GET', `/scorecard/${KNOWN}?days=`],
  ['days invalid percent-encoding', 'GET', `/scorecard/${KNOWN}?days=%zz`],
  ['days=1e2', 'GET', `/scorecard/${KNOWN}?days=1e2`],
  ['days=0x10', 'GET', `/scorecard/${KNOWN}?days=0x10`],
  ['days with a space', 'GET', `/scorecard/${KNOWN}?days=%2030`],
  ['days with a NUL', 'GET', `/scorecard/${KNOWN}?days=30%00`],
  ['days SQL', 'GET', `/scorecard/${KNOWN}?days=${enc('30; DROP TABLE dora_daily_metrics;--')}`],
  // ---- :service
  ['service SQL injection', 'GET', `/scorecard/${enc("payments'; DROP TABLE dora_targets;--")}`],
  ['service tautology', 'GET', `/scorecard/${enc("' OR '1'='1")}`],
  ['service ../ encoded', 'GET', `/scorecard/${enc('../../services')}`],
  ['service ..%2f in a ref', 'GET', `/scorecard/${enc('component:default/../../etc/passwd')}`],
  ['service NUL only', 'GET', '/scorecard/%00'],
  ['service with a NUL', 'GET', '/scorecard/pay%00ments'],
  ['service 64 characters', 'GET', `/scorecard/${big(64)}`],
  ['service 8000 characters', 'GET', `/scorecard/${big(8000)}`],
  ['service unicode letter', 'GET', `/scorecard/${enc('paymënts')}`],
  ['service emoji', 'GET', `/scorecard/${enc('pay💸ments')}`],
  ['service Cyrillic homoglyph', 'GET', `/scorecard/${enc('раyments')}`],
  ['service right-to-left override', 'GET', `/scorecard/${enc('pay\u202ements')}`],
  ['service HTML', 'GET', `/scorecard/${enc('<script>alert(1)</script>')}`],
  ['service truncated percent-encoding', 'GET', '/scorecard/%E0%A4%A'],
  ['service lone %', 'GET', '/scorecard/%'],
  ['service %zz', 'GET', '/scorecard/pay%zzments'],
  ['service invalid UTF-8 (%FF)', 'GET', '/scorecard/%FF%FE'],
  ['service overlong UTF-8 slash (%C0%AF)', 'GET', '/scorecard/..%C0%AF..%C0%AFservices'],
  // Bytes above 0x7f in the request line: Node's HTTP parser refuses them before the backend.
  ['service raw invalid UTF-8 bytes', 'GET', Buffer.from([...Buffer.from('/scorecard/pay'), 0xff, 0xfe, ...Buffer.from('ments')]), { notJson: true }],
  ['service ref with a bad kind', 'GET', `/scorecard/${enc('comp onent:default/payments')}`],
  ['service ref with an empty name', 'GET', `/scorecard/${enc('component:default/')}`],
  ['service unknown, valid ref', 'GET', `/scorecard/${enc(UNKNOWN)}`, { expect: 404 }],
  ['service unknown, other kind', 'GET', `/scorecard/${enc('user:default/payments')}`, { expect: 404 }],
  ['scorecard empty service', 'GET', '/scorecard/', { expect: 404 }],
  ['scorecard raw ../ segments', 'GET', '/scorecard/../../services', { expect: 404 }],
  // ---- GET /targets/:service
  ['targets service SQL', 'GET', `/targets/${enc('x;DELETE FROM dora_targets')}`],
  ['targets service ../etc/passwd', 'GET', `/targets/${enc('../../../etc/passwd')}`],
  ['targets service NUL', 'GET', '/targets/a%00b'],
  ['targets service unknown', 'GET', `/targets/${enc(UNKNOWN)}`, { expect: 404 }],
  // ---- POST /targets/:service (a known service: only the input is wrong)
  ['targets body array', 'POST', `/targets/${KNOWN}`, { body: '[]' }],
  ['targets body string', 'POST', `/targets/${KNOWN}`, { body: '"leadTime"' }],
  ['targets body null', 'POST', `/targets/${KNOWN}`, { body: 'null' }],
  ['targets body number', 'POST', `/targets/${KNOWN}`, { body: '123' }],
  ['targets body empty object', 'POST', `/targets/${KNOWN}`, { body: '{}' }],
  ['targets absent body', 'POST', `/targets/${KNOWN}`, { type: null }],
  ['targets value as a string', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: '5' }) }],
  ['targets value null', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: null }) }],
  ['targets value 1e400 (Infinity)', 'POST', `/targets/${KNOWN}`, { body: '{"leadTime": 1e400}' }],
  ['targets value negative', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: -1 }) }],
  ['targets value zero', 'POST', `/targets/${KNOWN}`, { body: json({ mttr: 0 }) }],
  ['targets changeFailureRate 101', 'POST', `/targets/${KNOWN}`, { body: json({ changeFailureRate: 101 }) }],
  // (A 300-digit deploymentFrequency is 1e300: finite and positive, so valid.)
  ['targets changeFailureRate huge', 'POST', `/targets/${KNOWN}`, { body: `{"changeFailureRate": ${big(300, '9')}}` }],
  ['targets value beyond float range', 'POST', `/targets/${KNOWN}`, { body: `{"mttr": ${big(400, '9')}}` }],
  ['targets value negative huge', 'POST', `/targets/${KNOWN}`, { body: `{"leadTime": -${big(300, '9')}}` }],
  ['targets unknown key', 'POST', `/targets/${KNOWN}`, { body: json({ deploymentFrequency: 1, extra: 1 }) }],
  ['targets __proto__', 'POST', `/targets/${KNOWN}`, { body: '{"__proto__": {"leadTime": 5}}' }],
  ['targets constructor.prototype', 'POST', `/targets/${KNOWN}`, { body: '{"constructor": {"prototype": {"leadTime": 5}}}' }],
  ['targets duplicate key, last a string', 'POST', `/targets/${KNOWN}`, { body: '{"leadTime": 5, "leadTime": "x"}' }],
  ['targets SQL in a value', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: '1; DROP TABLE dora_targets' }) }],
  ['targets NUL in a key', 'POST', `/targets/${KNOWN}`, { body: '{"lead\\u0000Time": 5}' }],
  ['targets value an array', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: [5] }) }],
  ['targets value an operator object', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: { $gt: 0 } }) }],
  ['targets malformed JSON', 'POST', `/targets/${KNOWN}`, { body: '{"leadTime":' }],
  ['targets BOM then malformed JSON', 'POST', `/targets/${KNOWN}`, { body: '\ufeff{"leadTime":' }],
  ['targets text/plain', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: 5 }), type: 'text/plain' }],
  ['targets no content type', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: 5 }), type: null }],
  ['targets form-encoded', 'POST', `/targets/${KNOWN}`, { body: 'leadTime=5', type: 'application/x-www-form-urlencoded' }],
  ['targets unsupported charset', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: 5 }), type: 'application/json; charset=latin1' }],
  ['targets unsupported content encoding', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: 5 }), headers: { 'Content-Encoding': 'xyz' } }],
  ['targets garbage gzip', 'POST', `/targets/${KNOWN}`, { body: 'not gzip at all', headers: { 'Content-Encoding': 'gzip' } }],
  ['targets 17 KiB JSON', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: 5, pad: big(17 * KiB) }) }],
  ['targets 1 MiB JSON', 'POST', `/targets/${KNOWN}`, { body: json({ leadTime: 5, pad: big(1024 * KiB) }) }],
  ['targets 1 MiB text', 'POST', `/targets/${KNOWN}`, { body: big(1024 * KiB, 'x'), type: 'text/plain' }],
  ['targets invalid UTF-8 in a value', 'POST', `/targets/${KNOWN}`, { body: Buffer.concat([Buffer.from('{"leadTime": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]) }],
  ['targets invalid UTF-8 in a key', 'POST', `/targets/${KNOWN}`, { body: Buffer.concat([Buffer.from('{"'), Buffer.from([0xc3, 0x28]), Buffer.from('": 5}')]) }],
  ['targets deeply nested', 'POST', `/targets/${KNOWN}`, { body: `${big(5000, '[')}${big(5000, ']')}` }],
  ['targets valid body, unknown service', 'POST', `/targets/${enc(UNKNOWN)}`, { body: json({ leadTime: 48 }), expect: 404 }],
  ['targets valid body, SQL service', 'POST', `/targets/${enc("x'); DELETE FROM dora_targets; --")}`, { body: json({ leadTime: 48 }) }],
  ['targets valid body, invalid percent-encoding', 'POST', '/targets/%E0%A4%A', { body: json({ leadTime: 48 }) }],
  ['targets PUT', 'PUT', `/targets/${KNOWN}`, { body: json({ leadTime: 48 }), expect: 404 }],
  ['targets PATCH', 'PATCH', `/targets/${KNOWN}`, { body: json({ leadTime: 48 }), expect: 404 }],
  // ---- DELETE /targets/:service
  ['delete targets SQL service', 'DELETE', `/targets/${enc("payments' OR '1'='1")}`],
  ['delete targets wildcard', 'DELETE', `/targets/${enc('*')}`],
  ['delete targets lone %', 'DELETE', '/targets/%'],
  ['delete targets unknown', 'DELETE', `/targets/${enc(UNKNOWN)}`, { expect: 404 }],
  // ---- GET /services
  ['services junk query', 'GET', '/services?limit=-1&offset=abc&days=%zz', { expect: 200, success: b => Array.isArray(b.services) }],
  ['services 6 KiB query', 'GET', `/services?x=${big(6 * KiB)}`, { expect: 200, success: b => Array.isArray(b.services) }],
  // ---- GET /scorecards
  ['scorecards days=abc', 'GET', '/scorecards?days=abc'],
  ['scorecards owner SQL', 'GET', `/scorecards?owner=${enc("' OR 1=1 --")}`],
  ['scorecards owner empty', 'GET', '/scorecards?owner='],
  ['scorecards owner array', 'GET', '/scorecards?owner[]=rel-team'],
  ['scorecards owner repeated', 'GET', '/scorecards?owner=a&owner=b'],
  ['scorecards owner too long', 'GET', `/scorecards?owner=${big(100)}`],
  ['scorecards owner NUL', 'GET', '/scorecards?owner=rel%00team'],
  ['scorecards owner unknown group', 'GET', `/scorecards?owner=${enc('group:default/nobody')}`, { expect: 200, success: b => Array.isArray(b.scorecards) && b.scorecards.length === 0 }],
  // ---- GET /services/:service/events
  ['events kind=foo', 'GET', `/services/${KNOWN}/events?kind=foo`],
  ['events kind empty', 'GET', `/services/${KNOWN}/events?kind=`],
  ['events kind with ../', 'GET', `/services/${KNOWN}/events?kind=deployment,../../`],
  ['events kind array', 'GET', `/services/${KNOWN}/events?kind[]=deployment`],
  ['events days=0', 'GET', `/services/${KNOWN}/events?days=0`],
  ['events service SQL', 'GET', `/services/${enc("x' UNION SELECT * FROM dora_sync_state--")}/events`],
  ['events service unknown', 'GET', `/services/${enc(UNKNOWN)}/events`, { expect: 404 }],
  // ---- POST /sync (never started by a rejected request)
  ['sync services a string', 'POST', '/sync', { body: json({ services: 'payments' }) }],
  ['sync services numbers', 'POST', '/sync', { body: json({ services: [1] }) }],
  ['sync services invalid name', 'POST', '/sync', { body: json({ services: ['a b'] }) }],
  ['sync services SQL', 'POST', '/sync', { body: json({ services: ["payments'; DROP TABLE dora_sync_state;--"] }) }],
  ['sync services NUL', 'POST', '/sync', { body: json({ services: ['pay\u0000ments'] }) }],
  ['sync unknown key', 'POST', '/sync', { body: json({ extra: 1 }) }],
  ['sync body array', 'POST', '/sync', { body: '[]' }],
  ['sync 1 MiB', 'POST', '/sync', { body: json({ services: [big(1024 * KiB)] }) }],
  ['sync 20000 names', 'POST', '/sync', { body: json({ services: Array.from({ length: 20000 }, () => 'a') }) }],
  ['sync text/plain', 'POST', '/sync', { body: '{}', type: 'text/plain' }],
  ['sync malformed', 'POST', '/sync', { body: '{"services": [' }],
  ['sync GET', 'GET', '/sync', { expect: 404 }],
  // ---- authentication
  ['no token', 'GET', '/services', { auth: false, expect: 401 }],
  ['wrong token', 'GET', '/services', { headers: { Authorization: 'Bearer not-a-token' }, auth: false, expect: 401 }],
  ['SQL as a token', 'GET', '/services', { headers: { Authorization: "Bearer ' OR 1=1 --" }, auth: false, expect: 401 }],
  ['8 KiB token', 'POST', `/targets/${KNOWN}`, { headers: { Authorization: `Bearer ${big(8 * KiB)}` }, auth: false, body: json({ leadTime: 1 }), expect: 401 }],
  ['no token, valid body', 'POST', `/targets/${KNOWN}`, { auth: false, body: json({ leadTime: 1 }), expect: 401 }],
  // ---- routing and the HTTP layer
  ['unknown route', 'GET', '/nothing-here', { expect: 404 }],
  ['plugin root', 'GET', '/', { expect: 404 }],
  // The JSON 404 for unknown paths leaves the backend's own routes under /api/dora alone.
  ['the backend\'s JWKS route', 'GET', '/.backstage/auth/v1/jwks.json', { auth: false, expect: 200, success: body => Array.isArray(body.keys) }],
  ['request line over 16 KiB', 'GET', `/scorecard/${big(20 * KiB)}`, { expect: 431, notJson: true }],
  ['unknown HTTP method', 'BREW', '/services', { expect: 400, notJson: true }],
];

test.before(async () => {
  gh = await h.startGitHub({ repos: 3, seed: 'malformed' });
  dir = h.tmpDir('input');
  const port = await h.freePort();
  backend = await h.startBackend({
    name: 'backend',
    dir,
    config: h.backendConfig({ port, database: h.pgDatabaseConfig(prefix), catalogFile: h.writeCatalog(dir, gh.org, gh.repositories), githubUrl: gh.url, githubToken: gh.token }),
  });
  await h.waitForCatalog(backend, gh.repositories.length);
  const run = await h.syncAndWait(backend, gh.repositories.length);
  assert.equal(run.failed, 0);
  // A service with targets of its own, so that dora_targets has a row to protect.
  const set = await h.api(backend.url, 'POST', `/api/dora/targets/${KNOWN}`, {
    body: json({ leadTime: 48, mttr: 90 }),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(set.status, 200, set.text);
  before = await h.snapshot(db, { raw: true });
  runsBefore = backend.runs().length;
  requestsBefore = gh.proxy.requests().length;
});

test.after(async () => {
  await h.stopAll();
  await gh?.close();
  await h.dropDatabases();
});

function request(method, path, { body, type, headers = {}, auth = true } = {}) {
  const bodyBuf = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const all = {
    Host: `127.0.0.1:${backend.port}`,
    ...(auth ? { Authorization: `Bearer ${h.TOKEN}` } : {}),
    ...(type === null ? {} : body !== undefined ? { 'Content-Type': type ?? 'application/json' } : {}),
    ...(body !== undefined ? { 'Content-Length': String(bodyBuf.length) } : {}),
    ...headers,
  };
  const target = Buffer.isBuffer(path) ? Buffer.concat([Buffer.from('/api/dora'), path]) : Buffer.from(`/api/dora${path}`, 'latin1');
  const head = Buffer.concat([
    Buffer.from(`${method} `),
    target,
    Buffer.from(` HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}`, 'latin1'),
  ]);
  return rawRequest(backend.port, head, bodyBuf);
}

test('the table has at least 60 cases', () => {
  assert.ok(CASES.length >= 60, `${CASES.length} cases`);
});

for (const [name, method, path, options = {}] of CASES) {
  const expect = options.expect ?? 400;
  test(`${method} ${name} → ${expect}`, { timeout: 120_000 }, async () => {
    const res = await request(method, path, options);
    assert.equal(res.error, undefined, `no answer: ${res.error}`);
    assert.ok(res.status < 500, `a ${res.status}: ${res.text?.slice(0, 500)}`);
    assert.equal(res.status, expect, `status ${res.status}: ${res.text?.slice(0, 500)}`);
    if (options.notJson) return;
    assert.match(res.headers['content-type'] ?? '', /^application\/json/, `content type ${res.headers['content-type']}`);
    assert.ok(res.json !== undefined, `not JSON: ${res.text.slice(0, 300)}`);
    if (res.status >= 400) {
      assert.equal(typeof res.json.error?.name, 'string', res.text.slice(0, 300));
      assert.equal(typeof res.json.error?.message, 'string', res.text.slice(0, 300));
      assert.equal(res.json.response?.statusCode, res.status, res.text.slice(0, 300));
    } else {
      assert.ok(options.success(res.json), `unexpected body: ${res.text.slice(0, 300)}`);
    }
  });
}

test('after every case: the store is unchanged, no collection ran, the backend still serves', async () => {
  assert.deepEqual(await h.snapshot(db, { raw: true }), before);
  assert.equal(backend.runs().length, runsBefore, 'a collection ran');
  assert.equal(gh.proxy.requests().length, requestsBefore, 'GitHub was called');
  assert.ok(backend.alive());
  const res = await h.api(backend.url, 'GET', `/api/dora/scorecard/${KNOWN}?days=30`);
  assert.equal(res.status, 200);
  assert.equal(res.json.service, `component:default/${KNOWN}`);
  const targets = await h.api(backend.url, 'GET', `/api/dora/targets/${KNOWN}`);
  assert.equal(targets.json.targets?.leadTime?.value, 48, targets.text);
});
