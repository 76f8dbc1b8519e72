'use strict';

// The shared vectors on whichever engine the loader picks: run with DORA_ENGINE=native and
// again with DORA_ENGINE=wasm (see the root package.json).

const test = require('node:test');
const assert = require('node:assert/strict');
const core = require('@internal/dora-metrics-core');
const { loadVectors, run, check } = require('./vectors');

const vectors = loadVectors();
const wanted = (process.env.DORA_ENGINE ?? '').trim();

test(`the loader picked the requested engine (${wanted || 'default'})`, () => {
  assert.equal(core.engine, wanted || 'native');
});

test('there are at least 40 vectors', () => {
  assert.ok(vectors.length >= 40, `${vectors.length} vectors`);
});

for (const vector of vectors) {
  test(`${core.engine}: ${vector.file}: ${vector.name}`, () => {
    const verdict = check(vector, run(core, vector));
    assert.equal(verdict, null, verdict ?? undefined);
  });
}
