//! Events as columns: the compact form for large inputs. Crossing from JavaScript as a few
//! typed arrays costs a copy each instead of a property read per field per event (see
//! `bench/`), and classification runs once per distinct string.
//!
//! JavaScript shape (`EventColumns` in the bindings' types):
//! `{ strings: string[], deployments: {ids, idEnd, environment, state, createdAt},
//!    changes: {ids, idEnd, createdAt, firstCommitAt, mergedAt},
//!    incidents: {ids, idEnd, createdAt, closedAt, stateReason} }`
//! where `ids` is a Uint8Array of the kind's ids in UTF-8, back to back, and `idEnd` a
//! Uint32Array of where each id ends; `environment`, `state` and `stateReason` are Uint32Array
//! indexes into `strings` (`stateReason` 0xFFFFFFFF for none); instants are Float64Array epoch
//! milliseconds, where NaN in `firstCommitAt` and `closedAt` means absent.

use rustc_hash::FxHashSet;

use crate::error::{Error, Result};
use crate::events::Events;
use crate::time::instant_range;

/// No state reason, in a `stateReason` column.
pub const NO_STRING: u32 = u32::MAX;

/// Where a binding reads the typed arrays of a columns argument from. `Err` carries why the
/// field could not be read (missing, or not the right typed array); the core names the field.
pub trait ColumnSource {
    fn strings(&self) -> std::result::Result<Vec<String>, String>;
    fn f64s(&self, kind: &str, field: &str) -> std::result::Result<Vec<f64>, String>;
    fn u32s(&self, kind: &str, field: &str) -> std::result::Result<Vec<u32>, String>;
    fn bytes(&self, kind: &str, field: &str) -> std::result::Result<Vec<u8>, String>;
}

/// The ids of one kind: UTF-8 bytes back to back, and where each ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ids {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

