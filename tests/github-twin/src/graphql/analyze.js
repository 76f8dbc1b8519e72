'use strict';

const { Kind, getNamedType, isObjectType, isInterfaceType, GraphQLSkipDirective, GraphQLIncludeDirective, getDirectiveValues } = require('graphql');
const { getArgumentValues } = require('graphql/execution/values');

/**
 * Static analysis GitHub does before executing a query: connection pagination limits, the node
 * limit and the rate-limit cost (docs.github.com, "Rate limits and node limits for the GraphQL API").
 *
 * Cost: for every connection, count the requests needed to fill it (the product of the `first` /
 * `last` of the connections it is nested in, 1 at the top); sum, divide by 100, round to the
 * nearest whole number; at least 1.
 * Node count: for every connection, the product of its own and its parents' page sizes; at most
 * 500,000 per query.
 */

const MAX_PAGE = 100;
const NODE_LIMIT = 500_000;

/** A connection field: returns a `...Connection` object with pageInfo and takes first/last. */
function isConnectionField(fieldDef) {
  const t = getNamedType(fieldDef.type);
  return isObjectType(t) && /Connection$/.test(t.name) && 'pageInfo' in t.getFields() && fieldDef.args.some((a) => a.name === 'first');
}

function included(node, variables) {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, variables);
  return include?.if !== false;
}

/**
 * @param {import('graphql').GraphQLSchema} schema
 * @param {import('graphql').DocumentNode} document
 * @param {import('graphql').OperationDefinitionNode} operation
 * @param {Record<string, unknown>} variables coerced variable values
 * @returns {{errors: object[], cost: number, requests: number, nodeCount: number}}
 */
function analyzeOperation(schema, document, operation, variables) {
  const fragments = Object.create(null);
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  const errors = [];
  let requests = 0;
  let nodeCount = 0;
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();

  /** Every field selected on a selection set, fragments expanded, with the type it is selected on. */
  function fields(selectionSet, type, seen = new Set()) {
    const out = [];
    for (const sel of selectionSet.selections) {
      if (!included(sel, variables)) continue;
      if (sel.kind === Kind.FIELD) out.push({ node: sel, type });
      else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        out.push(...fields(sel.selectionSet, t ?? type, seen));
      } else if (sel.kind === Kind.FRAGMENT_SPREAD && !seen.has(sel.name.value)) {
        const frag = fragments[sel.name.value];
        if (!frag) continue;
        seen.add(sel.name.value);
        const t = schema.getType(frag.typeCondition.name.value) ?? type;
        out.push(...fields(frag.selectionSet, t, seen));
        seen.delete(sel.name.value);
      }
    }
    return out;
  }

  function selectsItems(node, type) {
    if (!node.selectionSet) return false;
    return fields(node.selectionSet, type).some(({ node: f }) => f.name.value === 'nodes' || f.name.value === 'edges');
  }

  function walk(selectionSet, type, multiplier, path) {
    for (const { node, type: parent } of fields(selectionSet, type)) {
      const name = node.name.value;
      if (name.startsWith('__')) continue;
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const def = parent.getFields()[name];
      if (!def) continue;
      const key = node.alias ? node.alias.value : name;
      const here = [...path, key];
      let childMultiplier = multiplier;
      if (isConnectionField(def)) {
        let args;
        try {
          args = getArgumentValues(def, node, variables);
        } catch {
          args = {};
        }
        const { first, last } = args;
        const loc = node.loc ? [locationOf(node)] : [];
        const fail = (type, message) => errors.push({ ...(type ? { type } : {}), path: here, locations: loc, message });
        if (first !== undefined && first !== null && last !== undefined && last !== null) {
          fail(null, `Passing both \`first\` and \`last\` to paginate the \`${name}\` connection is not supported.`);
        }
        const size = first ?? last;
        const argName = first !== undefined && first !== null ? 'first' : 'last';
        if (size === undefined || size === null) {
          if (selectsItems(node, getNamedType(def.type))) fail('MISSING_PAGINATION_BOUNDARIES', `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`);
        } else if (size > MAX_PAGE) {
          fail('EXCESSIVE_PAGINATION', `Requesting ${size} records on the \`${name}\` connection exceeds the \`${argName}\` limit of ${MAX_PAGE} records.`);
        } else if (size < 1) {
          // GitHub documents the range 1-100; its wording for values below 1 is not documented.
          fail('INVALID_PAGINATION', `Requesting ${size} records on the \`${name}\` connection is below the \`${argName}\` minimum of 1 record.`);
        }
        const n = size === undefined || size === null ? 0 : Math.max(0, Math.min(size, MAX_PAGE));
        requests += multiplier;
        nodeCount += multiplier * n;
        childMultiplier = multiplier * n;
        if (nodeCount > NODE_LIMIT && !errors.some((e) => e.type === 'MAX_NODE_LIMIT_EXCEEDED')) {
          fail('MAX_NODE_LIMIT_EXCEEDED', `By the time this query traverses to the ${name} connection, it is requesting up to ${nodeCount.toLocaleString('en-US')} possible nodes which exceeds the maximum limit of ${NODE_LIMIT.toLocaleString('en-US')}.`);
        }
      }
      if (node.selectionSet) walk(node.selectionSet, getNamedType(def.type), childMultiplier, here);
    }
  }

  if (root) walk(operation.selectionSet, root, 1, []);
  const cost = Math.max(1, Math.round(requests / 100));
  // rateLimit(dryRun: true) asks for the cost without spending it.
  let dryRun = false;
  if (root) {
    for (const { node } of fields(operation.selectionSet, root)) {
      if (node.name.value !== 'rateLimit') continue;
      try {
        if (getArgumentValues(root.getFields().rateLimit, node, variables).dryRun === true) dryRun = true;
      } catch {
        // invalid arguments were reported by validation already
      }
    }
  }
  return { errors, cost, requests, nodeCount, dryRun };
}

