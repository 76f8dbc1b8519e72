//! The daily rollup (table `dora_daily_metrics`): a pure function of the events.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::columns::{CheckedColumns, ColumnSource, ReadColumns};
use crate::error::Result;
use crate::events::Events;
use crate::options::Options;
use crate::records::Records;
use crate::stats::div_round_half_away;
use crate::time::{Day, day_of, format_day};
use crate::timeline::Timeline;

/// One service's numbers for one UTC date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyRow {
    pub date: String,
    pub deployment_count: u32,
    pub deployment_failure_count: u32,
    pub rework_count: u32,
    /// Mean lead time of the changes whose lead time ended this date, in whole seconds.
    pub lead_time_avg_seconds: Option<i64>,
    pub lead_time_count: u32,
    /// Mean restore time of the incidents closed this date, in whole seconds.
    pub mttr_avg_seconds: Option<i64>,
    pub mttr_count: u32,
}

#[derive(Debug, Default, Clone)]
struct DayTotals {
    deployments: u32,
    failures: u32,
    rework: u32,
    lead_ms: i128,
    lead_count: u32,
    restore_ms: i128,
    restore_count: u32,
}

/// One row per date with at least one non-zero count, sorted by date. Uses every event given
/// (the rollup has no "today").
pub fn aggregate_daily(events: &Events, options: &Options) -> Vec<DailyRow> {
    aggregate_records(&Records::from_events(events, &options.production))
}

/// [`aggregate_daily`] over events given as columns, which are checked first.
pub fn aggregate_daily_columns(columns: &impl ColumnSource, options: &Options) -> Result<Vec<DailyRow>> {
    let read = ReadColumns::read(columns, "events", || Ok(()))?;
    Ok(aggregate_checked(&read.check("events")?, options))
}

pub(crate) fn aggregate_checked(columns: &CheckedColumns, options: &Options) -> Vec<DailyRow> {
    aggregate_records(&Records::from_columns(columns, &options.production))
}

fn aggregate_records(records: &Records) -> Vec<DailyRow> {
    let timeline = Timeline::build(records, None, None);
    let deployed = timeline.deployments.iter().map(|d| d.created_at);
    let ended = timeline.lead_times.iter().chain(&timeline.restore_times).map(|s| s.ended_at);
    let (first, last) = deployed.chain(ended).fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let events = timeline.deployments.len() + timeline.lead_times.len() + timeline.restore_times.len();
    let mut days = DayTable::new(day_of(first), day_of(last), events);
    for d in &timeline.deployments {
        let totals = days.at(day_of(d.created_at));
        totals.deployments += 1;
        totals.failures += u32::from(d.failed);
        totals.rework += u32::from(d.rework);
    }
    for s in &timeline.lead_times {
        let totals = days.at(day_of(s.ended_at));
        totals.lead_ms += i128::from(s.duration_ms);
        totals.lead_count += 1;
    }
    for s in &timeline.restore_times {
        let totals = days.at(day_of(s.ended_at));
        totals.restore_ms += i128::from(s.duration_ms);
        totals.restore_count += 1;
    }
    let mean_seconds = |ms: i128, count: u32| (count > 0).then(|| div_round_half_away(ms, i128::from(count) * 1000));
    days.into_sorted()
        .map(|(day, t)| DailyRow {
            date: format_day(day),
            deployment_count: t.deployments,
            deployment_failure_count: t.failures,
            rework_count: t.rework,
            lead_time_avg_seconds: mean_seconds(t.lead_ms, t.lead_count),
            lead_time_count: t.lead_count,
            mttr_avg_seconds: mean_seconds(t.restore_ms, t.restore_count),
            mttr_count: t.restore_count,
        })
        .collect()
}

/// The totals of each date that has events. Dates are usually a few hundred consecutive ones:
/// then a slot per date, found by subtraction; when they spread far apart (a stray instant
/// years away), a map.
enum DayTable {
    Dense { first: Day, totals: Vec<DayTotals> },
    Sparse(BTreeMap<Day, DayTotals>),
}

