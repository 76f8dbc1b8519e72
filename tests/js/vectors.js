'use strict';

// Reads the shared vectors of tests/vectors/*.json and compares results the way every
// harness does (the Rust one in core/tests/vectors.rs mirrors this).

const fs = require('node:fs');
const path = require('node:path');

const VECTOR_DIR = path.join(__dirname, '..', 'vectors');

/** JSON cannot hold NaN or the infinities: vectors write them as {"$float": "NaN"}. */
function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$float') return Number(value.$float);
    return Object.fromEntries(keys.map(k => [k, decode(value[k])]));
  }
  return value;
}

function loadVectors() {
  return fs
    .readdirSync(VECTOR_DIR)
    .filter(f => f.endsWith('.json'))
    .sort()
    .map(file => {
      const vector = JSON.parse(fs.readFileSync(path.join(VECTOR_DIR, file), 'utf8'));
      return { file, ...vector, args: decode(vector.args) };
    });
}

/** Calls the vector's function; returns {value} or {error: code}. */
function run(engine, vector) {
  const fn = engine[vector.call];
  if (typeof fn !== 'function') throw new Error(`${vector.file}: unknown call ${vector.call}`);
  try {
    return { value: fn(...vector.args) };
  } catch (error) {
    if (typeof error?.code !== 'string') throw error;
    return { error: error.code, message: error.message };
  }
}

/** Numbers within a relative 1e-9; everything else exactly, key sets included. */
function mismatch(actual, expected, where = '$') {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
    return Math.abs(actual - expected) <= tolerance ? null : `${where}: ${actual} != ${expected}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return `${where}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(actual[i], expected[i], `${where}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${where}: ${JSON.stringify(actual)} is not an object`;
    }
    const a = Object.keys(actual).sort().join(',');
    const e = Object.keys(expected).sort().join(',');
    if (a !== e) return `${where}: keys {${a}} != {${e}}`;
    for (const key of Object.keys(expected)) {
      const m = mismatch(actual[key], expected[key], `${where}.${key}`);
      if (m) return m;
    }
    return null;
  }
  return Object.is(actual, expected) ? null : `${where}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`;
}

/** The vector's verdict on an outcome of run(): null when it passes. */
function check(vector, outcome) {
  if (vector.expect !== null && typeof vector.expect === 'object' && 'error' in vector.expect && Object.keys(vector.expect).length === 1) {
    if (outcome.error === vector.expect.error) return null;
    return `expected error ${vector.expect.error}, got ${outcome.error ? `${outcome.error} (${outcome.message})` : JSON.stringify(outcome.value)}`;
  }
  if (outcome.error) return `unexpected error ${outcome.error}: ${outcome.message}`;
  return mismatch(outcome.value, vector.expect);
}

module.exports = { loadVectors, run, check, decode };
