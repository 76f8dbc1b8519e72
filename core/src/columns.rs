//! Events as columns: the compact form for large inputs. Crossing from JavaScript as a few
//! typed arrays costs no property read per field per event (see `bench/`): the Node addon lends
//! them to the core as they are, wasm copies each once. Classification runs once per distinct
//! string.
//!
//! JavaScript shape (`EventColumns` in the bindings' types):
//! `{ strings: string[], deployments: {ids, idEnd, environment, state, createdAt},
//!    changes: {ids, idEnd, createdAt, firstCommitAt, mergedAt},
//!    incidents: {ids, idEnd, createdAt, closedAt, stateReason} }`
//! where `ids` is a Uint8Array of the kind's ids in UTF-8, back to back, and `idEnd` a
//! Uint32Array of where each id ends; `environment`, `state` and `stateReason` are Uint32Array
//! indexes into `strings` (`stateReason` 0xFFFFFFFF for none); instants are Float64Array epoch
//! milliseconds, where NaN in `firstCommitAt` and `closedAt` means absent.

use crate::error::{Error, Result};
use crate::events::Events;
use crate::ids::first_repeated;
use crate::time::instant_range;

/// No state reason, in a `stateReason` column.
pub const NO_STRING: u32 = u32::MAX;

/// Where a binding reads the typed arrays of a columns argument from. A column is whatever
/// holds its values: a borrowed view where the runtime lends typed arrays (napi), a `Vec`
/// where they must be copied (wasm). `Err` carries why the field could not be read (missing,
/// or not the right typed array); the core names the field.
pub trait ColumnSource {
    type F64s<'a>: AsRef<[f64]>
    where
        Self: 'a;
    type U32s<'a>: AsRef<[u32]>
    where
        Self: 'a;
    type Bytes<'a>: AsRef<[u8]>
    where
        Self: 'a;
    fn strings(&self) -> std::result::Result<Vec<String>, String>;
    fn f64s(&self, kind: &str, field: &str) -> std::result::Result<Self::F64s<'_>, String>;
    fn u32s(&self, kind: &str, field: &str) -> std::result::Result<Self::U32s<'_>, String>;
    fn bytes(&self, kind: &str, field: &str) -> std::result::Result<Self::Bytes<'_>, String>;
}

/// A deployments column group, in the JavaScript shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeploymentColumns {
    pub ids: Vec<u8>,
    pub id_end: Vec<u32>,
    pub environment: Vec<u32>,
    pub state: Vec<u32>,
    pub created_at: Vec<f64>,
}

/// A changes column group, in the JavaScript shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeColumns {
    pub ids: Vec<u8>,
    pub id_end: Vec<u32>,
    pub created_at: Vec<f64>,
    pub first_commit_at: Vec<f64>,
    pub merged_at: Vec<f64>,
}

/// An incidents column group, in the JavaScript shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentColumns {
    pub ids: Vec<u8>,
    pub id_end: Vec<u32>,
    pub created_at: Vec<f64>,
    pub closed_at: Vec<f64>,
    pub state_reason: Vec<u32>,
}

/// One service's events as columns, owned, exactly as JavaScript passes them (unchecked: the
/// core checks any [`ColumnSource`] when it reads it).
#[derive(Debug, Clone, Default, PartialEq)]
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
        fn ids<'a>(all: impl Iterator<Item = &'a str>) -> (Vec<u8>, Vec<u32>) {
            let (mut bytes, mut ends) = (Vec::new(), Vec::new());
            for id in all {
                bytes.extend_from_slice(id.as_bytes());
                ends.push(bytes.len() as u32);
            }
            (bytes, ends)
        }
        let instant = |v: i64| v as f64;
        let optional = |v: Option<i64>| v.map_or(f64::NAN, instant);
        let (d, c, i) = (&events.deployments, &events.changes, &events.incidents);
        let (deployment_ids, deployment_ends) = ids(d.iter().map(|d| d.id.as_str()));
        let (change_ids, change_ends) = ids(c.iter().map(|c| c.id.as_str()));
        let (incident_ids, incident_ends) = ids(i.iter().map(|i| i.id.as_str()));
        let deployments = DeploymentColumns {
            ids: deployment_ids,
            id_end: deployment_ends,
            environment: d.iter().map(|d| code(&d.environment)).collect(),
            state: d.iter().map(|d| code(&d.state)).collect(),
            created_at: d.iter().map(|d| instant(d.created_at)).collect(),
        };
        let incidents = IncidentColumns {
            ids: incident_ids,
            id_end: incident_ends,
            created_at: i.iter().map(|i| instant(i.created_at)).collect(),
            closed_at: i.iter().map(|i| optional(i.closed_at)).collect(),
            state_reason: i.iter().map(|i| i.state_reason.as_deref().map_or(NO_STRING, &mut code)).collect(),
        };
        EventColumns {
            strings,
            deployments,
            changes: ChangeColumns {
                ids: change_ids,
                id_end: change_ends,
                created_at: c.iter().map(|c| instant(c.created_at)).collect(),
                first_commit_at: c.iter().map(|c| optional(c.first_commit_at)).collect(),
                merged_at: c.iter().map(|c| instant(c.merged_at)).collect(),
            },
            incidents,
        }
    }
}

