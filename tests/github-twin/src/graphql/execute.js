'use strict';

const { parse, validate, execute, getOperationAST, Kind, GraphQLError } = require('graphql');
const { getVariableValues } = require('graphql/execution/values');
const { githubSchema } = require('./schema');
const { analyzeOperation, documentPaths } = require('./analyze');
const { fieldResolver, typeResolver, serializeDateTimes } = require('./resolvers');

/**
 * POST /graphql as GitHub answers it: HTTP 200 with `errors` for anything wrong in the query
 * (graphql-ruby's messages and shapes), static pagination and node-limit checks before execution,
 * the cost charged before execution, RATE_LIMITED once the hourly budget is spent.
 */

let schemaReady = null;
function schema() {
  if (!schemaReady) {
    schemaReady = githubSchema();
    serializeDateTimes(schemaReady);
  }
  return schemaReady;
}

const RUBY_TOKEN = {
  '<EOF>': '(none)', '{': 'LCURLY', '}': 'RCURLY', '(': 'LPAREN', ')': 'RPAREN', '[': 'LBRACKET', ']': 'RBRACKET', ':': 'COLON', '$': 'VAR_SIGN',
  '@': 'DIR_SIGN', '...': 'ELLIPSIS', '=': 'EQUALS', '!': 'BANG', '|': 'PIPE', '&': 'AMP',
};

/** graphql-js syntax errors, reworded the way graphql-ruby (GitHub) words them. */
function parseErrorMessage(err) {
  const loc = err.locations?.[0] ?? { line: 1, column: 1 };
  const m = /^Syntax Error: Expected (.+?), found (.+)\.$/.exec(err.message);
  if (m) {
    const expected = m[1] === 'Name' ? 'NAME' : m[1].replace(/^"(.*)"$/, '$1');
    const found = m[2];
    let actual;
    if (found === '<EOF>') actual = '(none) ("")';
    else {
      const tok = found.replace(/^"(.*)"$/, '$1');
      const kind = RUBY_TOKEN[tok] ?? (/^Name /.test(found) ? 'IDENTIFIER' : /^Int /.test(found) ? 'INT' : /^String /.test(found) ? 'STRING' : 'IDENTIFIER');
      actual = `${kind} (${JSON.stringify(tok.replace(/^(Name|Int|Float|String) /, '').replace(/^"(.*)"$/, '$1'))})`;
    }
    return `Expected ${RUBY_TOKEN[expected] ?? expected}, actual: ${actual} at [${loc.line}, ${loc.column}]`;
  }
  const u = /^Syntax Error: Unexpected (.+?)\.?$/.exec(err.message);
  if (u) {
    const tok = u[1].replace(/^"(.*)"$/, '$1');
    if (tok === '<EOF>') return `Parse error on end of query at [${loc.line}, ${loc.column}]`;
    return `Parse error on ${JSON.stringify(tok.replace(/^(Name|Int|Float|String) /, ''))} (${RUBY_TOKEN[tok] ?? 'IDENTIFIER'}) at [${loc.line}, ${loc.column}]`;
  }
  return `Parse error on ${err.message.replace(/^Syntax Error: /, '')} at [${loc.line}, ${loc.column}]`;
}

const locs = (err) => (err.locations ?? []).map(({ line, column }) => ({ line, column }));

