//! The per-event rules of METRICS.md: which deployments completed and failed, which were
//! rework, each change's lead time and each incident's restore time. The daily rollup and the
//! scorecard both start from a [`Timeline`].

use std::cmp::Ordering;

use crate::events::Outcome;
use crate::instants::{SortedInstants, sort_by_instant};
use crate::records::{Records, collect_sized};

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
    /// incident closed later counts as open. With `from`, deployments created and lead times
    /// ended before it may be left out too (a scorecard looks at a few weeks of a long
    /// history); everything from `from` on is exactly as without it.
    pub fn build(records: &Records, from: Option<i64>, as_of: Option<i64>) -> Timeline {
        let cut = as_of.unwrap_or(i64::MAX);
        let deployments = &records.deployments;

        // Deployments created before `from` are not counted from then on, and the live one an
        // incident blames from then on is one of the later ones, if any. A change merged at or
        // before the last success before `from` was deployed by then. (Incidents below.)
        let earliest = from.unwrap_or(i64::MIN);
        let last_success_before = from.and_then(|from| {
            let before = deployments.iter().filter(|d| d.created_at < from && d.created_at <= cut);
            before.filter(|d| d.outcome == Outcome::Success).map(|d| d.created_at).max()
        });

        let mut has_production_deployment = false;
        // Successes as (created_at, index in the records): 16 bytes to sort, ids read only to
        // break ties. A u32 index is enough: columns cut ids with u32 offsets, and 2^32
        // deployments as objects would not fit in memory. Failures need no order: each is one
        // failed deployment, and never rework.
        let mut unsorted: Vec<(i64, u32)> = Vec::with_capacity(deployments.len());
        let mut failures: Vec<i64> = Vec::new();
        for (k, d) in deployments.iter().enumerate().filter(|(_, d)| d.created_at <= cut) {
            has_production_deployment = true;
            match d.outcome {
                _ if d.created_at < earliest => {}
                Outcome::Success => unsorted.push((d.created_at, k as u32)),
                Outcome::Failure => failures.push(d.created_at),
                Outcome::NotCompleted => {}
            }
        }
        // Ascending (created_at, id): the live deployment at t is the last success with
        // created_at <= t, ties going to the greater id as byte strings.
        let sorted =
            sort_by_instant(unsorted, |s| s.0, |a, b| deployments[a.1 as usize].id.cmp(deployments[b.1 as usize].id));
        let success_times: Vec<i64> = sorted.iter().map(|s| s.0).collect();

        // Incidents as of the cut: (created_at, closed_at if closed by then). One closed before
        // `from` is open at no instant from then on, and the success it blamed came before.
        let incidents: Vec<(i64, Option<i64>)> = collect_sized(
            records.incidents.len(),
            records
                .incidents
                .iter()
                .filter(|i| i.created_at <= cut)
                .map(|i| (i.created_at, i.closed_at.filter(|&c| c <= cut)))
                .filter(|&(opened, closed)| closed.is_none_or(|c| c.max(opened) >= earliest)),
        );

        // An incident is open over [created_at, closed_at); a bad closed_at before created_at
        // leaves it open for no time at all.
        let opened = sort_by_instant(incidents.iter().map(|i| i.0).collect(), |&t| t, |_, _| Ordering::Equal);
        let closed = collect_sized(incidents.len(), incidents.iter().filter_map(|&(o, c)| c.map(|c| c.max(o))));
        let mut closed = sort_by_instant(closed, |&t| t, |_, _| Ordering::Equal);
        // Still open: closed after every instant (kept out of the sort, whose stretches of time
        // they would stretch over the whole range).
        closed.resize(incidents.len(), i64::MAX);

        // Each incident blames the success live when it was opened: the last one created at or
        // before. Both lists are ascending, so one walk finds them all.
        let mut blamed = vec![false; success_times.len()];
        let mut live = 0;
        for &opened_at in &opened {
            live += success_times[live..].iter().take_while(|&&t| t <= opened_at).count();
            if live > 0 {
                blamed[live - 1] = true;
            }
        }

        // A success is rework when more incidents were opened than closed at or before it:
        // one walk over the ascending successes, opening and closing times.
        let (mut opened_by, mut closed_by) = (0, 0);
        let succeeded = success_times.iter().zip(blamed).map(|(&created_at, failed)| {
            opened_by += opened[opened_by..].iter().take_while(|&&o| o <= created_at).count();
            closed_by += closed[closed_by..].iter().take_while(|&&c| c <= created_at).count();
            CompletedDeployment { created_at, failed, rework: opened_by > closed_by }
        });
        let failed = failures.iter().map(|&created_at| CompletedDeployment { created_at, failed: true, rework: false });
        let deployments = collect_sized(success_times.len() + failures.len(), succeeded.chain(failed));

        let successes = SortedInstants::new(&success_times);
        let lead_times = collect_sized(
            records.changes.len(),
            records
                .changes
                .iter()
                .filter(|c| c.merged_at <= cut && last_success_before.is_none_or(|t| c.merged_at > t))
                .filter_map(|c| {
                    let ended_at = if has_production_deployment {
                        *success_times.get(successes.first_at_or_after(c.merged_at))?
                    } else {
                        c.merged_at
                    };
                    Some(Sample { ended_at, duration_ms: (ended_at - c.started_at).max(0) })
                }),
        );

        let restore_times = collect_sized(
            incidents.len(),
            incidents.iter().filter_map(|&(opened_at, closed_at)| {
                let closed_at = closed_at?;
                Some(Sample { ended_at: closed_at, duration_ms: (closed_at - opened_at).max(0) })
            }),
        );

        Timeline { has_production_deployment, deployments, lead_times, restore_times }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::EnvironmentMatcher;
    use crate::events::{Change, Deployment, Events, Incident};

    fn build(events: &Events, as_of: Option<i64>) -> Timeline {
        Timeline::build(&Records::from_events(events, &EnvironmentMatcher::default()), None, as_of)
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Leaving out what ends before `from` changes nothing from `from` on.
        #[test]
        fn a_timeline_from_an_instant_is_the_full_one_from_there(
            deployments in proptest::collection::vec((0..4u8, 0..3u8, 0..40i64), 0..30),
            changes in proptest::collection::vec((0..40i64, 0..10i64), 0..20),
            incidents in proptest::collection::vec((0..40i64, proptest::option::of(0..10i64)), 0..10),
            from in 0..45i64,
            as_of in proptest::option::of(0..45i64),
        ) {
            const STATES: [&str; 3] = ["SUCCESS", "FAILURE", "PENDING"];
            let events = Events {
                deployments: deployments
                    .iter()
                    .enumerate()
                    .map(|(k, &(id, state, at))| dep(&format!("{id}{k}"), "prod", STATES[state as usize], at))
                    .collect(),
                changes: changes
                    .iter()
                    .enumerate()
                    .map(|(k, &(merged, wait))| Change {
                        id: format!("C{k}"),
                        created_at: merged - wait,
                        first_commit_at: None,
                        merged_at: merged,
                    })
                    .collect(),
                incidents: incidents
                    .iter()
                    .enumerate()
                    .map(|(k, &(at, open_for))| inc(&format!("I{k}"), at, open_for.map(|d| at + d)))
                    .collect(),
            };
            let records = Records::from_events(&events, &EnvironmentMatcher::default());
            let full = Timeline::build(&records, None, as_of);
            let part = Timeline::build(&records, Some(from), as_of);
            let deployed_from = |t: &Timeline| t.deployments.iter().filter(|d| d.created_at >= from).copied().collect::<Vec<_>>();
            let ended_from = |samples: &[Sample]| samples.iter().filter(|s| s.ended_at >= from).copied().collect::<Vec<_>>();
            proptest::prop_assert_eq!(full.has_production_deployment, part.has_production_deployment);
            proptest::prop_assert_eq!(deployed_from(&full), deployed_from(&part));
            proptest::prop_assert_eq!(ended_from(&full.lead_times), ended_from(&part.lead_times));
            proptest::prop_assert_eq!(ended_from(&full.restore_times), ended_from(&part.restore_times));
        }
    }
}