impl ColumnSource for EventColumns {
    type F64s<'a> = &'a [f64];
    type U32s<'a> = &'a [u32];
    type Bytes<'a> = &'a [u8];

    fn strings(&self) -> std::result::Result<Vec<String>, String> {
        Ok(self.strings.clone())
    }
    fn f64s(&self, kind: &str, field: &str) -> std::result::Result<&[f64], String> {
        let (d, c, i) = (&self.deployments, &self.changes, &self.incidents);
        match (kind, field) {
            ("deployments", "createdAt") => Ok(&d.created_at),
            ("changes", "createdAt") => Ok(&c.created_at),
            ("changes", "firstCommitAt") => Ok(&c.first_commit_at),
            ("changes", "mergedAt") => Ok(&c.merged_at),
            ("incidents", "createdAt") => Ok(&i.created_at),
            ("incidents", "closedAt") => Ok(&i.closed_at),
            _ => Err("is not a Float64Array column".into()),
        }
    }
    fn u32s(&self, kind: &str, field: &str) -> std::result::Result<&[u32], String> {
        let (d, c, i) = (&self.deployments, &self.changes, &self.incidents);
        match (kind, field) {
            ("deployments", "idEnd") => Ok(&d.id_end),
            ("deployments", "environment") => Ok(&d.environment),
            ("deployments", "state") => Ok(&d.state),
            ("changes", "idEnd") => Ok(&c.id_end),
            ("incidents", "idEnd") => Ok(&i.id_end),
            ("incidents", "stateReason") => Ok(&i.state_reason),
            _ => Err("is not a Uint32Array column".into()),
        }
    }
    fn bytes(&self, kind: &str, _field: &str) -> std::result::Result<&[u8], String> {
        match kind {
            "deployments" => Ok(&self.deployments.ids),
            "changes" => Ok(&self.changes.ids),
            "incidents" => Ok(&self.incidents.ids),
            _ => Err("is not a Uint8Array column".into()),
        }
    }
}

/// The ids of one kind, checked: UTF-8 bytes back to back, and where each ends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids<'a> {
    bytes: &'a [u8],
    ends: &'a [u32],
}

impl<'a> Ids<'a> {
    pub fn get(&self, k: usize) -> &'a [u8] {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.bytes[start..self.ends[k] as usize]
    }

    /// Every id, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let bytes = self.bytes;
        let mut start = 0usize;
        self.ends.iter().map(move |&end| {
            let id = &bytes[start..end as usize];
            start = end as usize;
            id
        })
    }
}

/// Deployments, checked. Instants are integers in the range of dates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedDeployments<'a> {
    pub ids: Ids<'a>,
    pub environment: &'a [u32],
    pub state: &'a [u32],
    pub created_at: &'a [f64],
}

/// Changes, checked; NaN in `first_commit_at` is absent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedChanges<'a> {
    pub created_at: &'a [f64],
    pub first_commit_at: &'a [f64],
    pub merged_at: &'a [f64],
}

/// Incidents, checked; NaN in `closed_at` is absent, and so is [`NO_STRING`] in
/// `state_reason`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedIncidents<'a> {
    pub created_at: &'a [f64],
    pub closed_at: &'a [f64],
    pub state_reason: &'a [u32],
}

/// One service's events as columns that passed every check: equal lengths per kind, codes
/// within the strings, ids cut into unique non-empty UTF-8, instants integer and in range.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedColumns<'a> {
    pub strings: &'a [String],
    pub deployments: CheckedDeployments<'a>,
    pub changes: CheckedChanges<'a>,
    pub incidents: CheckedIncidents<'a>,
}

