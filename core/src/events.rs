//! The raw events the collector stores, one service's worth, and how they are read from a
//! JavaScript document.

use crate::environment::normalize;
use crate::error::{Error, Result};
use crate::ids::first_repeated;
use crate::time::instant_range;
use crate::value::{Value, join};

/// A deployment of the service's repository, as GitHub reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    pub id: String,
    pub environment: String,
    pub state: String,
    pub created_at: i64,
}

/// A pull request merged into the default branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: String,
    pub created_at: i64,
    /// The authored date of the first commit; `created_at` stands in when unknown.
    pub first_commit_at: Option<i64>,
    pub merged_at: i64,
}

/// An issue carrying the failure label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: String,
    pub created_at: i64,
    /// `None` while open.
    pub closed_at: Option<i64>,
    pub state_reason: Option<String>,
}

/// One service's events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Events {
    pub deployments: Vec<Deployment>,
    pub changes: Vec<Change>,
    pub incidents: Vec<Incident>,
}

/// What a deployment's state means for the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    /// Pending, queued, in progress, abandoned, ...: stored, counted nowhere.
    NotCompleted,
}

impl Outcome {
    /// SUCCESS, ACTIVE and INACTIVE succeeded (GitHub marks a superseded success inactive);
    /// FAILURE and ERROR failed; anything else has not completed.
    pub fn of_state(state: &str) -> Outcome {
        let trimmed = state.trim();
        let is = |name: &str| trimmed.eq_ignore_ascii_case(name);
        if is("success") || is("active") || is("inactive") {
            Outcome::Success
        } else if is("failure") || is("error") {
            Outcome::Failure
        } else if trimmed.is_ascii() {
            Outcome::NotCompleted
        } else {
            // Non-ASCII text can still lower-case to one of the names (e.g. the Kelvin sign).
            match normalize(trimmed).as_str() {
                "success" | "active" | "inactive" => Outcome::Success,
                "failure" | "error" => Outcome::Failure,
                _ => Outcome::NotCompleted,
            }
        }
    }
}

impl Incident {
    /// An issue closed as not planned or as a duplicate is not an incident at all.
    pub fn counts(&self) -> bool {
        Incident::reason_counts(self.state_reason.as_deref())
    }

    /// Whether an issue with this state reason is an incident.
    pub fn reason_counts(state_reason: Option<&str>) -> bool {
        state_reason.is_none_or(|reason| !matches!(normalize(reason).as_str(), "not_planned" | "duplicate"))
    }
}

impl Events {
    /// Fails with `DUPLICATE_ID` on the first id repeated within one kind, in input order.
    pub fn check_unique_ids(&self, path: &str) -> Result<()> {
        fn check<'a>(n: usize, id: impl Fn(usize) -> &'a str, path: String) -> Result<()> {
            match first_repeated(n, |k| id(k).as_bytes()) {
                Some(i) => Err(Error::DuplicateId { field: format!("{path}[{i}].id"), id: id(i).to_owned() }),
                None => Ok(()),
            }
        }
        let (d, c, i) = (&self.deployments, &self.changes, &self.incidents);
        check(d.len(), |k| &d[k].id, join(path, "deployments"))?;
        check(c.len(), |k| &c[k].id, join(path, "changes"))?;
        check(i.len(), |k| &i[k].id, join(path, "incidents"))
    }

    /// Reads events from a JavaScript document (`{deployments, changes, incidents}`), checking
    /// every field's type. Unknown fields are ignored (callers pass rows with extra columns).
    /// Does not check for non-finite numbers (done first, over all arguments) nor for
    /// duplicate ids (done after, over all events).
    pub fn from_value(value: &Value, path: &str) -> Result<Events> {
        let Value::Object(_) = value else {
            return Err(Error::input(path, format!("must be an object, not {}", value.type_name())));
        };
        let range = instant_range();
        let reader = Reader { range };
        Ok(Events {
            deployments: reader.list(value, path, "deployments", |r, v, p| {
                Ok(Deployment {
                    id: r.id(v, p)?,
                    environment: r.string(v, p, "environment")?,
                    state: r.string(v, p, "state")?,
                    created_at: r.instant(v, p, "createdAt")?,
                })
            })?,
            changes: reader.list(value, path, "changes", |r, v, p| {
                Ok(Change {
                    id: r.id(v, p)?,
                    created_at: r.instant(v, p, "createdAt")?,
                    first_commit_at: r.optional_instant(v, p, "firstCommitAt")?,
                    merged_at: r.instant(v, p, "mergedAt")?,
                })
            })?,
            incidents: reader.list(value, path, "incidents", |r, v, p| {
                Ok(Incident {
                    id: r.id(v, p)?,
                    created_at: r.instant(v, p, "createdAt")?,
                    closed_at: r.optional_instant(v, p, "closedAt")?,
                    state_reason: r.optional_string(v, p, "stateReason")?,
                })
            })?,
        })
    }
}

