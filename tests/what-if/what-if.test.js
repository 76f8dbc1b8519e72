'use strict';

// The what-if page in headless Chromium: the tiers and scores it shows for a set of values
// equal the core's scoreWhatIf (native addon, in this process) for the same values.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { chromium } = require('playwright-core');
const core = require('@internal/dora-metrics-core');
const { createServer } = require('../../examples/what-if/serve');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const METRICS = ['deploymentFrequency', 'leadTime', 'changeFailureRate', 'mttr'];

const oneDecimal = score => (score === null ? '–' : (Math.sign(score) * Math.round(Math.abs(score) * 10) / 10).toFixed(1));

test('the what-if page shows the core\'s tiers and scores', async t => {
  assert.ok(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (scripts/setup.sh installs Debian's)`);
  const server = createServer();
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', error => pageErrors.push(error));
  await page.goto(`http://127.0.0.1:${server.address().port}/examples/what-if/`);
  await page.waitForSelector('body[data-ready="true"]');

  const cases = [
    { values: { deploymentFrequency: 3, leadTime: 48, changeFailureRate: 8, mttr: 120 }, tiers: 'dora-2023' },
    { values: { deploymentFrequency: 7, leadTime: 24, changeFailureRate: 5, mttr: 60 }, tiers: 'dora-2023' },
    { values: { deploymentFrequency: 0.2, leadTime: 900, changeFailureRate: 40, mttr: 20000 }, tiers: 'dora-2021' },
    { values: { deploymentFrequency: 14, leadTime: null, changeFailureRate: 0, mttr: null }, tiers: 'dora-2021' },
  ];
  for (const { values, tiers } of cases) {
    await page.selectOption('#tiers', tiers);
    for (const metric of METRICS) {
      await page.fill(`tr[data-metric="${metric}"] input[type=number]`, values[metric] === null ? '' : String(values[metric]));
    }
    const expected = core.scoreWhatIf(values, { tiers });
    for (const metric of METRICS) {
      const row = `tr[data-metric="${metric}"]`;
      assert.equal(await page.textContent(`${row} .tier`), expected.metrics[metric].tier ?? '–', `${metric} tier for ${JSON.stringify(values)}`);
      assert.equal(await page.textContent(`${row} .score`), oneDecimal(expected.metrics[metric].score), `${metric} score for ${JSON.stringify(values)}`);
    }
    assert.equal(await page.textContent('#overall-score'), String(expected.overallScore ?? '–'));
    assert.equal(await page.textContent('#overall-tier'), expected.overallTier ?? '');
  }
  // The page reports bad input with the core's message instead of stale numbers.
  await page.fill('tr[data-metric="mttr"] input[type=number]', '-5');
  assert.match(await page.textContent('#error'), /values\.mttr must not be negative/);
  assert.deepEqual(pageErrors, []);
});
