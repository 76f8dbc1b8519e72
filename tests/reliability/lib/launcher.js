'use strict';
/*
 * A Backstage backend with the catalog and the DORA metrics plugin, run from the plugin's
 * TypeScript sources through Backstage's own node transform (what `backstage-cli package start`
 * uses), without the CLI's watcher. Configured by the usual `--config <file>` flags.
 */
require('@backstage/cli-node/config/nodeTransform.cjs');

const { createBackend } = require('@backstage/backend-defaults');

// DORA_REL_PLUGINS=dora (or catalog) starts one plugin only; both by default.
const plugins = (process.env.DORA_REL_PLUGINS || 'catalog,dora').split(',');
const backend = createBackend();
if (plugins.includes('catalog')) {
  backend.add(require('@backstage/plugin-catalog-backend').default);
}
if (plugins.includes('dora')) {
  backend.add(require('@internal/plugin-dora-metrics-backend').default);
}
backend.start().catch(error => {
  console.error(error);
  process.exit(1);
});
