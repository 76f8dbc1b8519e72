//! The scorecard of a period, computed from raw events as of the end of `today`.

use serde::Serialize;

use crate::columns::{CheckedColumns, ColumnSource, ReadColumns};
use crate::error::{Error, Result};
use crate::events::Events;
use crate::options::{Options, Statistic};
use crate::records::Records;
use crate::stats::summarize;
use crate::tiers::{Metric, Tier, overall_score, overall_tier};
use crate::time::{Day, HOUR_MS, MINUTE_MS, day_of, end_of_day, format_day, parse_day, start_of_day};
use crate::timeline::Timeline;
use crate::value::{Value, join};

/// The N UTC dates ending with `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub today: Day,
    pub days: u32,
}

pub const MAX_DAYS: u32 = 365;

impl Period {
    pub fn new(today: Day, days: u32) -> Result<Period> {
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(Error::InvalidDays {
                field: "period.days".into(),
                reason: format!("must be an integer from 1 to {MAX_DAYS}"),
            });
        }
        Ok(Period { today, days })
    }

    /// Reads `{today: 'YYYY-MM-DD', days}`.
    pub fn from_value(value: &Value, field: &str) -> Result<Period> {
        let invalid_date = |reason: &str| Error::InvalidDate { field: join(field, "today"), reason: reason.to_owned() };
        let entries: &[(String, Value)] = match value {
            // A missing period is a missing `today`.
            Value::Null => &[],
            Value::Object(entries) => entries,
            other => {
                return Err(Error::input(
                    field,
                    format!("must be an object {{today, days}}, not {}", other.type_name()),
                ));
            }
        };
        if let Some((key, _)) = entries.iter().find(|(k, _)| k != "today" && k != "days") {
            return Err(Error::input(join(field, key), "is not a field of a period (today, days)"));
        }
        let today = match value.get("today") {
            Some(Value::String(s)) => parse_day(s).ok_or_else(|| invalid_date("must be a valid date YYYY-MM-DD"))?,
            Some(_) => return Err(invalid_date("must be a date string YYYY-MM-DD")),
            None => return Err(invalid_date("is missing")),
        };
        let invalid_days = |reason: &str| Error::InvalidDays { field: join(field, "days"), reason: reason.to_owned() };
        let days = match value.get("days") {
            Some(Value::Number(n)) if n.fract() == 0.0 && (1.0..=f64::from(MAX_DAYS)).contains(n) => *n as u32,
            Some(_) => return Err(invalid_days("must be an integer from 1 to 365")),
            None => return Err(invalid_days("is missing")),
        };
        // Keep the previous period's first date representable.
        let first = today - 2 * i64::from(days);
        if format_day(first).is_empty() || format_day(today).is_empty() {
            return Err(invalid_date("is out of the range of dates"));
        }
        Period::new(today, days)
    }

    fn first_day(&self) -> Day {
        self.today - i64::from(self.days) + 1
    }
}

/// One metric of a scorecard, at full precision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricReport {
    pub current: Option<f64>,
    pub previous: Option<f64>,
    /// Percent change from previous to current; null when either is null or previous is 0.
    pub change: Option<f64>,
    pub target: Option<f64>,
    pub meets_target: Option<bool>,
    pub tier: Option<Tier>,
    pub score: Option<f64>,
    /// The current period's sample count.
    pub samples: u32,
    /// One value per date of the current period, oldest first.
    pub history: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub deployment_frequency: MetricReport,
    pub lead_time: MetricReport,
    pub change_failure_rate: MetricReport,
    pub mttr: MetricReport,
    pub rework_rate: MetricReport,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scorecard {
    pub from: String,
    pub to: String,
    pub days: u32,
    pub statistic: Statistic,
    pub metrics: Metrics,
    pub overall_score: Option<i64>,
    pub overall_tier: Option<Tier>,
}

/// What one date contributes.
#[derive(Debug, Default, Clone)]
struct DayBucket {
    deployments: u32,
    failures: u32,
    rework: u32,
    lead_ms: Vec<i64>,
    restore_ms: Vec<i64>,
}

/// The events of a run of dates, merged.
#[derive(Debug, Default)]
struct Span {
    deployments: u32,
    failures: u32,
    rework: u32,
    lead_ms: Vec<i64>,
    restore_ms: Vec<i64>,
}

impl Span {
    fn of(buckets: &[DayBucket]) -> Span {
        let mut span = Span::default();
        for b in buckets {
            span.deployments += b.deployments;
            span.failures += b.failures;
            span.rework += b.rework;
            span.lead_ms.extend_from_slice(&b.lead_ms);
            span.restore_ms.extend_from_slice(&b.restore_ms);
        }
        span
    }

