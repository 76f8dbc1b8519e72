//! Targets: the value each key metric should reach, and whether it does.

use crate::error::{Error, Result};
use crate::tiers::Metric;
use crate::value::{Value, join};

/// Targets of the four key metrics (per week, hours, percent, minutes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targets {
    pub deployment_frequency: f64,
    pub lead_time: f64,
    pub change_failure_rate: f64,
    pub mttr: f64,
}

impl Default for Targets {
    /// The defaults of `doraMetrics.targets`.
    fn default() -> Self {
        Targets { deployment_frequency: 7.0, lead_time: 24.0, change_failure_rate: 5.0, mttr: 60.0 }
    }
}

impl Targets {
    pub fn get(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::DeploymentFrequency => Some(self.deployment_frequency),
            Metric::LeadTime => Some(self.lead_time),
            Metric::ChangeFailureRate => Some(self.change_failure_rate),
            Metric::Mttr => Some(self.mttr),
            Metric::ReworkRate => None,
        }
    }

    fn slot(&mut self, metric: Metric) -> Option<&mut f64> {
        match metric {
            Metric::DeploymentFrequency => Some(&mut self.deployment_frequency),
            Metric::LeadTime => Some(&mut self.lead_time),
            Metric::ChangeFailureRate => Some(&mut self.change_failure_rate),
            Metric::Mttr => Some(&mut self.mttr),
            Metric::ReworkRate => None,
        }
    }

    /// Whether a current value meets its target: at least the target for deployment
    /// frequency, at most for the others. `None` without a value or a target.
    pub fn meets(&self, metric: Metric, current: Option<f64>) -> Option<bool> {
        let target = self.get(metric)?;
        let v = current?;
        Some(if metric.higher_is_better() { v >= target } else { v <= target })
    }

    /// Checks one target value: finite; deployment frequency, lead time and MTTR > 0;
    /// change failure rate from 0 to 100.
    pub fn check(metric: Metric, value: f64, field: &str) -> Result<()> {
        if !value.is_finite() {
            return Err(Error::NonFinite { field: field.to_owned() });
        }
        let ok = match metric {
            Metric::ChangeFailureRate => (0.0..=100.0).contains(&value),
            _ => value > 0.0,
        };
        if ok {
            Ok(())
        } else if metric == Metric::ChangeFailureRate {
            Err(Error::targets(field, "must be from 0 to 100"))
        } else {
            Err(Error::targets(field, "must be greater than 0"))
        }
    }

    /// These targets overridden, field by field, by a partial object of targets.
    pub fn merged_with(mut self, partial: &Value, field: &str) -> Result<Targets> {
        let Value::Object(entries) = partial else {
            return Err(Error::options(field, format!("must be an object of targets, not {}", partial.type_name())));
        };
        for (key, value) in entries {
            let path = join(field, key);
            let metric =
                Metric::key_from_name(key).ok_or_else(|| Error::targets(&path, "is not a metric with a target"))?;
            match value {
                Value::Null => {}
                Value::Number(n) => {
                    Targets::check(metric, *n, &path)?;
                    if let Some(slot) = self.slot(metric) {
                        *slot = *n;
                    }
                }
                other => return Err(Error::targets(&path, format!("must be a number, not {}", other.type_name()))),
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meets_target_in_the_metric_direction() {
        let t = Targets::default();
        assert_eq!(t.meets(Metric::DeploymentFrequency, Some(7.0)), Some(true));
        assert_eq!(t.meets(Metric::DeploymentFrequency, Some(6.9)), Some(false));
        assert_eq!(t.meets(Metric::LeadTime, Some(24.0)), Some(true));
        assert_eq!(t.meets(Metric::Mttr, Some(61.0)), Some(false));
        assert_eq!(t.meets(Metric::Mttr, None), None);
        assert_eq!(t.meets(Metric::ReworkRate, Some(1.0)), None);
    }

    #[test]
    fn partial_targets_override_and_are_checked() {
        let parse =
            |json: &str| Targets::default().merged_with(&serde_json::from_str(json).unwrap(), "options.targets");
        let t = parse(r#"{"leadTime": 48, "mttr": null, "changeFailureRate": 0}"#).unwrap();
        assert_eq!((t.lead_time, t.mttr, t.change_failure_rate, t.deployment_frequency), (48.0, 60.0, 0.0, 7.0));
        for (json, code) in [
            (r#"{"leadTime": 0}"#, "INVALID_TARGETS"),
            (r#"{"changeFailureRate": 100.5}"#, "INVALID_TARGETS"),
            (r#"{"changeFailureRate": -1}"#, "INVALID_TARGETS"),
            (r#"{"reworkRate": 5}"#, "INVALID_TARGETS"),
            (r#"{"mttr": "60"}"#, "INVALID_TARGETS"),
            (r#"[1]"#, "INVALID_OPTIONS"),
        ] {
            assert_eq!(parse(json).unwrap_err().code(), code, "{json}");
        }
    }
}
