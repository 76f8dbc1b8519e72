//! Performance tiers and the continuous 0-100 score of each metric.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::value::{Value, join};

/// The DORA performance tiers, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Tier {
    Elite,
    High,
    Medium,
    Low,
}

/// The five reported metrics; the first four are DORA's key metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    DeploymentFrequency,
    LeadTime,
    ChangeFailureRate,
    Mttr,
    ReworkRate,
}

impl Metric {
    pub const KEY: [Metric; 4] =
        [Metric::DeploymentFrequency, Metric::LeadTime, Metric::ChangeFailureRate, Metric::Mttr];

    /// The JavaScript name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::DeploymentFrequency => "deploymentFrequency",
            Metric::LeadTime => "leadTime",
            Metric::ChangeFailureRate => "changeFailureRate",
            Metric::Mttr => "mttr",
            Metric::ReworkRate => "reworkRate",
        }
    }

    /// One of the four key metrics, by its JavaScript name.
    pub fn key_from_name(name: &str) -> Option<Metric> {
        Metric::KEY.into_iter().find(|m| m.name() == name)
    }

    /// Deployment frequency is the only metric where more is better.
    pub fn higher_is_better(self) -> bool {
        matches!(self, Metric::DeploymentFrequency)
    }
}

/// Elite, High and Medium thresholds of one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub elite: f64,
    pub high: f64,
    pub medium: f64,
}

impl Thresholds {
    pub const fn new(elite: f64, high: f64, medium: f64) -> Self {
        Self { elite, high, medium }
    }

    /// The tier of a (non-negative, finite) value.
    pub fn classify(&self, metric: Metric, value: f64) -> Tier {
        let Thresholds { elite, high, medium } = *self;
        let better_or_equal = |threshold: f64| {
            if metric.higher_is_better() { value >= threshold } else { value <= threshold }
        };
        if better_or_equal(elite) {
            Tier::Elite
        } else if better_or_equal(high) {
            Tier::High
        } else if better_or_equal(medium) {
            Tier::Medium
        } else {
            Tier::Low
        }
    }

    /// The continuous score in [0, 100]: 100..75 across Elite, 75..50 High, 50..25 Medium and
    /// 25..0 Low, linear within each band and continuous at every threshold (METRICS.md).
    /// Each band's fraction is computed before it is scaled, so a value exactly at a threshold
    /// scores exactly 75, 50 or 25 (`25 * (v - h) / (m - h)` can land an ulp below 25).
    pub fn score(&self, metric: Metric, v: f64) -> f64 {
        let Thresholds { elite: e, high: h, medium: m } = *self;
        if metric.higher_is_better() {
            if v >= e {
                75.0 + 25.0 * ((v - e) / e).min(1.0)
            } else if v >= h {
                50.0 + 25.0 * ((v - h) / (e - h))
            } else if v >= m {
                25.0 + 25.0 * ((v - m) / (h - m))
            } else {
                25.0 * (v / m)
            }
        } else if v <= e {
            100.0 - 25.0 * (v / e)
        } else if v <= h {
            75.0 - 25.0 * ((v - e) / (h - e))
        } else if v <= m {
            50.0 - 25.0 * ((v - h) / (m - h))
        } else {
            25.0 * (m / v)
        }
    }

    fn validate(&self, metric: Metric, field: &str) -> Result<()> {
        let Thresholds { elite, high, medium } = *self;
        if [elite, high, medium].iter().any(|t| !t.is_finite()) {
            return Err(Error::NonFinite { field: field.to_owned() });
        }
        if [elite, high, medium].iter().any(|t| *t <= 0.0) {
            return Err(Error::tiers(field, format!("thresholds of {} must all be greater than 0", metric.name())));
        }
        let monotone =
            if metric.higher_is_better() { elite > high && high > medium } else { elite < high && high < medium };
        if !monotone {
            let order = if metric.higher_is_better() { "elite > high > medium" } else { "elite < high < medium" };
            return Err(Error::tiers(
                field,
                format!("thresholds of {} must be strictly monotone ({order})", metric.name()),
            ));
        }
        Ok(())
    }
}

/// Thresholds for every metric that has them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TierSet {
    pub deployment_frequency: Thresholds,
    pub lead_time: Thresholds,
    pub change_failure_rate: Thresholds,
    pub mttr: Thresholds,
    /// Rework rate has no published tiers: only custom thresholds give it a tier and score.
    pub rework_rate: Option<Thresholds>,
}

impl Default for TierSet {
    fn default() -> Self {
        TierSet::DORA_2023
    }
}

impl TierSet {
    /// DevLake's and OpenDORA's 2023 benchmarks.
    pub const DORA_2023: TierSet = TierSet {
        deployment_frequency: Thresholds::new(7.0, 1.0, 7.0 / 30.0),
        lead_time: Thresholds::new(24.0, 168.0, 720.0),
        change_failure_rate: Thresholds::new(5.0, 10.0, 15.0),
        mttr: Thresholds::new(60.0, 1440.0, 10080.0),
        rework_rate: None,
    };

