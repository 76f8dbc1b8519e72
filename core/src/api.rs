//! The JavaScript API of CORE_API.md, over [`Value`] documents. Both bindings deserialize
//! their arguments into `Value`s and call these functions, so validation (and its order) is
//! identical everywhere: non-finite numbers in any argument first, then each argument in
//! order (for events: field types, then duplicate ids).

use crate::columns::{ColumnSource, ReadColumns};
use crate::environment::EnvironmentMatcher;
use crate::error::{Error, Result};
use crate::events::Events;
use crate::options::{Options, production_environments};
use crate::rollup::DailyRow;
use crate::scorecard::{Period, Scorecard};
use crate::services::{SelectedService, Selection};
use crate::tiers::{Metric, Tier, TierSet};
use crate::value::Value;
use crate::whatif::{WhatIf, WhatIfValues, check_metric_value};

fn check_finite(args: &[(&Value, &str)]) -> Result<()> {
    args.iter().try_for_each(|(value, name)| value.check_finite(name))
}

/// Events with their field types checked, then their ids.
fn events(value: &Value) -> Result<Events> {
    let events = Events::from_value(value, "events")?;
    events.check_unique_ids("events")?;
    Ok(events)
}

/// `aggregateDaily(events, options?)`.
pub fn aggregate_daily(events_arg: &Value, options: &Value) -> Result<Vec<DailyRow>> {
    check_finite(&[(events_arg, "events"), (options, "options")])?;
    let parsed = events(events_arg)?;
    let options = Options::from_value(options, "options")?;
    Ok(crate::rollup::aggregate_daily(&parsed, &options))
}

/// `computeScorecard(events, period, options?)`.
pub fn compute_scorecard(events_arg: &Value, period: &Value, options: &Value) -> Result<Scorecard> {
    check_finite(&[(events_arg, "events"), (period, "period"), (options, "options")])?;
    let parsed = events(events_arg)?;
    let period = Period::from_value(period, "period")?;
    let options = Options::from_value(options, "options")?;
    Ok(crate::scorecard::compute_scorecard(&parsed, period, &options))
}

/// `aggregateDailyColumns(columns, options?)`: [`aggregate_daily`] over events as columns.
pub fn aggregate_daily_columns(columns: &impl ColumnSource, options: &Value) -> Result<Vec<DailyRow>> {
    let read = ReadColumns::read(columns, "events", || check_finite(&[(options, "options")]))?;
    let checked = read.check("events")?;
    let options = Options::from_value(options, "options")?;
    Ok(crate::rollup::aggregate_checked(&checked, &options))
}

/// `computeScorecardColumns(columns, period, options?)`: [`compute_scorecard`] over events as
/// columns.
pub fn compute_scorecard_columns(columns: &impl ColumnSource, period: &Value, options: &Value) -> Result<Scorecard> {
    let read = ReadColumns::read(columns, "events", || check_finite(&[(period, "period"), (options, "options")]))?;
    let checked = read.check("events")?;
    let period = Period::from_value(period, "period")?;
    let options = Options::from_value(options, "options")?;
    Ok(crate::scorecard::scorecard_checked(&checked, period, &options))
}

/// `scoreWhatIf(values, options?)`.
pub fn score_what_if(values: &Value, options: &Value) -> Result<WhatIf> {
    check_finite(&[(values, "values"), (options, "options")])?;
    let values = WhatIfValues::from_value(values, "values")?;
    let options = Options::from_value(options, "options")?;
    Ok(crate::whatif::score_what_if(&values, &options))
}

/// `classifyTier(metric, value, tiers?)`.
pub fn classify_tier(metric: &Value, value: &Value, tiers: &Value) -> Result<Tier> {
    check_finite(&[(metric, "metric"), (value, "value"), (tiers, "tiers")])?;
    let metric = match metric {
        Value::String(name) => Metric::key_from_name(name),
        _ => None,
    }
    .ok_or_else(|| Error::input("metric", "must be deploymentFrequency, leadTime, changeFailureRate or mttr"))?;
    let Value::Number(v) = value else {
        return Err(Error::input("value", format!("must be a number, not {}", value.type_name())));
    };
    check_metric_value(*v, "value")?;
    let tiers = if tiers.is_null() { TierSet::default() } else { TierSet::from_value(tiers, "tiers")? };
    let thresholds =
        tiers.thresholds(metric).ok_or_else(|| Error::tiers("tiers", "has no thresholds for this metric"))?;
    Ok(thresholds.classify(metric, *v))
}

/// `matchEnvironment(name, productionEnvironments?)`.
pub fn match_environment(name: &Value, production: &Value) -> Result<bool> {
    check_finite(&[(name, "name"), (production, "productionEnvironments")])?;
    let Value::String(name) = name else {
        return Err(Error::input("name", format!("must be a string, not {}", name.type_name())));
    };
    let matcher = if production.is_null() {
        EnvironmentMatcher::default()
    } else {
        production_environments(production, "productionEnvironments")?
    };
    Ok(matcher.matches(name))
}

/// `selectServices(entities, config)`.
pub fn select_services(entities: &Value, config: &Value) -> Result<Vec<SelectedService>> {
    check_finite(&[(entities, "entities"), (config, "config")])?;
    let Value::Array(entities) = entities else {
        return Err(Error::input(
            "entities",
            format!("must be an array of catalog entities, not {}", entities.type_name()),
        ));
    };
    let selection = Selection::from_value(config, "config")?;
    Ok(crate::services::select_services(entities, &selection))
}

/// The error a binding reports when a JavaScript argument cannot even be read as a document
/// (a symbol, a function, a BigInt out of range...).
pub fn unreadable_argument(detail: impl std::fmt::Display) -> Error {
    Error::input("arguments", format!("could not be read: {detail}"))
}
