/*
 * The seed's two tables, with its columns, unique constraint and indexes.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable("dora_daily_metrics", (table) => {
    table.comment("Daily rollup per service, recomputed from the raw events");
    table.increments("id").primary();
    table.string("entity_ref", 255).notNullable();
    table.date("date").notNullable();
    table.integer("deployment_count").notNullable().defaultTo(0);
    table.integer("deployment_failure_count").notNullable().defaultTo(0);
    table.integer("lead_time_avg_seconds").nullable();
    table.integer("mttr_avg_seconds").nullable();
    table
      .timestamp("updated_at", { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.unique(["entity_ref", "date"], {
      indexName: "dora_daily_metrics_entity_ref_date_unique",
    });
    table.index(["date"], "dora_daily_metrics_date_idx");
    table.index(["entity_ref"], "dora_daily_metrics_entity_ref_idx");
  });

  await knex.schema.createTable("dora_targets", (table) => {
    table.comment(
      "Targets set per service; a null column falls back to the config",
    );
    table.string("entity_ref", 255).primary().notNullable();
    // double precision: a float4 would turn 0.1 into 0.100000001
    table.double("target_freq").nullable();
    table.double("target_lead").nullable();
    table.double("target_fail").nullable();
    table.double("target_mttr").nullable();
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
  await knex.schema.dropTable("dora_targets");
  await knex.schema.dropTable("dora_daily_metrics");
};