    /// DevLake's 2021 benchmark.
    pub const DORA_2021: TierSet = TierSet {
        deployment_frequency: Thresholds::new(7.0, 7.0 / 30.0, 7.0 / 182.0),
        lead_time: Thresholds::new(1.0, 168.0, 4320.0),
        change_failure_rate: Thresholds::new(15.0, 20.0, 30.0),
        mttr: Thresholds::new(60.0, 1440.0, 10080.0),
        rework_rate: None,
    };

    pub fn thresholds(&self, metric: Metric) -> Option<&Thresholds> {
        match metric {
            Metric::DeploymentFrequency => Some(&self.deployment_frequency),
            Metric::LeadTime => Some(&self.lead_time),
            Metric::ChangeFailureRate => Some(&self.change_failure_rate),
            Metric::Mttr => Some(&self.mttr),
            Metric::ReworkRate => self.rework_rate.as_ref(),
        }
    }

    /// Tier and score of a metric's value; both `None` for no value or no thresholds.
    pub fn rate(&self, metric: Metric, value: Option<f64>) -> (Option<Tier>, Option<f64>) {
        match (value, self.thresholds(metric)) {
            (Some(v), Some(t)) => (Some(t.classify(metric, v)), Some(t.score(metric, v))),
            _ => (None, None),
        }
    }

    /// Reads a preset name (`dora-2023`, `dora-2021`) or an object of custom thresholds.
    pub fn from_value(value: &Value, field: &str) -> Result<TierSet> {
        match value {
            Value::String(name) => match name.as_str() {
                "dora-2023" => Ok(TierSet::DORA_2023),
                "dora-2021" => Ok(TierSet::DORA_2021),
                other => {
                    Err(Error::tiers(field, format!("names an unknown preset {other:?} (dora-2023 or dora-2021)")))
                }
            },
            Value::Object(entries) => {
                if let Some((key, _)) =
                    entries.iter().find(|(k, _)| Metric::key_from_name(k).is_none() && k != "reworkRate")
                {
                    return Err(Error::tiers(join(field, key), "is not a metric with tiers"));
                }
                let triple = |metric: Metric| -> Result<Option<Thresholds>> {
                    let path = join(field, metric.name());
                    match value.get(metric.name()) {
                        None => Ok(None),
                        Some(Value::Array(items)) if items.len() == 3 => {
                            let mut t = [0.0; 3];
                            for (slot, item) in t.iter_mut().zip(items) {
                                let Value::Number(n) = item else {
                                    return Err(Error::tiers(&path, "must be three numbers [elite, high, medium]"));
                                };
                                *slot = *n;
                            }
                            let thresholds = Thresholds::new(t[0], t[1], t[2]);
                            thresholds.validate(metric, &path)?;
                            Ok(Some(thresholds))
                        }
                        Some(_) => Err(Error::tiers(&path, "must be three numbers [elite, high, medium]")),
                    }
                };
                let required = |metric: Metric| -> Result<Thresholds> {
                    triple(metric)?.ok_or_else(|| Error::tiers(join(field, metric.name()), "is missing"))
                };
                Ok(TierSet {
                    deployment_frequency: required(Metric::DeploymentFrequency)?,
                    lead_time: required(Metric::LeadTime)?,
                    change_failure_rate: required(Metric::ChangeFailureRate)?,
                    mttr: required(Metric::Mttr)?,
                    rework_rate: triple(Metric::ReworkRate)?,
                })
            }
            other => Err(Error::options(
                field,
                format!("must be a preset name or an object of thresholds, not {}", other.type_name()),
            )),
        }
    }
}

/// The overall tier of an (already rounded) overall score.
pub fn overall_tier(score: i64) -> Tier {
    match score {
        75.. => Tier::Elite,
        50.. => Tier::High,
        25.. => Tier::Medium,
        _ => Tier::Low,
    }
}