function locationOf(node) {
  const { line, column } = locFromOffset(node.loc.source.body, node.loc.start);
  return { line, column };
}

function locFromOffset(body, offset) {
  let line = 1;
  let last = 0;
  for (let i = 0; i < offset; i++) {
    if (body.charCodeAt(i) === 10) {
      line++;
      last = i + 1;
    }
  }
  return { line, column: offset - last + 1 };
}

/**
 * graphql-ruby style document paths ("query Name", field aliases or names, "... on Type",
 * "fragment Name", argument names) for every AST node, to put on validation errors as GitHub does.
 * @param {import('graphql').DocumentNode} document
 * @returns {Map<object, Array<string|number>>}
 */
function documentPaths(document) {
  const paths = new Map();
  const visitValue = (value, path) => {
    paths.set(value, path);
    if (value.kind === Kind.OBJECT) for (const f of value.fields) { paths.set(f, [...path, f.name.value]); visitValue(f.value, [...path, f.name.value]); }
    if (value.kind === Kind.LIST) value.values.forEach((v, i) => visitValue(v, [...path, i]));
  };
  const visitSelections = (selectionSet, path) => {
    if (!selectionSet) return;
    for (const sel of selectionSet.selections) {
      let here;
      if (sel.kind === Kind.FIELD) here = [...path, sel.alias ? sel.alias.value : sel.name.value];
      else if (sel.kind === Kind.INLINE_FRAGMENT) here = [...path, sel.typeCondition ? `... on ${sel.typeCondition.name.value}` : '...'];
      else here = [...path, `... ${sel.name.value}`];
      paths.set(sel, here);
      for (const arg of sel.arguments ?? []) { paths.set(arg, [...here, arg.name.value]); visitValue(arg.value, [...here, arg.name.value]); }
      for (const dir of sel.directives ?? []) paths.set(dir, here);
      visitSelections(sel.selectionSet, here);
    }
  };
  for (const def of document.definitions) {
    let label;
    if (def.kind === Kind.OPERATION_DEFINITION) label = def.name ? `${def.operation} ${def.name.value}` : def.operation;
    else if (def.kind === Kind.FRAGMENT_DEFINITION) label = `fragment ${def.name.value}`;
    else continue;
    paths.set(def, [label]);
    for (const v of def.variableDefinitions ?? []) paths.set(v, [label]);
    visitSelections(def.selectionSet, [label]);
  }
  return paths;
}

module.exports = { analyzeOperation, documentPaths, isConnectionField, locFromOffset, MAX_PAGE, NODE_LIMIT };