impl DayTable {
    /// A table for `events` events on dates from `first` to `last` (none if `first > last`).
    fn new(first: Day, last: Day, events: usize) -> DayTable {
        match usize::try_from(last.saturating_sub(first)) {
            // No more slots than twice the events, plus a year's.
            Ok(span) if span <= 2 * events + 366 => {
                DayTable::Dense { first, totals: vec![DayTotals::default(); span + 1] }
            }
            _ => DayTable::Sparse(BTreeMap::new()),
        }
    }

    /// The totals of `day`, one of the dates the table was made for.
    fn at(&mut self, day: Day) -> &mut DayTotals {
        match self {
            DayTable::Dense { first, totals } => &mut totals[(day - *first) as usize],
            DayTable::Sparse(map) => map.entry(day).or_default(),
        }
    }

    /// Dates with at least one event, ascending.
    fn into_sorted(self) -> Box<dyn Iterator<Item = (Day, DayTotals)>> {
        match self {
            DayTable::Dense { first, totals } => Box::new(
                (first..).zip(totals).filter(|(_, t)| t.deployments > 0 || t.lead_count > 0 || t.restore_count > 0),
            ),
            DayTable::Sparse(map) => Box::new(map.into_iter()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Change, Deployment, Incident};
    use crate::time::DAY_MS;

    #[test]
    fn one_row_per_active_date() {
        let d0 = 20_000 * DAY_MS;
        let events = Events {
            deployments: vec![
                Deployment {
                    id: "D1".into(),
                    environment: "prod".into(),
                    state: "SUCCESS".into(),
                    created_at: d0 + 1000,
                },
                Deployment {
                    id: "D2".into(),
                    environment: "prod".into(),
                    state: "PENDING".into(),
                    created_at: d0 + 5 * DAY_MS,
                },
            ],
            changes: vec![
                Change { id: "C1".into(), created_at: d0 - 500, first_commit_at: None, merged_at: d0 },
                Change { id: "C2".into(), created_at: d0 - 2500, first_commit_at: None, merged_at: d0 },
            ],
            incidents: vec![Incident {
                id: "I".into(),
                created_at: d0 + 2000,
                closed_at: Some(d0 + 2 * DAY_MS),
                state_reason: None,
            }],
        };
        let rows = aggregate_daily(&events, &Options::default());
        assert_eq!(rows.len(), 2);
        let r = &rows[0];
        assert_eq!(r.date, format_day(20_000));
        assert_eq!((r.deployment_count, r.deployment_failure_count, r.rework_count), (1, 1, 0));
        // lead times 1.5 s and 3.5 s: mean 2.5 s rounds to 3.
        assert_eq!((r.lead_time_avg_seconds, r.lead_time_count), (Some(3), 2));
        assert_eq!((rows[1].mttr_avg_seconds, rows[1].mttr_count), (Some(2 * 86_400 - 2), 1));
        assert_eq!(rows[1].deployment_count, 0);
    }

    #[test]
    fn dates_far_apart_are_rows_too() {
        let deployment = |id: &str, day: i64| Deployment {
            id: id.into(),
            environment: "prod".into(),
            state: "FAILURE".into(),
            created_at: day * DAY_MS + 5,
        };
        // Two dates a million days apart, and one between: too far apart for a slot per date.
        let days = [1_000_000, -3, 7];
        let events = Events {
            deployments: days.iter().enumerate().map(|(k, &day)| deployment(&format!("D{k}"), day)).collect(),
            ..Events::default()
        };
        let rows = aggregate_daily(&events, &Options::default());
        let dates: Vec<&str> = rows.iter().map(|r| r.date.as_str()).collect();
        assert_eq!(dates, [format_day(-3), format_day(7), format_day(1_000_000)]);
        assert!(rows.iter().all(|r| (r.deployment_count, r.deployment_failure_count) == (1, 1)));
    }
}
