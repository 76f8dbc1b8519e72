'use strict';

// The one way JavaScript reaches dora-metrics-core: the native addon when it loads, else the
// wasm build. DORA_ENGINE=native or DORA_ENGINE=wasm forces one; when none loads, the error
// carries every load error as its `cause`.

const ENGINES = {
  native: () => require('./native.js'),
  wasm: () => require('@internal/dora-metrics-wasm'),
};

function load() {
  const forced = (process.env.DORA_ENGINE ?? '').trim();
  if (forced !== '' && !(forced in ENGINES)) {
    throw new Error(`DORA_ENGINE must be "native" or "wasm", not ${JSON.stringify(forced)}`);
  }
  const loadErrors = [];
  for (const engine of forced ? [forced] : ['native', 'wasm']) {
    try {
      return { engine, binding: ENGINES[engine]() };
    } catch (error) {
      loadErrors.push(error);
    }
  }
  const tried = forced ? `the ${forced} engine (DORA_ENGINE=${forced})` : 'the native addon or the wasm build';
  throw new Error(`@internal/dora-metrics-core could not load ${tried}`, { cause: loadErrors });
}

const { engine, binding } = load();
const { toColumns, NO_STRING } = require('./columns.js');

module.exports = {
  /** Which engine answered: 'native' or 'wasm'. */
  engine,
  aggregateDaily: binding.aggregateDaily,
  computeScorecard: binding.computeScorecard,
  aggregateDailyColumns: binding.aggregateDailyColumns,
  computeScorecardColumns: binding.computeScorecardColumns,
  toColumns,
  NO_STRING,
  scoreWhatIf: binding.scoreWhatIf,
  classifyTier: binding.classifyTier,
  matchEnvironment: binding.matchEnvironment,
  selectServices: binding.selectServices,
};
