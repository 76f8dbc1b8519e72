'use strict';

/**
 * Instants inside the twin are epoch milliseconds. GitHub serves them with second precision
 * (`2026-11-28T06:30:00Z`), so what the twin serves, and the ground truth it exports, drop
 * sub-second parts.
 */

/**
 * Accepts an ISO-8601 string or epoch milliseconds; returns epoch ms, or null for null/undefined.
 * @param {unknown} v
 * @param {string} [field] named in the error
 * @returns {number|null}
 */
function toMs(v, field = 'instant') {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${field}: not a finite number`);
    return Math.floor(v);
  }
  if (typeof v === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
      throw new Error(`${field}: not an ISO-8601 instant: ${JSON.stringify(v)}`);
    }
    const ms = Date.parse(/T/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? `${v}Z` : v);
    if (Number.isNaN(ms)) throw new Error(`${field}: invalid date ${JSON.stringify(v)}`);
    return ms;
  }
  throw new Error(`${field}: expected an ISO string or epoch milliseconds`);
}

/** Truncates to whole seconds, as GitHub serves instants. @param {number} ms */
function seconds(ms) {
  return Math.floor(ms / 1000) * 1000;
}

/** `2026-11-28T06:30:00Z` @param {number|null} ms */
function iso(ms) {
  if (ms === null || ms === undefined) return null;
  return new Date(seconds(ms)).toISOString().replace('.000Z', 'Z');
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

module.exports = { toMs, iso, seconds, MINUTE, HOUR, DAY };
