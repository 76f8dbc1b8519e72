'use strict';

const { before, after } = require('node:test');
const { startTwin } = require('../src/index');

/** The end of generated history in tests: fixed, so data sets are reproducible. */
const END = '2026-11-28T00:00:00Z';
const TOKEN = 'twin-token';

/**
 * A small HTTP client over real sockets (Node's fetch) bound to a twin.
 * @param {{url: string}} twin
 * @param {string} [token]
 */
function client(twin, token = TOKEN) {
  const headers = (extra = {}) => ({ accept: 'application/vnd.github+json', ...(token ? { authorization: `token ${token}` } : {}), ...extra });
  return {
    /** POST /graphql; returns {status, headers, body}. */
    async gql(query, variables, { path = '/graphql', extraHeaders } = {}) {
      const res = await fetch(`${twin.url}${path}`, { method: 'POST', headers: headers({ 'content-type': 'application/json', ...extraHeaders }), body: JSON.stringify({ query, variables }) });
      return { status: res.status, headers: res.headers, body: await res.json() };
    },
    /** GET a REST path (or absolute URL); returns {status, headers, body}. */
    async get(pathOrUrl, extraHeaders = {}) {
      const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${twin.url}${pathOrUrl}`;
      const res = await fetch(url, { headers: headers(extraHeaders) });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
    },
    /** Follows `link: rel="next"` from a REST path; returns every item and the page count. */
    async getAll(path) {
      let url = `${twin.url}${path}`;
      const items = [];
      let pages = 0;
      while (url) {
        const r = await this.get(url);
        if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${JSON.stringify(r.body)}`);
        items.push(...(Array.isArray(r.body) ? r.body : r.body.items));
        pages++;
        const next = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get('link') ?? '');
        url = next ? next[1] : null;
      }
      return { items, pages };
    },
    /** Pages a GraphQL connection: `select(data)` returns the connection; `$after` is the cursor. */
    async gqlAll(query, variables, select) {
      const nodes = [];
      let after = null;
      for (;;) {
        const r = await this.gql(query, { ...variables, after });
        if (r.body.errors) throw new Error(JSON.stringify(r.body.errors));
        const conn = select(r.body.data);
        nodes.push(...conn.nodes);
        if (!conn.pageInfo.hasNextPage) return nodes;
        after = conn.pageInfo.endCursor;
      }
    },
  };
}

/** Starts a twin before the file's tests and closes it after them; read `.twin` inside tests. */
function useTwin(options) {
  const holder = {};
  before(async () => {
    holder.twin = await startTwin(options);
  });
  after(async () => {
    await holder.twin?.close();
  });
  return holder;
}

module.exports = { client, useTwin, END, TOKEN };
