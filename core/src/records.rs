//! Events reduced to what the rules read, whatever form they arrived in: production
//! deployments with their outcome, changes with their start and merge, incidents that count.
//! Classifying here, once, lets the rules run on plain numbers and borrowed ids.

use crate::columns::{CheckedColumns, NO_STRING, instant};
use crate::environment::EnvironmentMatcher;
use crate::events::{Events, Incident, Outcome};

/// A production deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeploymentRecord<'a> {
    /// Breaks ties between deployments created in the same millisecond (as byte strings).
    pub id: &'a [u8],
    pub outcome: Outcome,
    pub created_at: i64,
}

/// A merged change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChangeRecord {
    /// The first commit's authored date, or the pull request's creation.
    pub started_at: i64,
    pub merged_at: i64,
}

/// An issue that counts as an incident (not closed as not planned or duplicate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IncidentRecord {
    pub created_at: i64,
    pub closed_at: Option<i64>,
}

#[derive(Debug, Default)]
pub(crate) struct Records<'a> {
    pub deployments: Vec<DeploymentRecord<'a>>,
    pub changes: Vec<ChangeRecord>,
    pub incidents: Vec<IncidentRecord>,
}

impl<'a> Records<'a> {
    pub fn from_events(events: &'a Events, production: &EnvironmentMatcher) -> Records<'a> {
        let mut is_production = production.memo();
        Records {
            deployments: collect_sized(
                events.deployments.len(),
                events.deployments.iter().filter(|d| is_production(&d.environment)).map(|d| DeploymentRecord {
                    id: d.id.as_bytes(),
                    outcome: Outcome::of_state(&d.state),
                    created_at: d.created_at,
                }),
            ),
            changes: events
                .changes
                .iter()
                .map(|c| ChangeRecord { started_at: c.first_commit_at.unwrap_or(c.created_at), merged_at: c.merged_at })
                .collect(),
            incidents: collect_sized(
                events.incidents.len(),
                events
                    .incidents
                    .iter()
                    .filter(|i| i.counts())
                    .map(|i| IncidentRecord { created_at: i.created_at, closed_at: i.closed_at }),
            ),
        }
    }

    /// The same records from checked columns: each dictionary string is classified once, not
    /// once per event.
    pub fn from_columns(columns: &CheckedColumns<'a>, production: &EnvironmentMatcher) -> Records<'a> {
        let strings = columns.strings;
        let is_production: Vec<bool> = strings.iter().map(|s| production.matches(s)).collect();
        let outcome: Vec<Outcome> = strings.iter().map(|s| Outcome::of_state(s)).collect();
        let counts: Vec<bool> = strings.iter().map(|s| Incident::reason_counts(Some(s.as_str()))).collect();
        let (d, c, i) = (&columns.deployments, &columns.changes, &columns.incidents);
        // Checked instants are never NaN where required: integers in range, converted exactly.
        let required = |v: f64| v as i64;
        Records {
            deployments: collect_sized(
                d.created_at.len(),
                d.ids
                    .iter()
                    .zip(d.environment.iter().zip(d.state).zip(d.created_at))
                    .filter(|&(_, ((&environment, _), _))| is_production[environment as usize])
                    .map(|(id, ((_, &state), &created_at))| DeploymentRecord {
                        id,
                        outcome: outcome[state as usize],
                        created_at: required(created_at),
                    }),
            ),
            changes: c
                .created_at
                .iter()
                .zip(c.first_commit_at.iter().zip(c.merged_at))
                .map(|(&created_at, (&first_commit_at, &merged_at))| ChangeRecord {
                    started_at: instant(first_commit_at).unwrap_or(required(created_at)),
                    merged_at: required(merged_at),
                })
                .collect(),
            incidents: collect_sized(
                i.created_at.len(),
                i.created_at
                    .iter()
                    .zip(i.closed_at.iter().zip(i.state_reason))
                    .filter(|&(_, (_, &reason))| reason == NO_STRING || counts[reason as usize])
                    .map(|(&created_at, (&closed_at, _))| IncidentRecord {
                        created_at: required(created_at),
                        closed_at: instant(closed_at),
                    }),
            ),
        }
    }
}

/// Collects a filtered iterator into a vector sized for all `capacity` items at once: growing it
/// step by step would copy it and touch fresh pages several times over.
pub(crate) fn collect_sized<T>(capacity: usize, items: impl Iterator<Item = T>) -> Vec<T> {
    let mut collected = Vec::with_capacity(capacity);
    collected.extend(items);
    collected
}
