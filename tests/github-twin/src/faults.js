'use strict';

const { unitFrom } = require('./prng');

/**
 * Fault injection. Whether request number n (counting every API request the twin receives, in
 * arrival order) is faulted, and how, is a pure function of (seed, n): the same seed and the same
 * request sequence give the same faults. Faults can also be queued explicitly, for a test that
 * needs one particular failure on the next matching request.
 *
 * Kinds:
 * - `5xx`: 500, 502 or 503 with GitHub's bodies;
 * - `secondary`: a secondary rate limit, 403 or 429 with `retry-after`;
 * - `slow`: the normal answer, `slowMs` late;
 * - `timeout`: no answer; the connection is closed after `timeoutMs`;
 * - `truncated`: the status line and headers of the normal answer, then half the body, then the
 *   connection is cut;
 * - `reset`: the connection is destroyed without an answer.
 */

const KINDS = ['5xx', 'secondary', 'slow', 'timeout', 'truncated', 'reset'];

class Faults {
  constructor(options = {}) {
    this.configure(options);
    this.queue = [];
    this.log = [];
  }

  /**
   * @param {object} options
   * @param {number|string} [options.seed]
   * @param {number} [options.rate] probability (0..1) that a request is faulted
   * @param {string[]|Record<string, number>} [options.kinds] kinds to draw from, or weights
   * @param {number} [options.slowMs] default 1500
   * @param {number} [options.timeoutMs] default 30000
   * @param {number} [options.retryAfter] seconds in retry-after for secondary limits (default 60)
   * @param {403|429|'mixed'} [options.secondaryStatus] default 'mixed'
   * @param {string} [options.pathPattern] only requests whose path matches this regex are faulted
   */
  configure(options = {}) {
    const prev = this.options ?? {};
    const o = { seed: 0, rate: 0, kinds: KINDS, slowMs: 1500, timeoutMs: 30_000, retryAfter: 60, secondaryStatus: 'mixed', pathPattern: null, ...prev, ...options };
    const weights = Array.isArray(o.kinds) ? Object.fromEntries(o.kinds.map((k) => [k, 1])) : { ...o.kinds };
    for (const k of Object.keys(weights)) if (!KINDS.includes(k)) throw new Error(`faults.kinds: unknown kind ${JSON.stringify(k)} (known: ${KINDS.join(', ')})`);
    if (!(o.rate >= 0 && o.rate <= 1)) throw new Error('faults.rate: expected a number from 0 to 1');
    this.options = o;
    this.weights = Object.entries(weights).filter(([, w]) => w > 0);
    this.pathRe = o.pathPattern ? new RegExp(o.pathPattern) : null;
  }

  /**
   * Queues faults for the next matching requests, ahead of the random ones.
   * @param {Array<{kind: string, status?: number, count?: number, path?: string, retryAfter?: number}>} list
   */
  inject(list) {
    for (const f of [].concat(list)) {
      if (!KINDS.includes(f.kind)) throw new Error(`inject: unknown kind ${JSON.stringify(f.kind)}`);
      this.queue.push({ ...f, count: f.count ?? 1 });
    }
  }

  /**
   * The fault for request number `seq`, or null.
   * @param {number} seq
   * @param {{method: string, path: string, token: string|null}} req
   */
  decide(seq, req) {
    let fault = null;
    const qi = this.queue.findIndex((f) => !f.path || new RegExp(f.path).test(req.path));
    if (qi >= 0) {
      const f = this.queue[qi];
      f.count -= 1;
      if (f.count <= 0) this.queue.splice(qi, 1);
      fault = { kind: f.kind, status: f.status, retryAfter: f.retryAfter, scripted: true };
    } else if (this.options.rate > 0 && this.weights.length && (!this.pathRe || this.pathRe.test(req.path))) {
      const seed = this.options.seed;
      if (unitFrom('fault', seed, seq) < this.options.rate) {
        const total = this.weights.reduce((s, [, w]) => s + w, 0);
        let r = unitFrom('kind', seed, seq) * total;
        let kind = this.weights[this.weights.length - 1][0];
        for (const [k, w] of this.weights) {
          if (r < w) {
            kind = k;
            break;
          }
          r -= w;
        }
        fault = { kind, pick: unitFrom('status', seed, seq) };
      }
    }
    if (!fault) return null;
    if (fault.kind === '5xx') fault.status ??= [500, 502, 503][Math.floor((fault.pick ?? 0) * 3)];
    if (fault.kind === 'secondary') {
      const s = this.options.secondaryStatus;
      fault.status ??= s === 'mixed' ? ((fault.pick ?? 0) < 0.5 ? 403 : 429) : s;
      fault.retryAfter ??= this.options.retryAfter;
    }
    delete fault.pick;
    this.log.push({ seq, method: req.method, path: req.path, token: req.token, ...fault });
    return fault;
  }

  reset() {
    this.queue = [];
    this.log = [];
  }
}

module.exports = { Faults, KINDS };
