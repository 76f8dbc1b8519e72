'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { buildSchema } = require('graphql');
const { packageDir } = require('../pkg');

let cached = null;

/**
 * GitHub's public GraphQL schema, from @octokit/graphql-schema's schema.graphql. (Its schema.json
 * lags behind: it lacks, for instance, `Issue.stateReason(enableDuplicate:)` and DUPLICATE, which
 * a collector may well ask for.) The SDL defines one field twice, hence assumeValidSDL.
 * Built once per process (about half a second).
 * @returns {import('graphql').GraphQLSchema}
 */
function githubSchema() {
  if (!cached) {
    const file = path.join(packageDir('@octokit/graphql-schema'), 'schema.graphql');
    cached = buildSchema(fs.readFileSync(file, 'utf8'), { assumeValidSDL: true });
  }
  return cached;
}

module.exports = { githubSchema };
