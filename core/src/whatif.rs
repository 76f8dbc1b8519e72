//! What-if scoring: tiers and scores for hypothetical metric values.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::options::Options;
use crate::tiers::{Metric, Tier, overall_score, overall_tier};
use crate::value::{Value, join};

/// Values of the four key metrics, each optional.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WhatIfValues {
    pub deployment_frequency: Option<f64>,
    pub lead_time: Option<f64>,
    pub change_failure_rate: Option<f64>,
    pub mttr: Option<f64>,
}

impl WhatIfValues {
    fn get(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::DeploymentFrequency => self.deployment_frequency,
            Metric::LeadTime => self.lead_time,
            Metric::ChangeFailureRate => self.change_failure_rate,
            Metric::Mttr => self.mttr,
            Metric::ReworkRate => None,
        }
    }

    /// Reads `{deploymentFrequency?, leadTime?, changeFailureRate?, mttr?}`: each a
    /// non-negative number, or null/absent.
    pub fn from_value(value: &Value, field: &str) -> Result<WhatIfValues> {
        let entries: &[(String, Value)] = match value {
            Value::Null => &[],
            Value::Object(entries) => entries,
            other => {
                return Err(Error::input(
                    field,
                    format!("must be an object of metric values, not {}", other.type_name()),
                ));
            }
        };
        let mut values = WhatIfValues::default();
        for (key, item) in entries {
            let path = join(field, key);
            let metric = Metric::key_from_name(key).ok_or_else(|| Error::input(&path, "is not a key metric"))?;
            let v = match item {
                Value::Null => continue,
                Value::Number(n) => *n,
                other => return Err(Error::input(&path, format!("must be a number, not {}", other.type_name()))),
            };
            check_metric_value(v, &path)?;
            match metric {
                Metric::DeploymentFrequency => values.deployment_frequency = Some(v),
                Metric::LeadTime => values.lead_time = Some(v),
                Metric::ChangeFailureRate => values.change_failure_rate = Some(v),
                Metric::Mttr => values.mttr = Some(v),
                Metric::ReworkRate => {}
            }
        }
        Ok(values)
    }
}

/// A metric value must be finite and not negative.
pub(crate) fn check_metric_value(v: f64, field: &str) -> Result<()> {
    if !v.is_finite() {
        Err(Error::NonFinite { field: field.to_owned() })
    } else if v < 0.0 {
        Err(Error::input(field, "must not be negative"))
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rating {
    pub tier: Option<Tier>,
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIfRatings {
    pub deployment_frequency: Rating,
    pub lead_time: Rating,
    pub change_failure_rate: Rating,
    pub mttr: Rating,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    pub metrics: WhatIfRatings,
    pub overall_score: Option<i64>,
    pub overall_tier: Option<Tier>,
}

/// Each key metric's tier and score, and the overall score and tier, by the scorecard's rules.
pub fn score_what_if(values: &WhatIfValues, options: &Options) -> WhatIf {
    let rate = |metric: Metric| {
        let (tier, score) = options.tiers.rate(metric, values.get(metric));
        Rating { tier, score }
    };
    let metrics = WhatIfRatings {
        deployment_frequency: rate(Metric::DeploymentFrequency),
        lead_time: rate(Metric::LeadTime),
        change_failure_rate: rate(Metric::ChangeFailureRate),
        mttr: rate(Metric::Mttr),
    };
    let overall = overall_score([
        metrics.deployment_frequency.score,
        metrics.lead_time.score,
        metrics.change_failure_rate.score,
        metrics.mttr.score,
    ]);
    WhatIf { metrics, overall_score: overall, overall_tier: overall.map(overall_tier) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elite_everywhere_scores_one_hundred_at_best() {
        let v = WhatIfValues {
            deployment_frequency: Some(14.0),
            lead_time: Some(0.0),
            change_failure_rate: Some(0.0),
            mttr: Some(0.0),
        };
        let w = score_what_if(&v, &Options::default());
        assert_eq!(w.overall_score, Some(100));
        assert_eq!(w.overall_tier, Some(Tier::Elite));
        let none = score_what_if(&WhatIfValues::default(), &Options::default());
        assert_eq!((none.overall_score, none.overall_tier, none.metrics.mttr.tier), (None, None, None));
    }

    #[test]
    fn values_are_checked() {
        let parse = |json: &str| WhatIfValues::from_value(&serde_json::from_str(json).unwrap(), "values");
        assert_eq!(parse(r#"{"mttr": null, "leadTime": 3}"#).unwrap().lead_time, Some(3.0));
        for json in [r#"{"mttr": -1}"#, r#"{"reworkRate": 1}"#, r#"{"mttr": "1"}"#, r#"[1]"#] {
            assert_eq!(parse(json).unwrap_err().code(), "INVALID_INPUT", "{json}");
        }
    }
}
