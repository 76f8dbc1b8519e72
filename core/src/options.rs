//! The options every core function accepts, with their defaults and validation.

use serde::Serialize;

use crate::environment::EnvironmentMatcher;
use crate::error::{Error, Result};
use crate::targets::Targets;
use crate::tiers::TierSet;
use crate::value::{Value, join};

/// How lead times and restore times of a period are summarized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Statistic {
    /// DORA reports medians.
    #[default]
    Median,
    Mean,
}

/// Validated options (CORE_API.md `Options`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    pub production: EnvironmentMatcher,
    pub statistic: Statistic,
    pub tiers: TierSet,
    pub targets: Targets,
}

const KEYS: [&str; 4] = ["productionEnvironments", "statistic", "tiers", "targets"];

impl Options {
    /// Reads and validates every option given, whether or not the caller uses it. `null`
    /// (or `undefined`) as a whole or for any key means "absent".
    pub fn from_value(value: &Value, field: &str) -> Result<Options> {
        let entries = match value {
            Value::Null => return Ok(Options::default()),
            Value::Object(entries) => entries,
            other => return Err(Error::options(field, format!("must be an object, not {}", other.type_name()))),
        };
        if let Some((key, _)) = entries.iter().find(|(k, _)| !KEYS.contains(&k.as_str())) {
            return Err(Error::options(join(field, key), "is not an option"));
        }
        let mut options = Options::default();
        if let Some(list) = value.get("productionEnvironments") {
            options.production = production_environments(list, &join(field, "productionEnvironments"))?;
        }
        if let Some(statistic) = value.get("statistic") {
            options.statistic = match statistic {
                Value::String(s) if s == "median" => Statistic::Median,
                Value::String(s) if s == "mean" => Statistic::Mean,
                _ => return Err(Error::options(join(field, "statistic"), "must be \"median\" or \"mean\"")),
            };
        }
        if let Some(tiers) = value.get("tiers") {
            options.tiers = TierSet::from_value(tiers, &join(field, "tiers"))?;
        }
        if let Some(targets) = value.get("targets") {
            options.targets = Targets::default().merged_with(targets, &join(field, "targets"))?;
        }
        Ok(options)
    }
}

/// Reads a list of production environment names; each must be a non-blank string. An empty
/// list is valid and makes nothing production.
pub fn production_environments(list: &Value, field: &str) -> Result<EnvironmentMatcher> {
    let Value::Array(items) = list else {
        return Err(Error::options(field, format!("must be an array of names, not {}", list.type_name())));
    };
    let mut names = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(s) if !s.trim().is_empty() => names.push(s.as_str()),
            _ => return Err(Error::options(format!("{field}[{i}]"), "must be a non-blank environment name")),
        }
    }
    Ok(EnvironmentMatcher::new(names))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Options> {
        Options::from_value(&serde_json::from_str(json).unwrap(), "options")
    }

    #[test]
    fn absent_and_null_options_are_defaults() {
        assert_eq!(parse("null").unwrap(), Options::default());
        assert_eq!(parse("{}").unwrap(), Options::default());
        assert_eq!(
            parse(r#"{"statistic": null, "tiers": null, "targets": null, "productionEnvironments": null}"#).unwrap(),
            Options::default()
        );
        let o = parse(r#"{"statistic": "mean", "tiers": "dora-2021", "productionEnvironments": []}"#).unwrap();
        assert_eq!(o.statistic, Statistic::Mean);
        assert_eq!(o.tiers, TierSet::DORA_2021);
        assert!(!o.production.matches("prod"));
    }

    #[test]
    fn bad_options_are_named() {
        for (json, code, field) in [
            (r#"{"colour": 1}"#, "INVALID_OPTIONS", "options.colour"),
            (r#"7"#, "INVALID_OPTIONS", "options"),
            (r#"{"statistic": "average"}"#, "INVALID_OPTIONS", "options.statistic"),
            (r#"{"statistic": "Median"}"#, "INVALID_OPTIONS", "options.statistic"),
            (r#"{"productionEnvironments": "prod"}"#, "INVALID_OPTIONS", "options.productionEnvironments"),
            (r#"{"productionEnvironments": ["prod", " "]}"#, "INVALID_OPTIONS", "options.productionEnvironments[1]"),
            (r#"{"productionEnvironments": [""]}"#, "INVALID_OPTIONS", "options.productionEnvironments[0]"),
            (r#"{"tiers": 7}"#, "INVALID_OPTIONS", "options.tiers"),
            (r#"{"tiers": "DORA-2023"}"#, "INVALID_TIERS", "options.tiers"),
            (r#"{"targets": "x"}"#, "INVALID_OPTIONS", "options.targets"),
            (r#"{"targets": {"foo": 1}}"#, "INVALID_TARGETS", "options.targets.foo"),
        ] {
            let err = parse(json).unwrap_err();
            assert_eq!((err.code(), err.field()), (code, field), "{json}");
        }
    }
}