/// An instant column's value as an instant; NaN (absent) is `None`. Checked columns hold only
/// integers within the range of dates there, so the conversion is exact.
pub(crate) fn instant(value: f64) -> Option<i64> {
    (!value.is_nan()).then_some(value as i64)
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

/// The typed arrays of a columns argument as read, before any check but their types; a
/// column that could not be read is `None` (its error was reported first).
pub(crate) struct ReadColumns<'s, S: ColumnSource + 's> {
    strings: Vec<String>,
    f64s: [Option<S::F64s<'s>>; 6],
    u32s: [Option<S::U32s<'s>>; 6],
    bytes: [Option<S::Bytes<'s>>; 3],
}

fn values<T, C: AsRef<[T]>>(column: &Option<C>) -> &[T] {
    column.as_ref().map_or(&[], AsRef::as_ref)
}

impl<'s, S: ColumnSource + 's> ReadColumns<'s, S> {
    /// Reads columns and fails on non-finite instants first (NaN marks an absent optional
    /// instant), then on the first column that could not be read. `before_types` runs after the
    /// non-finite check of the columns and before any other, so that callers can check their
    /// other arguments for non-finite numbers first too.
    pub fn read(source: &'s S, path: &str, before_types: impl FnOnce() -> Result<()>) -> Result<Self> {
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
        let f64s =
            F64_FIELDS.map(|(kind, field, _)| source.f64s(kind, field).map_err(|e| note(at(kind, field), e)).ok());
        let u32s = U32_FIELDS.map(|(kind, field)| source.u32s(kind, field).map_err(|e| note(at(kind, field), e)).ok());
        let bytes = KINDS.map(|kind| source.bytes(kind, "ids").map_err(|e| note(at(kind, "ids"), e)).ok());
        // NaN or an infinity where an instant is required, or an infinity anywhere.
        for ((kind, field, optional), column) in F64_FIELDS.iter().zip(&f64s) {
            if let Some(k) = position(values(column), |v| v.is_infinite() | (!optional & v.is_nan())) {
                return Err(Error::NonFinite { field: format!("{}[{k}]", at(kind, field)) });
            }
        }
        before_types()?;
        match first_error {
            Some(error) => Err(error),
            None => Ok(ReadColumns { strings, f64s, u32s, bytes }),
        }
    }

    /// Checks, in this order: instants (integer, in range), dictionary codes, lengths, ids
    /// (cut into non-empty UTF-8), duplicate ids.
    pub fn check(&self, path: &str) -> Result<CheckedColumns<'_>> {
        let at = |kind: &str, field: &str| format!("{path}.{kind}.{field}");
        for ((kind, field, _), column) in F64_FIELDS.iter().zip(&self.f64s) {
            check_instants(values(column), || at(kind, field))?;
        }
        let [created, change_created, first_commit, merged, incident_created, closed] = &self.f64s;
        let [deployment_ends, environment, state, change_ends, incident_ends, reasons] = &self.u32s;
        let [deployment_ids, change_ids, incident_ids] = &self.bytes;
        let (created, change_created, first_commit, merged) =
            (values(created), values(change_created), values(first_commit), values(merged));
        let (incident_created, closed) = (values(incident_created), values(closed));
        let (deployment_ends, environment, state) = (values(deployment_ends), values(environment), values(state));
        let (change_ends, incident_ends, reasons) = (values(change_ends), values(incident_ends), values(reasons));

        let strings = self.strings.len();
        let codes = |field: &str, values: &[u32], none_allowed: bool| -> Result<()> {
            match position(values, |c| (c as usize >= strings) & !(none_allowed & (c == NO_STRING))) {
                Some(k) => {
                    Err(Error::input(format!("{path}.{field}[{k}]"), format!("must index the {strings} strings")))
                }
                None => Ok(()),
            }
        };
        codes("deployments.environment", environment, false)?;
        codes("deployments.state", state, false)?;
        codes("incidents.stateReason", reasons, true)?;

        let same_length = |kind: &str, lengths: &[(&str, usize)]| -> Result<()> {
            let (first, n) = lengths[0];
            match lengths.iter().find(|(_, len)| *len != n) {
                Some((field, len)) => {
                    Err(Error::input(at(kind, field), format!("has {len} entries but {first} has {n}")))
                }
                None => Ok(()),
            }
        };
        same_length(
            "deployments",
            &[
                ("createdAt", created.len()),
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

        let deployment_ids =
            ids(values(deployment_ids), deployment_ends, || at("deployments", "ids"), || at("deployments", "idEnd"))?;
        let change_ids = ids(values(change_ids), change_ends, || at("changes", "ids"), || at("changes", "idEnd"))?;
        let incident_ids =
            ids(values(incident_ids), incident_ends, || at("incidents", "ids"), || at("incidents", "idEnd"))?;
        for (kind, ids) in [("deployments", deployment_ids), ("changes", change_ids), ("incidents", incident_ids)] {
            if let Some(k) = first_repeated(ids.ends.len(), |k| ids.get(k)) {
                return Err(Error::DuplicateId {
                    field: format!("{path}.{kind}.ids[{k}]"),
                    id: String::from_utf8_lossy(ids.get(k)).into_owned(),
                });
            }
        }

        Ok(CheckedColumns {
            strings: &self.strings,
            deployments: CheckedDeployments { ids: deployment_ids, environment, state, created_at: created },
            changes: CheckedChanges { created_at: change_created, first_commit_at: first_commit, merged_at: merged },
            incidents: CheckedIncidents { created_at: incident_created, closed_at: closed, state_reason: reasons },
        })
    }
}

/// Fails on the first value that is neither NaN (non-finite values were rejected before) nor
/// an integer number of milliseconds within the range of dates.
fn check_instants(values: &[f64], field: impl Fn() -> String) -> Result<()> {
    let (min, max) = instant_range();
    let (min, max) = (min as f64, max as f64);
    // Below 2^52, adding 2^52 rounds to an integer; from there on every f64 is one. Plain
    // arithmetic, unlike `fract` (a libm call on baseline x86-64), and `|` and `&` rather than
    // `||` and `&&`: no branches, for `position` to test many values at once.
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let integer = |v: f64| (v.abs() >= TWO_52) | ((v.abs() + TWO_52) - TWO_52 == v.abs());
    let valid = |v: f64| v.is_nan() | ((v >= min) & (v <= max) & integer(v));
    let Some(k) = position(values, |v| !valid(v)) else {
        return Ok(());
    };
    let v = values[k];
    let reason = if v.fract() != 0.0 {
        "must be an integer number of epoch milliseconds"
    } else {
        "is out of the range of dates"
    };
    Err(Error::input(format!("{}[{k}]", field()), reason))
}

/// The index of the first value that is `bad`, like `Iterator::position`, but testing blocks
/// of values without a branch per value (so that the compiler can vectorize a branch-free
/// `bad`) and searching only a block that has one.
fn position<T: Copy>(values: &[T], bad: impl Fn(T) -> bool) -> Option<usize> {
    const BLOCK: usize = 256;
    let block = values.chunks(BLOCK).position(|block| block.iter().fold(false, |any, &v| any | bad(v)))?;
    let start = block * BLOCK;
    values[start..].iter().position(|&v| bad(v)).map(|k| start + k)
}

/// Checks that the ends cut the bytes into non-empty UTF-8 ids, exactly.
fn ids<'a>(
    bytes: &'a [u8],
    ends: &'a [u32],
    bytes_field: impl Fn() -> String,
    ends_field: impl Fn() -> String,
) -> Result<Ids<'a>> {
    // The common case in three linear passes: ends increase within the bytes and reach their
    // end, the bytes are UTF-8 as a whole, and every end falls on a character boundary (then
    // each id is UTF-8 too). Otherwise the id-by-id pass below names the first bad one.
    let mut previous = 0u32;
    let increasing = ends.iter().fold(true, |ok, &end| {
        let grows = end > previous;
        previous = end;
        ok & grows
    });
    let boundary = |end: u32| bytes.get(end as usize).is_none_or(|&b| (b as i8) >= -0x40);
    if increasing
        && previous as usize == bytes.len()
        && std::str::from_utf8(bytes).is_ok()
        && ends.iter().all(|&end| boundary(end))
    {
        return Ok(Ids { bytes, ends });
    }
    let mut start = 0usize;
    for (k, &end) in ends.iter().enumerate() {
        let end = end as usize;
        if end <= start || end > bytes.len() {
            return Err(Error::input(
                format!("{}[{k}]", ends_field()),
                "must grow by at least one byte per id, within ids",
            ));
        }
        if std::str::from_utf8(&bytes[start..end]).is_err() {
            return Err(Error::input(format!("{}[{k}]", bytes_field()), "is not valid UTF-8"));
        }
        start = end;
    }
    if start != bytes.len() {
        return Err(Error::input(bytes_field(), format!("has {} bytes after the last id", bytes.len() - start)));
    }
    Ok(Ids { bytes, ends })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_integers_in_range_or_absent() {
        let field = || "t".to_owned();
        let reason = |values: &[f64]| check_instants(values, field).map_err(|e| e.to_string());
        let good = [0.0, -0.0, f64::NAN, 1.0, -1.0, 4_503_599_627_370_495.0, 4_503_599_627_370_497.0, -8.2e15];
        assert_eq!(reason(&good), Ok(()));
        for (bad, fraction) in
            [(0.5, true), (-2.25, true), (4_503_599_627_370_495.5, true), (8.7e15, false), (-9e15, false)]
        {
            // At every position of a long column, so that each block is searched.
            for at in [0, 255, 256, 700] {
                let mut values = vec![1.0; 701];
                values[at] = bad;
                let error = check_instants(&values, field).unwrap_err();
                assert_eq!(error.field(), format!("t[{at}]"));
                assert_eq!(error.to_string().contains("integer"), fraction, "{bad}");
            }
        }
    }
}
