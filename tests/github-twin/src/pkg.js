'use strict';

const fs = require('node:fs');
const path = require('node:path');

/**
 * The directory of an installed package. `require.resolve` cannot be used: @octokit/graphql-schema
 * is ESM-only with an `exports` map, and requiring @octokit/openapi would load ~400 MB.
 * @param {string} name
 */
function packageDir(name) {
  for (const dir of require.resolve.paths(name) ?? []) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  throw new Error(`package ${name} is not installed (run npm install in the repository root)`);
}

module.exports = { packageDir };
