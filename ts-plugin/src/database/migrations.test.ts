import { TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import { Knex } from 'knex';
import { migrationsDir } from './DoraMetricsStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const migrations = fs
  .readdirSync(migrationsDir())
  .filter(f => f.endsWith('.js'))
  .sort();

const up = (knex: Knex) => knex.migrate.up({ directory: migrationsDir() });
const down = (knex: Knex) => knex.migrate.down({ directory: migrationsDir() });

async function indexNames(knex: Knex, table: string): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const { rows } = await knex.raw(
      'select indexname from pg_indexes where tablename = ?',
      [table],
    );
    return rows.map((r: { indexname: string }) => r.indexname).sort();
  }
  const rows = await knex.raw(`pragma index_list(${table})`);
  return rows
    .map((r: { name: string }) => r.name)
    .filter((n: string) => !n.startsWith('sqlite_autoindex'))
    .sort();
}

async function primaryKey(knex: Knex, table: string): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const { rows } = await knex.raw(
      `select a.attname as name from pg_index i
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = ?::regclass and i.indisprimary
        order by array_position(i.indkey, a.attnum)`,
      [table],
    );
    return rows.map((r: { name: string }) => r.name);
  }
  const rows = await knex.raw(`pragma table_info(${table})`);
  return rows
    .filter((r: { pk: number }) => r.pk > 0)
    .sort((a: { pk: number }, b: { pk: number }) => a.pk - b.pk)
    .map((r: { name: string }) => r.name);
}

describe('migrations', () => {
  it('are the two known files, in order', () => {
    expect(migrations).toEqual([
      '20261128000000_seed_tables.js',
      '20261128000001_raw_events_and_sync_state.js',
    ]);
  });

  it.each(databases.eachSupportedId())(
    'migrate up and down with data in place, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);

      // The seed's tables, with a row each.
      await up(knex);
      expect(await indexNames(knex, 'dora_daily_metrics')).toEqual(
        expect.arrayContaining([
          'dora_daily_metrics_date_idx',
          'dora_daily_metrics_entity_ref_date_unique',
          'dora_daily_metrics_entity_ref_idx',
        ]),
      );
      await knex('dora_daily_metrics').insert({
        entity_ref: 'component:default/payments',
        date: '2026-11-01',
        deployment_count: 3,
        deployment_failure_count: 1,
        lead_time_avg_seconds: 3600,
        mttr_avg_seconds: null,
      });
      await knex('dora_targets').insert({
        entity_ref: 'component:default/payments',
        target_lead: 12.5,
      });
      const seedRow = {
        entity_ref: 'component:default/payments',
        deployment_count: 3,
        deployment_failure_count: 1,
        lead_time_avg_seconds: 3600,
        mttr_avg_seconds: null,
      };

      // The added columns and tables: the seed's rows keep their values.
      await up(knex);
      expect(
        await knex('dora_daily_metrics').select(
          Object.keys(seedRow).concat(
            'lead_time_count',
            'mttr_count',
            'rework_count',
          ),
        ),
      ).toEqual([
        { ...seedRow, lead_time_count: 0, mttr_count: 0, rework_count: 0 },
      ]);
      // Events are keyed by (entity ref, node id): two services on one repository each keep
      // the repository's events.
      for (const table of [
        'dora_deployments',
        'dora_changes',
        'dora_incidents',
      ]) {
        expect(await primaryKey(knex, table)).toEqual(['entity_ref', 'id']);
      }
      await knex('dora_deployments').insert({
        id: 'DE_1',
        entity_ref: 'component:default/payments-api',
        environment: 'prod',
        state: 'SUCCESS',
        created_at: Date.parse('2026-11-01T10:00:00Z'),
      });
      await knex('dora_deployments').insert({
        id: 'DE_1',
        entity_ref: 'component:default/payments',
        environment: 'prod',
        state: 'SUCCESS',
        created_at: Date.parse('2026-11-01T10:00:00Z'),
      });
      await knex('dora_sync_state').insert({
        entity_ref: 'component:default/payments',
        host: 'github.com',
        repository: 'acme/payments',
      });
      await knex('dora_daily_metrics').update({ lead_time_count: 1 });

      // Down again: the added tables and columns go, the seed's rows stay.
      await down(knex);
      expect(await knex.schema.hasTable('dora_deployments')).toBe(false);
      expect(await knex.schema.hasTable('dora_sync_state')).toBe(false);
      expect(
        await knex.schema.hasColumn('dora_daily_metrics', 'lead_time_count'),
      ).toBe(false);
      expect(
        await knex('dora_daily_metrics').select(Object.keys(seedRow)),
      ).toEqual([seedRow]);
      expect(await indexNames(knex, 'dora_daily_metrics')).toEqual(
        expect.arrayContaining([
          'dora_daily_metrics_date_idx',
          'dora_daily_metrics_entity_ref_date_unique',
          'dora_daily_metrics_entity_ref_idx',
        ]),
      );
      expect(
        await knex('dora_targets').select(
          'entity_ref',
          'target_lead',
          'target_freq',
        ),
      ).toEqual([
        {
          entity_ref: 'component:default/payments',
          target_lead: 12.5,
          target_freq: null,
        },
      ]);

      // And up to the latest once more, then all the way down.
      await knex.migrate.latest({ directory: migrationsDir() });
      expect(await knex.schema.hasTable('dora_sync_state')).toBe(true);
      await down(knex);
      await down(knex);
      expect(await knex.schema.hasTable('dora_daily_metrics')).toBe(false);
      expect(await knex.schema.hasTable('dora_targets')).toBe(false);

      await knex.destroy();
    },
  );
});
