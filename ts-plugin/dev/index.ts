/*
 * A complete Backstage backend with the catalog and this plugin: what `bash scripts/start.sh`
 * runs (through `backstage-cli package start`), configured by the root app-config.yaml and any
 * further `--config` files.
 *
 * Without GITHUB_TOKEN it is a self-contained demo: it starts the project's GitHub twin (a
 * local server speaking GitHub's GraphQL and REST APIs) with a generated organization,
 * `demo-org`, and points GitHub traffic at it through an extra config file, exactly as a user
 * would point the plugin at GitHub Enterprise. With GITHUB_TOKEN set (and
 * doraMetrics.github.organizations in your --config) it talks to GitHub.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '@backstage/backend-defaults';

const DEMO_ORG = 'demo-org';
const DEMO_TOKEN = 'demo-token';

async function startDemoGitHub(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTwin } = require('@internal/github-twin');
  const twin = await startTwin({
    generate: { org: DEMO_ORG, repos: 5, seed: 'dora-demo', days: 90 },
    port: 0,
    tokens: [DEMO_TOKEN],
  });
  const overlay = {
    integrations: {
      github: [{ host: 'github.com', apiBaseUrl: twin.url, token: DEMO_TOKEN }],
    },
    doraMetrics: {
      github: { organizations: [DEMO_ORG] },
      collection: { initialDays: 90 },
    },
  };
  const file = path.join(os.tmpdir(), `dora-metrics-demo-${process.pid}.yaml`);
  fs.writeFileSync(file, JSON.stringify(overlay, null, 2)); // JSON is YAML
  process.on('exit', () => fs.rmSync(file, { force: true }));
  // Later --config files override earlier ones: this one goes last.
  process.argv.push('--config', file);
  // eslint-disable-next-line no-console
  console.log(
    `DORA metrics demo: no GITHUB_TOKEN, so GitHub is the local twin at ${twin.url} ` +
      `serving the generated organization "${DEMO_ORG}" (set GITHUB_TOKEN to use GitHub)`,
  );
}

async function main() {
  if (!process.env.GITHUB_TOKEN) {
    await startDemoGitHub();
  }
  const backend = createBackend();
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('../src'));
  await backend.start();
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