    /// The metric over this span of `days` dates; `deploys` says whether the service deploys
    /// through GitHub deployments at all; `per` is the frequency's unit in days (7 per week).
    fn value(&mut self, metric: Metric, days: u32, deploys: bool, per: f64, statistic: Statistic) -> Option<f64> {
        let percent_of_deployments =
            |n: u32| (self.deployments > 0).then(|| f64::from(n) * 100.0 / f64::from(self.deployments));
        match metric {
            // Multiply before dividing: one deployment in 30 days is exactly 7/30 per week.
            Metric::DeploymentFrequency => deploys.then(|| f64::from(self.deployments) * per / f64::from(days)),
            Metric::ChangeFailureRate => percent_of_deployments(self.failures),
            Metric::ReworkRate => percent_of_deployments(self.rework),
            Metric::LeadTime => summarize(&mut self.lead_ms, statistic, HOUR_MS),
            Metric::Mttr => summarize(&mut self.restore_ms, statistic, MINUTE_MS),
        }
    }

    fn samples(&self, metric: Metric) -> u32 {
        match metric {
            Metric::DeploymentFrequency | Metric::ChangeFailureRate | Metric::ReworkRate => self.deployments,
            Metric::LeadTime => self.lead_ms.len() as u32,
            Metric::Mttr => self.restore_ms.len() as u32,
        }
    }
}

/// The scorecard of `period` (METRICS.md "Scorecard for a period").
pub fn compute_scorecard(events: &Events, period: Period, options: &Options) -> Scorecard {
    scorecard_of(&Records::from_events(events, &options.production), period, options)
}

/// [`compute_scorecard`] over events given as columns, which are checked first.
pub fn compute_scorecard_columns(columns: &impl ColumnSource, period: Period, options: &Options) -> Result<Scorecard> {
    let read = ReadColumns::read(columns, "events", || Ok(()))?;
    Ok(scorecard_checked(&read.check("events")?, period, options))
}

pub(crate) fn scorecard_checked(columns: &CheckedColumns, period: Period, options: &Options) -> Scorecard {
    scorecard_of(&Records::from_columns(columns, &options.production), period, options)
}

fn scorecard_of(records: &Records, period: Period, options: &Options) -> Scorecard {
    let n = period.days as usize;
    let first_previous = period.first_day() - i64::from(period.days);
    let timeline = Timeline::build(records, Some(start_of_day(first_previous)), Some(end_of_day(period.today)));
    // buckets[0..n] is the previous period, buckets[n..2n] the current one.
    let mut buckets = vec![DayBucket::default(); 2 * n];
    let index = |instant: i64| usize::try_from(day_of(instant) - first_previous).ok().filter(|&i| i < 2 * n);
    for d in &timeline.deployments {
        if let Some(b) = index(d.created_at).map(|i| &mut buckets[i]) {
            b.deployments += 1;
            b.failures += u32::from(d.failed);
            b.rework += u32::from(d.rework);
        }
    }
    for s in &timeline.lead_times {
        if let Some(b) = index(s.ended_at).map(|i| &mut buckets[i]) {
            b.lead_ms.push(s.duration_ms);
        }
    }
    for s in &timeline.restore_times {
        if let Some(b) = index(s.ended_at).map(|i| &mut buckets[i]) {
            b.restore_ms.push(s.duration_ms);
        }
    }

    let deploys = timeline.has_production_deployment;
    let statistic = options.statistic;
    let report = |metric: Metric| -> MetricReport {
        let mut current_span = Span::of(&buckets[n..]);
        let current = current_span.value(metric, period.days, deploys, 7.0, statistic);
        let previous = Span::of(&buckets[..n]).value(metric, period.days, deploys, 7.0, statistic);
        let change = match (current, previous) {
            (Some(c), Some(p)) if p != 0.0 => Some((c - p) / p * 100.0),
            _ => None,
        };
        let history = buckets[n..]
            .iter()
            // A single date's deployment frequency is per day, not per week.
            .map(|b| Span::of(std::slice::from_ref(b)).value(metric, 1, deploys, 1.0, statistic))
            .collect();
        let (tier, score) = options.tiers.rate(metric, current);
        MetricReport {
            current,
            previous,
            change,
            target: options.targets.get(metric),
            meets_target: options.targets.meets(metric, current),
            tier,
            score,
            samples: current_span.samples(metric),
            history,
        }
    };
    let metrics = Metrics {
        deployment_frequency: report(Metric::DeploymentFrequency),
        lead_time: report(Metric::LeadTime),
        change_failure_rate: report(Metric::ChangeFailureRate),
        mttr: report(Metric::Mttr),
        rework_rate: report(Metric::ReworkRate),
    };
    let overall = overall_score([
        metrics.deployment_frequency.score,
        metrics.lead_time.score,
        metrics.change_failure_rate.score,
        metrics.mttr.score,
    ]);
    Scorecard {
        from: format_day(period.first_day()),
        to: format_day(period.today),
        days: period.days,
        statistic,
        metrics,
        overall_score: overall,
        overall_tier: overall.map(overall_tier),
    }
}
