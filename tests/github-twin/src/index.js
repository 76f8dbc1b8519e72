'use strict';

const { startServer, Twin } = require('./server');
const { loadScenario, exportScenario, groundTruth, mutate } = require('./scenario');
const { generateScenario } = require('./generate');
const { Store } = require('./store');
const { openApi } = require('./rest/openapi');
const { githubSchema } = require('./graphql/schema');

/**
 * @typedef {object} TwinOptions
 * @property {object|string} [scenario] a scenario object or the path of a scenario JSON file
 * @property {object} [generate] options for generateScenario ({org, repos, seed, days, end, ...})
 * @property {number|string} [now] the clock's start (default: the scenario's `now`, else real time)
 * @property {boolean} [frozenClock] keep the clock still instead of ticking with real time
 * @property {number} [port] default 0 (any free port)
 * @property {string} [host] default 127.0.0.1
 * @property {'*'|Array<string|{token: string, login?: string, limits?: {core?: number, search?: number, graphql?: number}}>} [tokens]
 *   accepted tokens (default: ["twin-token"]); "*" accepts any token
 * @property {{core?: number, search?: number, graphql?: number, windowMs?: number}} [rateLimit]
 * @property {{seed?: number|string, rate?: number, kinds?: string[]|Record<string, number>, slowMs?: number, timeoutMs?: number, retryAfter?: number, secondaryStatus?: 403|429|'mixed', pathPattern?: string}} [faults]
 * @property {{maxConcurrent?: number}} [secondary] a secondary limit on concurrent requests per token
 * @property {boolean} [strictParams] 422 for query parameters the operation does not declare (default true)
 * @property {boolean} [validateResponses] check every REST 200 body against the OpenAPI schema
 * @property {string} [htmlUrl] web base for html_url fields (default https://github.com)
 * @property {() => number} [wallClock] real-time source for rate-limit windows and the clock
 */

/**
 * Starts a twin of api.github.com on 127.0.0.1.
 * @param {TwinOptions} [options]
 */
async function startTwin(options = {}) {
  const twin = await startServer(options);
  return twin;
}

/**
 * A deterministic synthetic organization and its ground truth.
 * @param {Parameters<typeof generateScenario>[0]} options
 * @returns {{scenario: object, groundTruth: ReturnType<typeof groundTruth>}}
 */
function generateOrg(options = {}) {
  const scenario = generateScenario(options);
  const store = loadScenario(scenario, { frozen: true });
  return { scenario, groundTruth: groundTruth(store) };
}

/**
 * Ground truth of a scenario (object, path or Store) as of an instant.
 * @param {object|string|Store} scenario
 * @param {{asOf?: number|string, failureLabel?: string}} [options]
 */
function scenarioGroundTruth(scenario, options = {}) {
  const store = scenario instanceof Store ? scenario : loadScenario(scenario, { frozen: true });
  return groundTruth(store, options);
}

/**
 * Validates a REST response body against GitHub's OpenAPI description.
 * @param {string} method e.g. "GET"
 * @param {string} template the OpenAPI path, e.g. "/repos/{owner}/{repo}/deployments"
 * @param {number} status
 * @param {unknown} body
 */
function validateRestResponse(method, template, status, body) {
  return openApi().validateResponse(template, method, status, body);
}

module.exports = {
  startTwin,
  Twin,
  generateScenario,
  generateOrg,
  loadScenario,
  exportScenario,
  groundTruth: scenarioGroundTruth,
  mutate,
  validateRestResponse,
  githubSchema,
};
