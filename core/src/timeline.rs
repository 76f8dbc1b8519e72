//! The per-event rules of METRICS.md: which deployments completed and failed, which were
//! rework, each change's lead time and each incident's restore time. The daily rollup and the
//! scorecard both start from a [`Timeline`].

use crate::events::Outcome;
use crate::records::Records;

/// A completed production deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CompletedDeployment {
    pub created_at: i64,
    /// Its state is a failure, or it was live when an incident was opened.
    pub failed: bool,
    /// A success created while an incident was open.
    pub rework: bool,
}

/// A duration (milliseconds, never negative) and the instant it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sample {
    pub ended_at: i64,
    pub duration_ms: i64,
}

#[derive(Debug, Default)]
pub(crate) struct Timeline {
    /// Some production deployment exists, in any state. Without one, deployment frequency is
    /// null and lead times end at merge.
    pub has_production_deployment: bool,
    pub deployments: Vec<CompletedDeployment>,
    pub lead_times: Vec<Sample>,
    pub restore_times: Vec<Sample>,
}

impl Timeline {
    /// Applies the rules to the events as of `as_of` (inclusive; `None` for all of them): a
    /// deployment or incident created later, or a change merged later, is left out, and an
    /// incident closed later counts as open.
    pub fn build(records: &Records, as_of: Option<i64>) -> Timeline {
        let cut = as_of.unwrap_or(i64::MAX);

        let mut has_production_deployment = false;
        // (created_at, id, outcome); successes and failures only.
        let mut completed: Vec<(i64, &[u8], Outcome)> = Vec::new();
        for d in records.deployments.iter().filter(|d| d.created_at <= cut) {
            has_production_deployment = true;
            if d.outcome != Outcome::NotCompleted {
                completed.push((d.created_at, d.id, d.outcome));
            }
        }
        // Ascending (created_at, id): the live deployment at t is the last success with
        // created_at <= t, ties going to the greater id as byte strings.
        completed.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let success_index: Vec<usize> = (0..completed.len()).filter(|&i| completed[i].2 == Outcome::Success).collect();
        let success_times: Vec<i64> = success_index.iter().map(|&i| completed[i].0).collect();

        // Incidents as of the cut: (created_at, closed_at if closed by then).
        let incidents: Vec<(i64, Option<i64>)> = records
            .incidents
            .iter()
            .filter(|i| i.created_at <= cut)
            .map(|i| (i.created_at, i.closed_at.filter(|&c| c <= cut)))
            .collect();

        let mut failed: Vec<bool> = completed.iter().map(|c| c.2 == Outcome::Failure).collect();
        for &(opened_at, _) in &incidents {
            let live = success_times.partition_point(|&t| t <= opened_at);
            if live > 0 {
                failed[success_index[live - 1]] = true;
            }
        }

        // An incident is open over [created_at, closed_at); a bad closed_at before created_at
        // leaves it open for no time at all.
        let mut opened: Vec<i64> = incidents.iter().map(|i| i.0).collect();
        let mut closed: Vec<i64> = incidents.iter().map(|&(o, c)| c.map_or(i64::MAX, |c| c.max(o))).collect();
        opened.sort_unstable();
        closed.sort_unstable();
        let open_at = |t: i64| opened.partition_point(|&o| o <= t) > closed.partition_point(|&c| c <= t);

        let deployments = completed
            .iter()
            .zip(&failed)
            .map(|(&(created_at, _, outcome), &failed)| CompletedDeployment {
                created_at,
                failed,
                rework: outcome == Outcome::Success && open_at(created_at),
            })
            .collect();

        let lead_times = records
            .changes
            .iter()
            .filter(|c| c.merged_at <= cut)
            .filter_map(|c| {
                let ended_at = if has_production_deployment {
                    let first = success_times.partition_point(|&t| t < c.merged_at);
                    *success_times.get(first)?
                } else {
                    c.merged_at
                };
                Some(Sample { ended_at, duration_ms: (ended_at - c.started_at).max(0) })
            })
            .collect();

        let restore_times = incidents
            .iter()
            .filter_map(|&(opened_at, closed_at)| {
                let closed_at = closed_at?;
                Some(Sample { ended_at: closed_at, duration_ms: (closed_at - opened_at).max(0) })
            })
            .collect();

        Timeline { has_production_deployment, deployments, lead_times, restore_times }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::EnvironmentMatcher;
    use crate::events::{Change, Deployment, Events, Incident};

    fn build(events: &Events, as_of: Option<i64>) -> Timeline {
        Timeline::build(&Records::from_events(events, &EnvironmentMatcher::default()), as_of)
    }

    fn dep(id: &str, env: &str, state: &str, at: i64) -> Deployment {
        Deployment { id: id.into(), environment: env.into(), state: state.into(), created_at: at }
    }
    fn inc(id: &str, at: i64, closed: Option<i64>) -> Incident {
        Incident { id: id.into(), created_at: at, closed_at: closed, state_reason: None }
    }

    #[test]
    fn incidents_blame_the_live_deployment_with_id_tiebreak() {
        let events = Events {
            deployments: vec![
                dep("B", "prod", "SUCCESS", 10),
                dep("A", "prod", "SUCCESS", 10),
                dep("C", "prod", "SUCCESS", 20),
            ],
            changes: vec![],
            incidents: vec![inc("I1", 15, Some(16)), inc("I0", 5, None)],
        };
        let t = build(&events, None);
        // sorted: A@10, B@10, C@20. I1 at 15 blames B (greater id); I0 at 5 blames nothing.
        let flags: Vec<(bool, bool)> = t.deployments.iter().map(|d| (d.failed, d.rework)).collect();
        // I0 is open from 5 on: every success after it is rework.
        assert_eq!(flags, vec![(false, true), (true, true), (false, true)]);
    }

    #[test]
    fn lead_time_waits_for_the_first_success_at_or_after_merge() {
        let change = |id: &str, merged: i64| Change {
            id: id.into(),
            created_at: 0,
            first_commit_at: Some(1),
            merged_at: merged,
        };
        let events = Events {
            deployments: vec![
                dep("F", "prod", "FAILURE", 50),
                dep("S", "prod", "SUCCESS", 100),
                dep("Q", "staging", "SUCCESS", 60),
            ],
            changes: vec![change("C1", 40), change("C2", 100), change("C3", 101)],
            incidents: vec![],
        };
        let t = build(&events, None);
        assert_eq!(
            t.lead_times,
            vec![Sample { ended_at: 100, duration_ms: 99 }, Sample { ended_at: 100, duration_ms: 99 }]
        );
        // Without production deployments at all, lead time ends at merge.
        let fallback = Events { deployments: vec![dep("Q", "staging", "SUCCESS", 60)], ..events };
        let t = build(&fallback, None);
        assert!(!t.has_production_deployment);
        assert_eq!(t.lead_times.iter().map(|s| s.ended_at).collect::<Vec<_>>(), vec![40, 100, 101]);
    }

    #[test]
    fn the_as_of_cut_hides_later_events_and_reopens_later_closes() {
        let events = Events {
            deployments: vec![dep("D1", "prod", "SUCCESS", 10), dep("D2", "prod", "SUCCESS", 30)],
            changes: vec![],
            incidents: vec![inc("I", 5, Some(25))],
        };
        let t = build(&events, Some(20));
        assert_eq!(t.deployments.len(), 1);
        assert!(t.restore_times.is_empty());
        assert!(t.deployments[0].rework);
    }
}