/** A graphql-js validation error in graphql-ruby's words, with its document path. */
function validationError(err, paths) {
  const path = err.nodes?.length ? paths.get(err.nodes[0]) ?? [] : [];
  const out = (message, extensions) => ({ path, extensions, locations: locs(err), message });
  let m;
  if ((m = /^Cannot query field "(.+?)" on type "(.+?)"\./.exec(err.message))) {
    return out(`Field '${m[1]}' doesn't exist on type '${m[2]}'`, { code: 'undefinedField', typeName: m[2], fieldName: m[1] });
  }
  if ((m = /^Unknown argument "(.+?)" on field "(.+?)\.(.+?)"\./.exec(err.message))) {
    return out(`Field '${m[3]}' doesn't accept argument '${m[1]}'`, { code: 'argumentNotAccepted', name: m[3], typeName: 'Field', argumentName: m[1] });
  }
  if ((m = /^Unknown argument "(.+?)" on directive "@(.+?)"\./.exec(err.message))) {
    return out(`Directive '${m[2]}' doesn't accept argument '${m[1]}'`, { code: 'argumentNotAccepted', name: m[2], typeName: 'Directive', argumentName: m[1] });
  }
  if ((m = /^Field "(.+?)" argument "(.+?)" of type ".+?" is required, but it was not provided\./.exec(err.message))) {
    return out(`Field '${m[1]}' is missing required arguments: ${m[2]}`, { code: 'missingRequiredArguments', className: 'Field', name: m[1], arguments: m[2] });
  }
  if ((m = /^Field "(.+?)" of type "(.+?)" must have a selection of subfields/.exec(err.message))) {
    return out(`Field must have selections (field '${m[1]}' returns ${m[2].replace(/[[\]!]/g, '')} but has no selections. Did you mean '${m[1]} { ... }'?)`, { code: 'selectionMismatch', nodeName: m[1], typeName: m[2].replace(/[[\]!]/g, '') });
  }
  if ((m = /^Field "(.+?)" must not have a selection since type "(.+?)" has no subfields\./.exec(err.message))) {
    return out(`Selections can't be made on scalars (field '${m[1]}' returns ${m[2]} but has selections [...])`, { code: 'selectionMismatch', nodeName: `field '${m[1]}'`, typeName: m[2] });
  }
  if ((m = /^(?:Int|String|Boolean|ID|Float|Enum ".+?"|.+?) cannot represent|^Expected value of type "(.+?)", found (.+?)[.;]/.exec(err.message))) {
    const node = err.nodes?.[0];
    const argPath = path.slice(-1)[0];
    return out(`Argument '${argPath}' on Field '${path.slice(-2, -1)[0] ?? ''}' has an invalid value (${node?.loc ? node.loc.source.body.slice(node.loc.start, node.loc.end) : '?'}). Expected type '${m[1] ?? ''}'.`, { code: 'argumentLiteralsIncompatible', typeName: 'Field', argumentName: argPath });
  }
  if ((m = /^Variable "\$(.+?)" is never used/.exec(err.message))) {
    return out(`Variable $${m[1]} is declared by ${path[0] === 'query' ? 'anonymous query' : path[0]} but not used`, { code: 'variableNotUsed', variableName: m[1] });
  }
  if ((m = /^Variable "\$(.+?)" is not defined/.exec(err.message))) {
    return out(`Variable $${m[1]} is used by ${path[0]} but not declared`, { code: 'variableNotDefined', variableName: m[1] });
  }
  return out(err.message.replace(/"/g, "'"), { code: 'validationError' });
}

function variableError(err) {
  const m = /^Variable "\$(.+?)" (?:got invalid value (.+?); (.*)|of required type "(.+?)" was not provided\.|of non-null type "(.+?)" must not be null\.)/s.exec(err.message);
  if (!m) return { message: err.message, locations: locs(err) };
  const name = m[1];
  const def = err.nodes?.[0];
  const type = def?.kind === Kind.VARIABLE_DEFINITION ? def.type.loc.source.body.slice(def.type.loc.start, def.type.loc.end) : (m[4] ?? m[5] ?? '?');
  let value = null;
  try {
    value = m[2] ? JSON.parse(m[2]) : null;
  } catch {
    value = m[2];
  }
  const explanation = m[3] ?? 'Expected value to not be null';
  return { extensions: { value, problems: [{ path: [], explanation }] }, locations: locs(err), message: `Variable $${name} of type ${type} was provided invalid value` };
}

/** Execution errors as GitHub shows them: `type` beside message, path and locations. */
function executionError(err) {
  const type = err.extensions?.type;
  const out = {};
  if (type) out.type = type;
  if (err.path) out.path = err.path;
  out.locations = locs(err);
  out.message = err.message;
  if (!type && err.originalError && !(err.originalError instanceof GraphQLError)) {
    // A twin bug, not a GitHub behaviour: say so, loudly.
    out.message = `github-twin internal error: ${err.originalError.message}`;
  }
  return out;
}

/**
 * @param {object} request the POST body (parsed JSON)
 * @param {object} env
 * @param {import('../store').Store} env.store
 * @param {any} env.viewer the token's user
 * @param {(cost: number, nodeCount: number, options: {dryRun: boolean}) => ({ok: true, rateLimit: object} | {ok: false, message: string})} env.charge
 * @returns {{body: object, cost: number}}
 */
function runGraphQL(request, env) {
  const sch = schema();
  if (!request || typeof request !== 'object' || typeof request.query !== 'string') {
    return { body: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] }, cost: 0 };
  }
  let variables = request.variables ?? {};
  if (typeof variables === 'string') {
    try {
      variables = variables === '' ? {} : JSON.parse(variables);
    } catch {
      return { body: { errors: [{ message: 'Variables are invalid JSON.' }] }, cost: 0 };
    }
  }
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
    return { body: { errors: [{ message: 'Variables are invalid JSON.' }] }, cost: 0 };
  }
  let document;
  try {
    document = parse(request.query);
  } catch (err) {
    return { body: { errors: [{ message: parseErrorMessage(err), locations: locs(err) }] }, cost: 0 };
  }
  const operation = getOperationAST(document, request.operationName || undefined);
  if (!operation) {
    const ops = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const message = ops.length === 0 ? 'No operation provided' : request.operationName ? `No operation named "${request.operationName}"` : 'An operation name is required';
    return { body: { errors: [{ message }] }, cost: 0 };
  }
  const invalid = validate(sch, document);
  if (invalid.length) {
    const paths = documentPaths(document);
    return { body: { errors: invalid.map((e) => validationError(e, paths)) }, cost: 0 };
  }
  if (operation.operation !== 'query') {
    return { body: { errors: [{ message: `github-twin answers queries only; ${operation.operation}s are not implemented.`, locations: [] }] }, cost: 0 };
  }
  const coerced = getVariableValues(sch, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
  if (coerced.errors) return { body: { errors: coerced.errors.map(variableError) }, cost: 0 };
  const analysis = analyzeOperation(sch, document, operation, coerced.coerced);
  if (analysis.errors.length) return { body: { errors: analysis.errors }, cost: 0 };
  const charged = env.charge(analysis.cost, analysis.nodeCount, { dryRun: analysis.dryRun });
  if (!charged.ok) return { body: { errors: [{ type: 'RATE_LIMITED', code: 'graphql_rate_limit', message: charged.message }] }, cost: 0, rateLimited: true };
  const result = execute({
    schema: sch,
    document,
    operationName: request.operationName || undefined,
    variableValues: coerced.coerced,
    contextValue: { store: env.store, now: env.store.now(), viewer: env.viewer, rateLimit: charged.rateLimit, schema: sch },
    fieldResolver,
    typeResolver,
  });
  if (typeof result?.then === 'function') throw new Error('unexpected asynchronous resolver');
  const body = {};
  if (result.data !== undefined) body.data = result.data;
  if (result.errors?.length) body.errors = result.errors.map(executionError);
  return { body, cost: analysis.dryRun ? 0 : analysis.cost };
}

module.exports = { runGraphQL, schema, parseErrorMessage };
