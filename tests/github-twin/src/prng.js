'use strict';

/**
 * Seeded pseudo-random numbers. Everything the twin draws (generated data, fault decisions)
 * comes from here, so a seed reproduces a run exactly on every machine.
 */

/**
 * 32-bit string/number hash (FNV-1a over the UTF-8 of the parts, then avalanche-mixed).
 * @param {...(string|number)} parts
 * @returns {number} unsigned 32-bit integer
 */
function hash32(...parts) {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const bytes = Buffer.from(`${String(part)}\u0000`, 'utf8');
    for (const b of bytes) {
      h ^= b;
      h = Math.imul(h, 0x01000193);
    }
  }
  return mix32(h);
}

/** @param {number} x */
function mix32(x) {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A uniform float in [0, 1) from the parts alone (stateless): the same parts, the same number.
 * @param {...(string|number)} parts
 */
function unitFrom(...parts) {
  return hash32(...parts) / 4294967296;
}

/** A small, fast, seedable generator (mulberry32) with convenience draws. */
class Rng {
  /** @param {string|number} seed */
  constructor(seed) {
    this.state = hash32('rng', seed);
  }

  /** @returns {number} float in [0, 1) */
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Float in [min, max). */
  float(min, max) {
    return min + this.next() * (max - min);
  }

  /** True with probability p. */
  chance(p) {
    return this.next() < p;
  }

  /** @template T @param {T[]} items @returns {T} */
  pick(items) {
    return items[Math.floor(this.next() * items.length)];
  }

  /**
   * Weighted pick.
   * @template T @param {Array<[T, number]>} weighted @returns {T}
   */
  weighted(weighted) {
    const total = weighted.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of weighted) {
      if (r < w) return v;
      r -= w;
    }
    return weighted[weighted.length - 1][0];
  }

  /** Exponentially distributed value with the given mean. */
  exp(mean) {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Hex string of n characters. */
  hex(n) {
    let s = '';
    while (s.length < n) s += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }

  /** A child generator whose stream depends only on this seed and the label. */
  fork(label) {
    const child = new Rng(0);
    child.state = hash32('fork', this.state, label);
    return child;
  }
}

module.exports = { Rng, hash32, unitFrom };