struct Reader {
    range: (i64, i64),
}

impl Reader {
    fn list<T>(
        &self,
        events: &Value,
        path: &str,
        key: &str,
        read: impl Fn(&Self, &Value, &dyn Fn() -> String) -> Result<T>,
    ) -> Result<Vec<T>> {
        let list_path = join(path, key);
        match events.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let item_path = || format!("{list_path}[{i}]");
                    if !matches!(item, Value::Object(_)) {
                        return Err(Error::input(item_path(), format!("must be an object, not {}", item.type_name())));
                    }
                    read(self, item, &item_path)
                })
                .collect(),
            Some(other) => Err(Error::input(list_path, format!("must be an array, not {}", other.type_name()))),
            None => Err(Error::input(list_path, "is missing")),
        }
    }

    fn string(&self, item: &Value, path: &dyn Fn() -> String, key: &str) -> Result<String> {
        match item.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => {
                Err(Error::input(join(&path(), key), format!("must be a string, not {}", other.type_name())))
            }
            None => Err(Error::input(join(&path(), key), "is missing")),
        }
    }

    fn optional_string(&self, item: &Value, path: &dyn Fn() -> String, key: &str) -> Result<Option<String>> {
        match item.get(key) {
            None => Ok(None),
            Some(_) => self.string(item, path, key).map(Some),
        }
    }

    fn id(&self, item: &Value, path: &dyn Fn() -> String) -> Result<String> {
        let id = self.string(item, path, "id")?;
        if id.is_empty() {
            return Err(Error::input(join(&path(), "id"), "must not be empty"));
        }
        Ok(id)
    }

    fn instant(&self, item: &Value, path: &dyn Fn() -> String, key: &str) -> Result<i64> {
        match item.get(key) {
            Some(Value::Number(n)) => {
                let (min, max) = self.range;
                if n.fract() != 0.0 {
                    Err(Error::input(join(&path(), key), "must be an integer number of epoch milliseconds"))
                } else if *n < min as f64 || *n > max as f64 {
                    Err(Error::input(join(&path(), key), "is out of the range of dates"))
                } else {
                    Ok(*n as i64)
                }
            }
            Some(other) => Err(Error::input(
                join(&path(), key),
                format!("must be epoch milliseconds (a number), not {}", other.type_name()),
            )),
            None => Err(Error::input(join(&path(), key), "is missing")),
        }
    }

    fn optional_instant(&self, item: &Value, path: &dyn Fn() -> String, key: &str) -> Result<Option<i64>> {
        match item.get(key) {
            None => Ok(None),
            Some(_) => self.instant(item, path, key).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Events> {
        let v: Value = serde_json::from_str(json).unwrap();
        Events::from_value(&v, "events")
    }

    #[test]
    fn states_map_to_outcomes() {
        for s in ["SUCCESS", "active", " Inactive "] {
            assert_eq!(Outcome::of_state(s), Outcome::Success, "{s}");
        }
        for s in ["FAILURE", "error"] {
            assert_eq!(Outcome::of_state(s), Outcome::Failure, "{s}");
        }
        for s in ["PENDING", "QUEUED", "IN_PROGRESS", "WAITING", "ABANDONED", "DESTROYED", "", "succes"] {
            assert_eq!(Outcome::of_state(s), Outcome::NotCompleted, "{s}");
        }
    }

    #[test]
    fn not_planned_and_duplicate_issues_are_not_incidents() {
        let mut i = Incident { id: "I".into(), created_at: 0, closed_at: None, state_reason: None };
        assert!(i.counts());
        for (reason, counts) in [("COMPLETED", true), ("REOPENED", true), ("not_planned", false), (" DUPLICATE", false)]
        {
            i.state_reason = Some(reason.into());
            assert_eq!(i.counts(), counts, "{reason}");
        }
    }

    #[test]
    fn reads_events_and_names_bad_fields() {
        let ok = parse(
            r#"{"deployments":[{"id":"D1","environment":"prod","state":"SUCCESS","createdAt":5,"sha":"x"}],
                "changes":[{"id":"C1","createdAt":1,"mergedAt":2,"firstCommitAt":null}],
                "incidents":[{"id":"I1","createdAt":3}]}"#,
        )
        .unwrap();
        assert_eq!(ok.deployments[0].created_at, 5);
        assert_eq!(ok.changes[0].first_commit_at, None);
        assert_eq!(ok.incidents[0].closed_at, None);

        let cases = [
            (r#"[]"#, "events"),
            (r#"{"changes":[],"incidents":[]}"#, "events.deployments"),
            (r#"{"deployments":{},"changes":[],"incidents":[]}"#, "events.deployments"),
            (r#"{"deployments":[7],"changes":[],"incidents":[]}"#, "events.deployments[0]"),
            (
                r#"{"deployments":[],"changes":[{"id":"","createdAt":1,"mergedAt":1}],"incidents":[]}"#,
                "events.changes[0].id",
            ),
            (
                r#"{"deployments":[],"changes":[{"id":"C","createdAt":"2026-01-01","mergedAt":1}],"incidents":[]}"#,
                "events.changes[0].createdAt",
            ),
            (
                r#"{"deployments":[],"changes":[{"id":"C","createdAt":1.5,"mergedAt":1}],"incidents":[]}"#,
                "events.changes[0].createdAt",
            ),
            (
                r#"{"deployments":[],"changes":[],"incidents":[{"id":"I","createdAt":1e17}]}"#,
                "events.incidents[0].createdAt",
            ),
            (
                r#"{"deployments":[],"changes":[],"incidents":[{"id":"I","createdAt":1,"stateReason":3}]}"#,
                "events.incidents[0].stateReason",
            ),
            (
                r#"{"deployments":[{"id":"D","state":"SUCCESS","createdAt":1}],"changes":[],"incidents":[]}"#,
                "events.deployments[0].environment",
            ),
        ];
        for (json, field) in cases {
            let err = parse(json).unwrap_err();
            assert_eq!((err.code(), err.field()), ("INVALID_INPUT", field), "{json}");
        }
    }

    #[test]
    fn duplicate_ids_are_found_per_kind() {
        let events = parse(
            r#"{"deployments":[{"id":"X","environment":"prod","state":"SUCCESS","createdAt":1}],
                "changes":[{"id":"X","createdAt":1,"mergedAt":2}],
                "incidents":[{"id":"A","createdAt":3},{"id":"B","createdAt":3},{"id":"A","createdAt":4}]}"#,
        )
        .unwrap();
        let err = events.check_unique_ids("events").unwrap_err();
        assert_eq!((err.code(), err.field()), ("DUPLICATE_ID", "events.incidents[2].id"));
    }
}