impl Ids {
    fn get(&self, k: usize) -> &[u8] {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.bytes[start..self.ends[k] as usize]
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeploymentColumns {
    pub ids: Ids,
    pub environment: Vec<u32>,
    pub state: Vec<u32>,
    pub created_at: Vec<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeColumns {
    pub ids: Ids,
    pub created_at: Vec<i64>,
    pub first_commit_at: Vec<Option<i64>>,
    pub merged_at: Vec<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentColumns {
    pub ids: Ids,
    pub created_at: Vec<i64>,
    pub closed_at: Vec<Option<i64>>,
    pub state_reason: Vec<Option<u32>>,
}

impl DeploymentColumns {
    pub(crate) fn id(&self, k: usize) -> &[u8] {
        self.ids.get(k)
    }
}

/// One service's events as validated columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventColumns {
    pub strings: Vec<String>,
    pub deployments: DeploymentColumns,
    pub changes: ChangeColumns,
    pub incidents: IncidentColumns,
}

impl From<&Events> for EventColumns {
    /// The same events as columns (a dictionary of their environments, states and reasons).
    fn from(events: &Events) -> EventColumns {
        let mut strings: Vec<String> = Vec::new();
        let mut index: rustc_hash::FxHashMap<String, u32> = Default::default();
        let mut code = |s: &str| -> u32 {
            *index.entry(s.to_owned()).or_insert_with(|| {
                strings.push(s.to_owned());
                (strings.len() - 1) as u32
            })
        };
        fn ids<'a>(all: impl Iterator<Item = &'a str>) -> Ids {
            let mut ids = Ids::default();
            for id in all {
                ids.bytes.extend_from_slice(id.as_bytes());
                ids.ends.push(ids.bytes.len() as u32);
            }
            ids
        }
        let d = &events.deployments;
        let c = &events.changes;
        let i = &events.incidents;
        let deployments = DeploymentColumns {
            ids: ids(d.iter().map(|d| d.id.as_str())),
            environment: d.iter().map(|d| code(&d.environment)).collect(),
            state: d.iter().map(|d| code(&d.state)).collect(),
            created_at: d.iter().map(|d| d.created_at).collect(),
        };
        let incidents = IncidentColumns {
            ids: ids(i.iter().map(|i| i.id.as_str())),
            created_at: i.iter().map(|i| i.created_at).collect(),
            closed_at: i.iter().map(|i| i.closed_at).collect(),
            state_reason: i.iter().map(|i| i.state_reason.as_deref().map(&mut code)).collect(),
        };
        EventColumns {
            strings,
            deployments,
            changes: ChangeColumns {
                ids: ids(c.iter().map(|c| c.id.as_str())),
                created_at: c.iter().map(|c| c.created_at).collect(),
                first_commit_at: c.iter().map(|c| c.first_commit_at).collect(),
                merged_at: c.iter().map(|c| c.merged_at).collect(),
            },
            incidents,
        }
    }
}

/// The typed arrays as read, before any check but their types.
struct Raw {
    strings: Vec<String>,
    f64s: Vec<(String, Vec<f64>, bool)>,
    u32s: Vec<(String, Vec<u32>)>,
    bytes: Vec<(String, Vec<u8>)>,
}

const F64_FIELDS: [(&str, &str, bool); 6] = [
    ("deployments", "createdAt", false),
    ("changes", "createdAt", false),
    ("changes", "firstCommitAt", true),
    ("changes", "mergedAt", false),
    ("incidents", "createdAt", false),
    ("incidents", "closedAt", true),
];
const U32_FIELDS: [(&str, &str); 6] = [
    ("deployments", "idEnd"),
    ("deployments", "environment"),
    ("deployments", "state"),
    ("changes", "idEnd"),
    ("incidents", "idEnd"),
    ("incidents", "stateReason"),
];
const KINDS: [&str; 3] = ["deployments", "changes", "incidents"];

impl EventColumns {
    /// Reads and validates columns: non-finite instants first (NaN marks an absent optional
    /// instant), then types, lengths, dictionary indexes, ids, instants, and duplicate ids.
    /// `before_types` runs after the non-finite check of the columns and before any other, so
    /// that callers can check their other arguments for non-finite numbers first too.
    pub fn read(
        source: &impl ColumnSource,
        path: &str,
        before_types: impl FnOnce() -> Result<()>,
    ) -> Result<EventColumns> {
        let mut first_error: Option<Error> = None;
        let mut note = |field: String, reason: String| {
            if first_error.is_none() {
                first_error = Some(Error::input(field, reason));
            }
        };
        let at = |kind: &str, field: &str| format!("{path}.{kind}.{field}");
        let strings = source.strings().unwrap_or_else(|reason| {
            note(format!("{path}.strings"), reason);
            Vec::new()
        });
        let mut raw = Raw { strings, f64s: Vec::new(), u32s: Vec::new(), bytes: Vec::new() };
        for (kind, field, optional) in F64_FIELDS {
            let values = source.f64s(kind, field).unwrap_or_else(|reason| {
                note(at(kind, field), reason);
                Vec::new()
            });
            raw.f64s.push((at(kind, field), values, optional));
        }
        for (kind, field) in U32_FIELDS {
            let values = source.u32s(kind, field).unwrap_or_else(|reason| {
                note(at(kind, field), reason);
                Vec::new()
            });
            raw.u32s.push((at(kind, field), values));
        }
        for kind in KINDS {
            let values = source.bytes(kind, "ids").unwrap_or_else(|reason| {
                note(at(kind, "ids"), reason);
                Vec::new()
            });
            raw.bytes.push((at(kind, "ids"), values));
        }
        // NaN or an infinity where an instant is required, or an infinity anywhere.
        for (field, values, optional) in &raw.f64s {
            if let Some(k) = values.iter().position(|v| v.is_infinite() || (!optional && v.is_nan())) {
                return Err(Error::NonFinite { field: format!("{field}[{k}]") });
            }
        }
        before_types()?;
        if let Some(error) = first_error {
            return Err(error);
        }
        raw.validate(path)
    }

    /// Fails with `DUPLICATE_ID` on the first id repeated within one kind.
    fn check_unique_ids(&self, path: &str) -> Result<()> {
        for (kind, ids) in
            [("deployments", &self.deployments.ids), ("changes", &self.changes.ids), ("incidents", &self.incidents.ids)]
        {
            let mut seen = FxHashSet::with_capacity_and_hasher(ids.ends.len(), Default::default());
            for k in 0..ids.ends.len() {
                let id = ids.get(k);
                if !seen.insert(id) {
                    return Err(Error::DuplicateId {
                        field: format!("{path}.{kind}.ids[{k}]"),
                        id: String::from_utf8_lossy(id).into_owned(),
                    });
                }
            }
        }
        Ok(())
    }
}

impl Raw {
    fn validate(mut self, path: &str) -> Result<EventColumns> {
        let (min, max) = instant_range();
        let instants = |(field, values, _): (String, Vec<f64>, bool)| -> Result<Vec<Option<i64>>> {
            values
                .iter()
                .enumerate()
                .map(|(k, v)| {
                    if v.is_nan() {
                        Ok(None)
                    } else if v.fract() != 0.0 {
                        Err(Error::input(format!("{field}[{k}]"), "must be an integer number of epoch milliseconds"))
                    } else if *v < min as f64 || *v > max as f64 {
                        Err(Error::input(format!("{field}[{k}]"), "is out of the range of dates"))
                    } else {
                        Ok(Some(*v as i64))
                    }
                })
                .collect()
        };
        let required = |column: Vec<Option<i64>>| column.into_iter().map(|v| v.unwrap_or_default()).collect::<Vec<_>>();
        let mut f64s = self.f64s.drain(..).map(instants);
        let mut next = || f64s.next().unwrap_or_else(|| Ok(Vec::new()));
        let deployment_created = required(next()?);
        let change_created = required(next()?);
        let first_commit = next()?;
        let merged = required(next()?);
        let incident_created = required(next()?);
        let closed = next()?;

        let mut u32s = self.u32s.drain(..);
        let mut next_u32 = || u32s.next().unwrap_or_default();
        let (deployment_ends_field, deployment_ends) = next_u32();
        let (environment_field, environment) = next_u32();
        let (state_field, state) = next_u32();
        let (change_ends_field, change_ends) = next_u32();
        let (incident_ends_field, incident_ends) = next_u32();
        let (reason_field, reasons) = next_u32();
        let mut bytes = self.bytes.drain(..);
        let mut next_bytes = || bytes.next().unwrap_or_default();

        let strings = self.strings.len();
        let codes = |field: &str, values: &[u32], none_allowed: bool| -> Result<()> {
            match values.iter().position(|&c| (c as usize) >= strings && !(none_allowed && c == NO_STRING)) {
                Some(k) => Err(Error::input(format!("{field}[{k}]"), format!("must index the {strings} strings"))),
                None => Ok(()),
            }
        };
        codes(&environment_field, &environment, false)?;
        codes(&state_field, &state, false)?;
        codes(&reason_field, &reasons, true)?;

        let same_length = |kind: &str, lengths: &[(&str, usize)]| -> Result<()> {
            let (first, n) = lengths[0];
            match lengths.iter().find(|(_, len)| *len != n) {
                Some((field, len)) => Err(Error::input(
                    format!("{path}.{kind}.{field}"),
                    format!("has {len} entries but {first} has {n}"),
                )),
                None => Ok(()),
            }
        };
        same_length(
            "deployments",
            &[
                ("createdAt", deployment_created.len()),
                ("idEnd", deployment_ends.len()),
                ("environment", environment.len()),
                ("state", state.len()),
            ],
        )?;
        same_length(
            "changes",
            &[
                ("createdAt", change_created.len()),
                ("idEnd", change_ends.len()),
                ("firstCommitAt", first_commit.len()),
                ("mergedAt", merged.len()),
            ],
        )?;
        same_length(
            "incidents",
            &[
                ("createdAt", incident_created.len()),
                ("idEnd", incident_ends.len()),
                ("closedAt", closed.len()),
                ("stateReason", reasons.len()),
            ],
        )?;

        let columns = EventColumns {
            strings: self.strings,
            deployments: DeploymentColumns {
                ids: ids(next_bytes(), deployment_ends, &deployment_ends_field)?,
                environment,
                state,
                created_at: deployment_created,
            },
            changes: ChangeColumns {
                ids: ids(next_bytes(), change_ends, &change_ends_field)?,
                created_at: change_created,
                first_commit_at: first_commit,
                merged_at: merged,
            },
            incidents: IncidentColumns {
                ids: ids(next_bytes(), incident_ends, &incident_ends_field)?,
                created_at: incident_created,
                closed_at: closed,
                state_reason: reasons.into_iter().map(|c| (c != NO_STRING).then_some(c)).collect(),
            },
        };
        columns.check_unique_ids(path)?;
        Ok(columns)
    }
}

/// Checks that the ends cut the bytes into non-empty UTF-8 ids, exactly.
fn ids((bytes_field, bytes): (String, Vec<u8>), ends: Vec<u32>, ends_field: &str) -> Result<Ids> {
    let mut start = 0usize;
    for (k, &end) in ends.iter().enumerate() {
        let end = end as usize;
        if end <= start || end > bytes.len() {
            return Err(Error::input(
                format!("{ends_field}[{k}]"),
                "must grow by at least one byte per id, within ids",
            ));
        }
        if std::str::from_utf8(&bytes[start..end]).is_err() {
            return Err(Error::input(format!("{bytes_field}[{k}]"), "is not valid UTF-8"));
        }
        start = end;
    }
    if start != bytes.len() {
        return Err(Error::input(bytes_field, format!("has {} bytes after the last id", bytes.len() - start)));
    }
    Ok(Ids { bytes, ends })
}
