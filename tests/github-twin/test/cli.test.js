'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const BIN = path.join(__dirname, '..', 'bin', 'github-twin.js');

/** Starts the CLI, waits for the line with its URL, runs `fn(url)`, then stops it. */
async function withCli(args, fn) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  try {
    const url = await new Promise((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    return await fn(url);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
  }
}

test('github-twin --scenario FILE --port 0 serves the file', async () => {
  await withCli(['--scenario', path.join(__dirname, '..', 'scenarios', 'example.json'), '--port', '0'], async (url) => {
    const r = await fetch(`${url}/repos/shop/storefront`, { headers: { authorization: 'token twin-token' } });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).default_branch, 'master');
  });
});

test('github-twin --org --repos --seed generates an organization', async () => {
  await withCli(['--org', 'initech', '--repos', '2', '--seed', '7', '--days', '5', '--end', '2026-11-28T00:00:00Z', '--token', 'abc'], async (url) => {
    const r = await fetch(`${url}/graphql`, { method: 'POST', headers: { authorization: 'bearer abc' }, body: JSON.stringify({ query: '{ organization(login: "initech") { repositories(first: 10) { totalCount } } }' }) });
    assert.deepEqual(await r.json(), { data: { organization: { repositories: { totalCount: 2 } } } });
  });
});

test('a bad option exits with the usage', async () => {
  await assert.rejects(withCli(['--repos', 'many'], async () => {}), /--repos: expected a number/);
});
