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

// The same vectors through the columns entry points: identical results, to the bit.
const COLUMNS = { computeScorecard: 'computeScorecardColumns', aggregateDaily: 'aggregateDailyColumns' };
for (const vector of vectors.filter(v => v.call in COLUMNS && !(v.expect && typeof v.expect === 'object' && 'error' in v.expect))) {
  test(`${core.engine}: ${vector.file}: as columns`, () => {
    const [events, ...rest] = vector.args;
    const viaObjects = core[vector.call](events, ...rest);
    const viaColumns = core[COLUMNS[vector.call]](core.toColumns(events), ...rest);
    assert.deepStrictEqual(viaColumns, viaObjects);
  });
}

test(`${core.engine}: bad columns are named errors`, () => {
  const columns = core.toColumns({
    deployments: [{ id: 'D1', environment: 'prod', state: 'SUCCESS', createdAt: 1 }],
    changes: [],
    incidents: [],
  });
  const period = { today: '2026-11-28', days: 7 };
  const codeOf = fn => {
    try {
      fn();
    } catch (error) {
      return [error.code, error.message.split(' ')[0]];
    }
    return null;
  };
  assert.deepEqual(codeOf(() => core.computeScorecardColumns(null, period)), ['INVALID_INPUT', 'events.strings']);
  const badType = { ...columns, deployments: { ...columns.deployments, createdAt: [1] } };
  assert.deepEqual(codeOf(() => core.computeScorecardColumns(badType, period)), ['INVALID_INPUT', 'events.deployments.createdAt']);
  const nan = { ...columns, deployments: { ...columns.deployments, createdAt: new Float64Array([Number.NaN]) } };
  assert.deepEqual(codeOf(() => core.aggregateDailyColumns(nan)), ['NON_FINITE', 'events.deployments.createdAt[0]']);
  const badCode = { ...columns, deployments: { ...columns.deployments, state: new Uint32Array([7]) } };
  assert.deepEqual(codeOf(() => core.aggregateDailyColumns(badCode)), ['INVALID_INPUT', 'events.deployments.state[0]']);
});
