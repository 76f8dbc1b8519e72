#!/usr/bin/env node
// The knex migrations live in the repository's top-level migrations/ folder; the packed plugin
// must carry them (it runs them at start-up), so prepack copies them into this package.
const fs = require('node:fs');
const path = require('node:path');

const source = path.resolve(__dirname, '..', '..', 'migrations');
const target = path.resolve(__dirname, '..', 'migrations');

fs.rmSync(target, { recursive: true, force: true });
if (process.argv[2] !== '--clean') {
  fs.cpSync(source, target, {
    recursive: true,
    filter: file => fs.statSync(file).isDirectory() || file.endsWith('.js'),
  });
}