/// The overall score: the mean of the key metrics' scores present, rounded half away from
/// zero; `None` when none is present.
pub fn overall_score(scores: impl IntoIterator<Item = Option<f64>>) -> Option<i64> {
    let present: Vec<f64> = scores.into_iter().flatten().collect();
    if present.is_empty() {
        return None;
    }
    let mean = present.iter().sum::<f64>() / present.len() as f64;
    Some(mean.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Metric::*;

    #[test]
    fn dora_2023_boundaries_are_inclusive() {
        let t = TierSet::DORA_2023;
        let df = t.deployment_frequency;
        assert_eq!(df.classify(DeploymentFrequency, 7.0), Tier::Elite);
        assert_eq!(df.classify(DeploymentFrequency, 6.999), Tier::High);
        assert_eq!(df.classify(DeploymentFrequency, 1.0), Tier::High);
        assert_eq!(df.classify(DeploymentFrequency, 7.0 / 30.0), Tier::Medium);
        assert_eq!(df.classify(DeploymentFrequency, 0.2), Tier::Low);
        assert_eq!(t.lead_time.classify(LeadTime, 24.0), Tier::Elite);
        assert_eq!(t.lead_time.classify(LeadTime, 168.0), Tier::High);
        assert_eq!(t.lead_time.classify(LeadTime, 720.0), Tier::Medium);
        assert_eq!(t.lead_time.classify(LeadTime, 720.5), Tier::Low);
        assert_eq!(t.change_failure_rate.classify(ChangeFailureRate, 15.0), Tier::Medium);
        assert_eq!(t.mttr.classify(Mttr, 0.0), Tier::Elite);
    }

    #[test]
    fn scores_hit_band_edges_exactly() {
        let t = TierSet::DORA_2023;
        let s = |m: Metric, v: f64| t.thresholds(m).unwrap().score(m, v);
        assert_eq!(s(LeadTime, 0.0), 100.0);
        assert_eq!(s(LeadTime, 24.0), 75.0);
        assert_eq!(s(LeadTime, 168.0), 50.0);
        assert_eq!(s(LeadTime, 720.0), 25.0);
        assert_eq!(s(LeadTime, 1440.0), 12.5);
        assert_eq!(s(DeploymentFrequency, 0.0), 0.0);
        assert_eq!(s(DeploymentFrequency, 7.0 / 30.0), 25.0);
        assert_eq!(s(DeploymentFrequency, 1.0), 50.0);
        assert_eq!(s(DeploymentFrequency, 7.0), 75.0);
        assert_eq!(s(DeploymentFrequency, 14.0), 100.0);
        assert_eq!(s(DeploymentFrequency, 1000.0), 100.0);
        assert_eq!(s(ChangeFailureRate, 7.5), 62.5);
    }

    #[test]
    fn overall_score_rounds_half_away_from_zero() {
        assert_eq!(overall_score([Some(50.0), Some(51.0), None]), Some(51));
        assert_eq!(overall_score([Some(74.5)]), Some(75));
        assert_eq!(overall_score([None, None]), None);
        assert_eq!(overall_tier(75), Tier::Elite);
        assert_eq!(overall_tier(74), Tier::High);
        assert_eq!(overall_tier(50), Tier::High);
        assert_eq!(overall_tier(25), Tier::Medium);
        assert_eq!(overall_tier(24), Tier::Low);
    }

    #[test]
    fn custom_thresholds_are_validated() {
        let parse = |json: &str| TierSet::from_value(&serde_json::from_str(json).unwrap(), "options.tiers");
        let good = r#"{"deploymentFrequency":[7,1,0.2],"leadTime":[1,2,3],"changeFailureRate":[1,2,3],"mttr":[1,2,3],"reworkRate":[1,2,3]}"#;
        assert!(parse(good).unwrap().rework_rate.is_some());
        let cases = [
            (r#""dora-2024""#, "INVALID_TIERS", "options.tiers"),
            (r#"7"#, "INVALID_OPTIONS", "options.tiers"),
            (
                r#"{"deploymentFrequency":[7,1,0.2],"leadTime":[1,2,3],"changeFailureRate":[1,2,3]}"#,
                "INVALID_TIERS",
                "options.tiers.mttr",
            ),
            (
                r#"{"deploymentFrequency":[1,7,0.2],"leadTime":[1,2,3],"changeFailureRate":[1,2,3],"mttr":[1,2,3]}"#,
                "INVALID_TIERS",
                "options.tiers.deploymentFrequency",
            ),
            (
                r#"{"deploymentFrequency":[7,1,0.2],"leadTime":[1,2,2],"changeFailureRate":[1,2,3],"mttr":[1,2,3]}"#,
                "INVALID_TIERS",
                "options.tiers.leadTime",
            ),
            (
                r#"{"deploymentFrequency":[7,1,0.2],"leadTime":[0,2,3],"changeFailureRate":[1,2,3],"mttr":[1,2,3]}"#,
                "INVALID_TIERS",
                "options.tiers.leadTime",
            ),
            (
                r#"{"deploymentFrequency":[7,1,0.2],"leadTime":[1,2],"changeFailureRate":[1,2,3],"mttr":[1,2,3]}"#,
                "INVALID_TIERS",
                "options.tiers.leadTime",
            ),
            (
                r#"{"deploymentFrequency":[7,1,0.2],"leadTime":[1,2,3],"changeFailureRate":[1,2,3],"mttr":[1,2,3],"x":[1,2,3]}"#,
                "INVALID_TIERS",
                "options.tiers.x",
            ),
        ];
        for (json, code, field) in cases {
            let err = parse(json).unwrap_err();
            assert_eq!((err.code(), err.field()), (code, field), "{json}");
        }
    }
}
