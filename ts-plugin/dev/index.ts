/*
 * A complete Backstage backend with the catalog and this plugin: what `bash scripts/start.sh`
 * runs (through `backstage-cli package start`), configured by the root app-config.yaml and any
 * further `--config` files.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('../src'));
backend.start();
