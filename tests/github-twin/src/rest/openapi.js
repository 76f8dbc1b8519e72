'use strict';

const fs = require('node:fs');
const path = require('node:path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const { packageDir } = require('../pkg');

/**
 * GitHub's REST description (@octokit/openapi, generated/api.github.com.json only): routes,
 * request parameters and response schemas. Responses are checked with Ajv 8 against the
 * operation's schema, `#/components/...` references resolved inside the same document.
 */

let cached = null;

class OpenApi {
  constructor() {
    const file = path.join(packageDir('@octokit/openapi'), 'generated', 'api.github.com.json');
    this.spec = JSON.parse(fs.readFileSync(file, 'utf8'));
    toJsonSchemaNulls(this.spec);
    this.routes = [];
    for (const [template, item] of Object.entries(this.spec.paths)) {
      const names = [];
      const re = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n) => {
        names.push(n);
        return '([^/]+)';
      });
      this.routes.push({ template, item, regex: new RegExp(`^${re}$`), names, literal: template.replace(/\{[^}]+\}/g, '').length });
    }
    // Literal segments win over parameters (/pulls/comments before /pulls/{pull_number}).
    this.routes.sort((a, b) => a.names.length - b.names.length || b.literal - a.literal);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    addFormats(this.ajv);
    this.ajv.addFormat('int64', true);
    this.ajv.addFormat('int32', true);
    this.ajv.addFormat('uri-template', true);
    this.ajv.addFormat('repo.nwo', true);
    this.ajv.addFormat('ssh-key', true);
    this.ajv.addFormat('ssh-key fingerprint', true);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema(this.spec, 'gh');
    this.validators = new Map();
  }

  /**
   * @param {string} method
   * @param {string} pathname without the API prefix
   * @returns {{template: string, operation: any, params: Record<string, string>} | null | 'method'}
   *   null: no such path; 'method': the path exists, not with this method
   */
  match(method, pathname) {
    for (const r of this.routes) {
      const m = r.regex.exec(pathname);
      if (!m) continue;
      const operation = r.item[method.toLowerCase()];
      if (!operation) return 'method';
      const params = {};
      r.names.forEach((n, i) => {
        params[n] = decodeURIComponent(m[i + 1]);
      });
      return { template: r.template, operation, params };
    }
    return null;
  }

  deref(obj) {
    let o = obj;
    while (o && o.$ref) o = this.pointer(o.$ref);
    return o;
  }

  pointer(ref) {
    let o = this.spec;
    for (const part of ref.replace(/^#\//, '').split('/')) o = o[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return o;
  }

  /** The operation's parameters, `$ref`s resolved. */
  parameters(operation) {
    return (operation.parameters ?? []).map((p) => this.deref(p));
  }

  /**
   * Checks the query string against the operation's declared parameters, the way a strict
   * client-side contract would; see the server for which problems become 422s.
   * @param {any} operation
   * @param {URLSearchParams} query
   * @returns {{values: Record<string, any>, problems: Array<{field: string, code: string, value?: string, message: string}>}}
   */
  checkQuery(operation, query) {
    const declared = new Map(this.parameters(operation).filter((p) => p.in === 'query').map((p) => [p.name, p]));
    const values = {};
    const problems = [];
    for (const name of new Set(query.keys())) {
      const all = query.getAll(name);
      const raw = all[all.length - 1];
      const p = declared.get(name);
      if (!p) {
        problems.push({ field: name, code: 'invalid', value: raw, message: `${name} is not a parameter of ${operation.operationId}` });
        continue;
      }
      const s = p.schema ?? {};
      const types = [].concat(s.type ?? 'string');
      let v = raw;
      if (types.includes('integer')) {
        if (!/^-?\d+$/.test(raw)) {
          problems.push({ field: name, code: 'invalid', value: raw, message: `${name} must be an integer` });
          continue;
        }
        v = Number(raw);
      } else if (types.includes('boolean')) {
        if (raw !== 'true' && raw !== 'false') {
          problems.push({ field: name, code: 'invalid', value: raw, message: `${name} must be true or false` });
          continue;
        }
        v = raw === 'true';
      }
      if (s.enum && !s.enum.includes(v)) {
        problems.push({ field: name, code: 'invalid', value: raw, message: `${name} must be one of: ${s.enum.join(', ')}` });
        continue;
      }
      if (s.format === 'date-time' && (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(Date.parse(raw)))) {
        problems.push({ field: name, code: 'invalid', value: raw, message: `${name} must be an ISO 8601 timestamp` });
        continue;
      }
      values[name] = v;
    }
    for (const [name, p] of declared) if (!(name in values) && p.schema && p.schema.default !== undefined && p.schema.default !== 'none') values[name] = p.schema.default;
    return { values, problems };
  }

  /**
   * An Ajv validator for the operation's response body with that status (application/json).
   * @returns {import('ajv').ValidateFunction | null} null when the operation declares no JSON body
   */
  responseValidator(template, method, status) {
    const key = `${method} ${template} ${status}`;
    if (this.validators.has(key)) return this.validators.get(key);
    const esc = (s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));
    let ptr = ['paths', template, method.toLowerCase(), 'responses', String(status)];
    let response = this.spec.paths[template]?.[method.toLowerCase()]?.responses?.[String(status)];
    if (response?.$ref) {
      ptr = response.$ref.replace(/^#\//, '').split('/').map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
      response = this.deref(response);
    }
    let validate = null;
    if (response?.content?.['application/json']?.schema) {
      validate = this.ajv.compile({ $ref: `gh#/${[...ptr, 'content', 'application/json', 'schema'].map(esc).join('/')}` });
    }
    this.validators.set(key, validate);
    return validate;
  }

  /**
   * @returns {{valid: boolean, errors: object[]}} validity of `body` as that operation's response
   */
  validateResponse(template, method, status, body) {
    const v = this.responseValidator(template, method, status);
    if (!v) return { valid: true, errors: [] };
    const valid = v(body);
    return { valid, errors: valid ? [] : v.errors };
  }
}

/**
 * OpenAPI 3.0's `nullable: true` in JSON Schema terms (Ajv only accepts `nullable` beside `type`,
 * and the description also uses it beside `allOf`/`$ref`-only schemas).
 */
function toJsonSchemaNulls(node) {
  if (Array.isArray(node)) {
    for (const x of node) toJsonSchemaNulls(x);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const v of Object.values(node)) toJsonSchemaNulls(v);
  if (node.nullable === true) {
    delete node.nullable;
    if (typeof node.type === 'string') {
      node.type = [node.type, 'null'];
      if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
    } else if (!Array.isArray(node.type)) {
      const copy = { ...node };
      for (const k of Object.keys(node)) delete node[k];
      node.anyOf = [copy, { type: 'null' }];
      for (const k of ['description', 'title']) if (copy[k] !== undefined) node[k] = copy[k];
    }
  } else if (node.nullable === false) {
    delete node.nullable;
  }
}

/** The shared instance (the description is 13 MB; load it once per process). */
function openApi() {
  cached ??= new OpenApi();
  return cached;
}

module.exports = { openApi, OpenApi };
