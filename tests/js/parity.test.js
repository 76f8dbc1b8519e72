'use strict';

// The native addon and the wasm build must return identical results, bit for bit, for the
// shared vectors and for random inputs.

const test = require('node:test');
const assert = require('node:assert/strict');
const native = require('@internal/dora-metrics-core/native.js');
const wasm = require('@internal/dora-metrics-wasm');
const { loadVectors, run } = require('./vectors');
const { randomCase } = require('./random');
const { toColumns } = require('@internal/dora-metrics-core/columns.js');

/** deepStrictEqual compares numbers with Object.is: bit-identical up to NaN payloads. */
function assertSame(vectorName, a, b) {
  assert.deepStrictEqual(a.value, b.value, `${vectorName}: values differ`);
  assert.equal(a.error, b.error, `${vectorName}: error codes differ`);
  assert.equal(a.message, b.message, `${vectorName}: error messages differ`);
}

test('native and wasm agree on every vector', () => {
  for (const vector of loadVectors()) {
    assertSame(vector.file, run(native, vector), run(wasm, vector));
  }
});

test('native and wasm agree on 300 random inputs', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const vector = randomCase(seed);
    assertSame(`seed ${seed}`, run(native, vector), run(wasm, vector));
  }
});

test('native and wasm agree on 300 random inputs as columns', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const vector = randomCase(seed);
    if (vector.call === 'scoreWhatIf') continue;
    const [events, ...rest] = vector.args;
    const columnsCase = { file: `columns-${seed}`, call: `${vector.call}Columns`, args: [toColumns(events), ...rest] };
    assertSame(`seed ${seed}`, run(native, columnsCase), run(wasm, columnsCase));
  }
});
