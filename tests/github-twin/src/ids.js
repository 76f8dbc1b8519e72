'use strict';

const msgpack = require('./msgpack');

/**
 * GitHub's "next" global node ids: `<PREFIX>_<base64url(msgpack([0, repoDbId, objectDbId]))>`,
 * e.g. `PR_kwDOAbc...`. Repository-less objects (repositories, users, orgs) use `[0, dbId]`.
 */
const PREFIX = {
  Repository: 'R',
  Organization: 'O',
  User: 'U',
  Bot: 'BOT',
  Deployment: 'DE',
  DeploymentStatus: 'DES',
  PullRequest: 'PR',
  Issue: 'I',
  Label: 'LA',
  Commit: 'C',
  PullRequestCommit: 'PURC',
  Ref: 'REF',
};

/**
 * @param {keyof typeof PREFIX} type
 * @param {Array<number|string>} parts database ids (and, for commits, the oid)
 */
function nodeId(type, ...parts) {
  const prefix = PREFIX[type];
  if (!prefix) throw new Error(`no node id prefix for ${type}`);
  return `${prefix}_${msgpack.encode([0, ...parts]).toString('base64url')}`;
}

/**
 * Decodes an id of the form above, or returns null when it is not one.
 * @param {string} id
 * @returns {{type: string, parts: Array<number|string>} | null}
 */
function parseNodeId(id) {
  const m = /^([A-Z]+)_([A-Za-z0-9_-]+)$/.exec(id);
  if (!m) return null;
  const type = Object.keys(PREFIX).find((k) => PREFIX[k] === m[1]);
  if (!type) return null;
  try {
    const v = msgpack.decode(Buffer.from(m[2], 'base64url'));
    if (!Array.isArray(v) || v[0] !== 0) return null;
    return { type, parts: v.slice(1) };
  } catch {
    return null;
  }
}

/**
 * GraphQL cursors look like GitHub's: base64("cursor:v2:" + msgpack(key)).
 * @param {unknown} key
 */
function encodeCursor(key) {
  return Buffer.concat([Buffer.from('cursor:v2:'), msgpack.encode(key)]).toString('base64');
}

/** @param {string} cursor @returns {unknown} the key, or undefined when malformed */
function decodeCursor(cursor) {
  try {
    const buf = Buffer.from(cursor, 'base64');
    if (buf.toString('base64') !== cursor) return undefined;
    const head = 'cursor:v2:';
    if (buf.subarray(0, head.length).toString() !== head) return undefined;
    return msgpack.decode(buf.subarray(head.length));
  } catch {
    return undefined;
  }
}

module.exports = { nodeId, parseNodeId, encodeCursor, decodeCursor, PREFIX };
