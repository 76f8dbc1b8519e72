#!/usr/bin/env node
'use strict';

const { parseArgs } = require('node:util');
const fs = require('node:fs');
const { startTwin, generateScenario } = require('../src/index');

const USAGE = `Usage:
  github-twin --scenario FILE [--port N]
  github-twin --org NAME --repos N --seed S [--days D] [--end ISO|now] [--write FILE] [--port N]

Options:
  --scenario FILE    serve a scenario JSON file
  --org NAME         generate an organization (default acme)
  --repos N          number of generated repositories (default 3)
  --seed S           generator seed (default 1)
  --days D           generated history in days (default 90)
  --end ISO|now      last instant of generated history (default now)
  --write FILE       also write the generated scenario to FILE
  --port N           port (default 0: any free port)
  --host H           address (default 127.0.0.1)
  --token T          accepted token (repeatable; default twin-token; "*" accepts any)
  --graphql-limit N  GraphQL points per hour per token (default 5000)
  --core-limit N     REST requests per hour per token (default 5000)
  --fault-rate R     probability of an injected fault per request (default 0)
  --fault-seed S     fault seed (default 0)
  --frozen           keep the clock still (default: it ticks from the scenario's now)`;

async function main() {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' }, org: { type: 'string' }, repos: { type: 'string' }, seed: { type: 'string' }, days: { type: 'string' },
      end: { type: 'string' }, write: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, token: { type: 'string', multiple: true },
      'graphql-limit': { type: 'string' }, 'core-limit': { type: 'string' }, 'fault-rate': { type: 'string' }, 'fault-seed': { type: 'string' },
      frozen: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const num = (v, name) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${name}: expected a number`);
    return n;
  };
  const options = {
    port: num(values.port, 'port') ?? 0,
    host: values.host,
    frozenClock: values.frozen,
    tokens: values.token ? (values.token.includes('*') ? '*' : values.token) : undefined,
    rateLimit: { graphql: num(values['graphql-limit'], 'graphql-limit'), core: num(values['core-limit'], 'core-limit') },
    faults: { rate: num(values['fault-rate'], 'fault-rate') ?? 0, seed: values['fault-seed'] ?? 0 },
  };
  if (values.scenario) {
    options.scenario = values.scenario;
  } else {
    const scenario = generateScenario({
      org: values.org ?? 'acme',
      repos: num(values.repos, 'repos') ?? 3,
      seed: values.seed ?? 1,
      days: num(values.days, 'days') ?? 90,
      end: values.end === undefined || values.end === 'now' ? undefined : values.end,
    });
    if (values.write) fs.writeFileSync(values.write, `${JSON.stringify(scenario, null, 2)}\n`);
    options.scenario = scenario;
  }
  const twin = await startTwin(options);
  const tokens = twin.tokens.any ? 'any token' : twin.tokens.list.map((t) => t.token).join(', ');
  console.log(`github-twin listening on ${twin.url}`);
  console.log(`  REST ${twin.url}/  GraphQL ${twin.url}/graphql  (Enterprise style: ${twin.url}/api/v3, ${twin.url}/api/graphql)`);
  console.log(`  tokens: ${tokens}; repositories: ${twin.store.repoList().map((r) => r.nameWithOwner).join(', ')}`);
  console.log(`  control: ${twin.url}/_twin/stats, /_twin/truth, /_twin/mutate, /_twin/clock, /_twin/faults`);
  const stop = () => twin.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(`github-twin: ${e.message}`);
  console.error(USAGE);
  process.exit(2);
});
