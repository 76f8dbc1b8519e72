/*
 * The raw events scorecards are computed from (keyed by GitHub node id, so a re-sync upserts),
 * the per-service sync state, and the rollup's added counts. Instants of raw events are epoch
 * milliseconds, as the core takes them.
 *
 * An event row belongs to one service: the key is (entity_ref, node id), so two catalog services
 * on one repository each keep their own copy of the repository's events.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable("dora_daily_metrics", (table) => {
    table.integer("lead_time_count").notNullable().defaultTo(0);
    table.integer("mttr_count").notNullable().defaultTo(0);
    table.integer("rework_count").notNullable().defaultTo(0);
  });

  await knex.schema.createTable("dora_deployments", (table) => {
    table.comment("Production deployments");
    table.string("entity_ref", 255).notNullable();
    table.string("id", 255).notNullable().comment("GitHub node id");
    table.string("environment", 255).notNullable();
    table.string("state", 64).notNullable();
    table.string("sha", 64).nullable();
    table.bigInteger("created_at").notNullable();
    table
      .timestamp("updated_at", { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(["entity_ref", "id"], "dora_deployments_pkey");
  });

  await knex.schema.createTable("dora_changes", (table) => {
    table.comment("Pull requests merged into the default branch");
    table.string("entity_ref", 255).notNullable();
    table.string("id", 255).notNullable().comment("GitHub node id");
    table.bigInteger("created_at").notNullable();
    table.bigInteger("first_commit_at").nullable();
    table.bigInteger("merged_at").notNullable();
    table
      .timestamp("updated_at", { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(["entity_ref", "id"], "dora_changes_pkey");
  });

  await knex.schema.createTable("dora_incidents", (table) => {
    table.comment("Issues carrying the failure label");
    table.string("entity_ref", 255).notNullable();
    table.string("id", 255).notNullable().comment("GitHub node id");
    table.bigInteger("created_at").notNullable();
    table.bigInteger("closed_at").nullable();
    table.string("state_reason", 64).nullable();
    table
      .timestamp("updated_at", { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(["entity_ref", "id"], "dora_incidents_pkey");
  });

  await knex.schema.createTable("dora_sync_state", (table) => {
    table.comment(
      "Per service: its repository, the collector cursors, the last outcome",
    );
    table.string("entity_ref", 255).primary().notNullable();
    table.string("host", 255).notNullable();
    table.string("repository", 255).notNullable().comment("owner/repo");
    table.text("cursors").nullable().comment("JSON, owned by the collector");
    table.boolean("deployments_incomplete").notNullable().defaultTo(false);
    table.boolean("changes_incomplete").notNullable().defaultTo(false);
    table.boolean("incidents_incomplete").notNullable().defaultTo(false);
    table.timestamp("last_synced_at", { useTz: true }).nullable();
    table.text("last_error").nullable();
    table.timestamp("last_error_at", { useTz: true }).nullable();
    table
      .timestamp("updated_at", { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable("dora_sync_state");
  await knex.schema.dropTable("dora_incidents");
  await knex.schema.dropTable("dora_changes");
  await knex.schema.dropTable("dora_deployments");
  await knex.schema.alterTable("dora_daily_metrics", (table) => {
    table.dropColumn("rework_count");
    table.dropColumn("mttr_count");
    table.dropColumn("lead_time_count");
  });
};
