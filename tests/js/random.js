'use strict';

// Seeded random inputs for the parity test: mostly valid events around one date, with
// now and then a bad value, so both the results and the errors are compared.

function rng(seed) {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const TODAY = Date.UTC(2026, 10, 28);
const STATES = ['SUCCESS', 'ACTIVE', 'inactive', 'FAILURE', 'error', 'PENDING', 'queued', ''];
const ENVS = ['production', 'prod-eu', 'staging', 'preprod', ' PRD ', 'production/us'];
const REASONS = [null, 'COMPLETED', 'NOT_PLANNED', 'DUPLICATE', 'REOPENED'];
const ODD = [Number.NaN, -1, 1.5, '12', null, 1e300, Infinity];

function randomCase(seed) {
  const r = rng(seed);
  const pick = list => list[Math.floor(r() * list.length)];
  const instant = () => TODAY - Math.floor(r() * 40 * DAY) + Math.floor(r() * 2 * DAY);
  const maybeOdd = value => (r() < 0.01 ? pick(ODD) : value);
  const n = () => Math.floor(r() * 25);
  const events = {
    deployments: Array.from({ length: n() }, (_, i) => ({
      id: `D${i % (r() < 0.02 ? 3 : 1000)}`,
      environment: pick(ENVS),
      state: pick(STATES),
      createdAt: maybeOdd(instant()),
    })),
    changes: Array.from({ length: n() }, (_, i) => {
      const merged = instant();
      return { id: `C${i}`, createdAt: merged - Math.floor(r() * 5 * DAY), firstCommitAt: r() < 0.3 ? null : maybeOdd(merged - Math.floor(r() * 9 * DAY)), mergedAt: merged };
    }),
    incidents: Array.from({ length: n() }, (_, i) => {
      const opened = instant();
      return { id: `I${i}`, createdAt: opened, closedAt: r() < 0.3 ? null : opened + Math.floor((r() - 0.1) * 3 * DAY), stateReason: pick(REASONS) };
    }),
  };
  const options = {
    statistic: pick(['median', 'mean', null]),
    tiers: pick(['dora-2023', 'dora-2021', null, { deploymentFrequency: [7, 1, 0.2], leadTime: [2, 48, 200], changeFailureRate: [3, 9, 20], mttr: [30, 600, 5000], reworkRate: [1, 5, 10] }]),
    targets: r() < 0.5 ? null : { leadTime: maybeOdd(1 + r() * 100) },
  };
  const call = pick(['computeScorecard', 'computeScorecard', 'aggregateDaily', 'scoreWhatIf']);
  const period = { today: '2026-11-28', days: maybeOdd(1 + Math.floor(r() * 30)) };
  const args =
    call === 'computeScorecard'
      ? [events, period, options]
      : call === 'aggregateDaily'
        ? [events, options]
        : [{ deploymentFrequency: r() * 20, leadTime: maybeOdd(r() * 900), changeFailureRate: r() * 40, mttr: r() < 0.2 ? null : r() * 20000 }, options];
  return { file: `random-${seed}`, call, args };
}

module.exports = { randomCase };
