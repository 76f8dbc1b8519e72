'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

test('the exports and the hand-written type declarations name the same functions', () => {
  const api = require('..');
  const dts = fs.readFileSync(path.join(__dirname, '..', 'src', 'index.d.ts'), 'utf8');
  const declared = [...dts.matchAll(/^export function (\w+)/gm)].map((m) => m[1]).sort();
  const exported = Object.keys(api).filter((k) => typeof api[k] === 'function' && k !== 'Twin').sort();
  assert.deepEqual(declared, exported);
});
