//! Events reduced to what the rules read, whatever form they arrived in: production
//! deployments with their outcome, changes with their start and merge, incidents that count.
//! Classifying here, once, lets the rules run on plain numbers and borrowed ids.

use crate::columns::EventColumns;
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
            deployments: events
                .deployments
                .iter()
                .filter(|d| is_production(&d.environment))
                .map(|d| DeploymentRecord {
                    id: d.id.as_bytes(),
                    outcome: Outcome::of_state(&d.state),
                    created_at: d.created_at,
                })
                .collect(),
            changes: events
                .changes
                .iter()
                .map(|c| ChangeRecord { started_at: c.first_commit_at.unwrap_or(c.created_at), merged_at: c.merged_at })
                .collect(),
            incidents: events
                .incidents
                .iter()
                .filter(|i| i.counts())
                .map(|i| IncidentRecord { created_at: i.created_at, closed_at: i.closed_at })
                .collect(),
        }
    }

    /// The same records from columns: each dictionary string is classified once, not once per
    /// event.
    pub fn from_columns(columns: &'a EventColumns, production: &EnvironmentMatcher) -> Records<'a> {
        let is_production: Vec<bool> = columns.strings.iter().map(|s| production.matches(s)).collect();
        let outcome: Vec<Outcome> = columns.strings.iter().map(|s| Outcome::of_state(s)).collect();
        let counts: Vec<bool> = columns.strings.iter().map(|s| Incident::reason_counts(Some(s.as_str()))).collect();
        let d = &columns.deployments;
        let c = &columns.changes;
        let i = &columns.incidents;
        Records {
            deployments: (0..d.created_at.len())
                .filter(|&k| is_production[d.environment[k] as usize])
                .map(|k| DeploymentRecord {
                    id: d.id(k),
                    outcome: outcome[d.state[k] as usize],
                    created_at: d.created_at[k],
                })
                .collect(),
            changes: (0..c.created_at.len())
                .map(|k| ChangeRecord {
                    started_at: c.first_commit_at[k].unwrap_or(c.created_at[k]),
                    merged_at: c.merged_at[k],
                })
                .collect(),
            incidents: (0..i.created_at.len())
                .filter(|&k| i.state_reason[k].is_none_or(|code| counts[code as usize]))
                .map(|k| IncidentRecord { created_at: i.created_at[k], closed_at: i.closed_at[k] })
                .collect(),
        }
    }
}
