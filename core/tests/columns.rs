//! Events as columns give exactly what the same events as objects give, and bad columns are
//! rejected with the codes of CORE_API.md.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod prop_support;

use dora_metrics_core::{
    ColumnSource, EventColumns, NO_STRING, Period, Value, aggregate_daily, aggregate_daily_columns, api,
    compute_scorecard, compute_scorecard_columns,
};
use prop_support::{cases, scenario};
use proptest::prelude::*;

proptest! {
    #![proptest_config(cases(1000, "proptest-regressions/columns.txt"))]

    #[test]
    fn columns_and_objects_agree(s in scenario()) {
        let columns = EventColumns::from(&s.events);
        let options = s.config.options();
        prop_assert_eq!(aggregate_daily_columns(&columns, &options).unwrap(), aggregate_daily(&s.events, &options));
        let period = Period::new(s.today, s.days).unwrap();
        // Scorecard equality is exact (PartialEq on f64): the same numbers to the bit.
        prop_assert_eq!(compute_scorecard_columns(&columns, period, &options).unwrap(), compute_scorecard(&s.events, period, &options));
    }
}

/// A columns argument as a binding would read it from JavaScript.
#[derive(Clone)]
struct Source {
    strings: Vec<String>,
    f64s: Vec<(&'static str, &'static str, Vec<f64>)>,
    u32s: Vec<(&'static str, &'static str, Vec<u32>)>,
    bytes: Vec<(&'static str, Vec<u8>)>,
    missing: Option<(&'static str, &'static str)>,
}

impl Source {
    fn valid() -> Source {
        Source {
            strings: vec!["production".into(), "SUCCESS".into(), "NOT_PLANNED".into()],
            f64s: vec![
                ("deployments", "createdAt", vec![1000.0, 2000.0]),
                ("changes", "createdAt", vec![10.0]),
                ("changes", "firstCommitAt", vec![f64::NAN]),
                ("changes", "mergedAt", vec![500.0]),
                ("incidents", "createdAt", vec![1500.0, 1600.0]),
                ("incidents", "closedAt", vec![1700.0, f64::NAN]),
            ],
            u32s: vec![
                ("deployments", "idEnd", vec![2, 4]),
                ("deployments", "environment", vec![0, 0]),
                ("deployments", "state", vec![1, 1]),
                ("changes", "idEnd", vec![2]),
                ("incidents", "idEnd", vec![2, 4]),
                ("incidents", "stateReason", vec![NO_STRING, 2]),
            ],
            bytes: vec![
                ("deployments", b"D1D2".to_vec()),
                ("changes", b"C1".to_vec()),
                ("incidents", b"I1I2".to_vec()),
            ],
            missing: None,
        }
    }
    fn set_f64(mut self, kind: &str, field: &str, values: Vec<f64>) -> Self {
        self.f64s.iter_mut().find(|(k, f, _)| *k == kind && *f == field).unwrap().2 = values;
        self
    }
    fn set_u32(mut self, kind: &str, field: &str, values: Vec<u32>) -> Self {
        self.u32s.iter_mut().find(|(k, f, _)| *k == kind && *f == field).unwrap().2 = values;
        self
    }
    fn set_bytes(mut self, kind: &str, values: &[u8]) -> Self {
        self.bytes.iter_mut().find(|(k, _)| *k == kind).unwrap().1 = values.to_vec();
        self
    }
    fn check(&self, kind: &str, field: &str) -> Result<(), String> {
        if self.missing == Some((kind, field)) { Err("must be a typed array".into()) } else { Ok(()) }
    }
}

impl ColumnSource for Source {
    type F64s<'a> = Vec<f64>;
    type U32s<'a> = Vec<u32>;
    type Bytes<'a> = Vec<u8>;

    fn strings(&self) -> Result<Vec<String>, String> {
        Ok(self.strings.clone())
    }
    fn f64s(&self, kind: &str, field: &str) -> Result<Vec<f64>, String> {
        self.check(kind, field)?;
        Ok(self.f64s.iter().find(|(k, f, _)| *k == kind && *f == field).unwrap().2.clone())
    }
    fn u32s(&self, kind: &str, field: &str) -> Result<Vec<u32>, String> {
        self.check(kind, field)?;
        Ok(self.u32s.iter().find(|(k, f, _)| *k == kind && *f == field).unwrap().2.clone())
    }
    fn bytes(&self, kind: &str, field: &str) -> Result<Vec<u8>, String> {
        self.check(kind, field)?;
        Ok(self.bytes.iter().find(|(k, _)| *k == kind).unwrap().1.clone())
    }
}

fn period() -> Value {
    Value::Object(vec![("today".into(), "1970-01-01".into()), ("days".into(), 1.0.into())])
}

#[test]
fn valid_columns_read_like_their_objects() {
    let json = r#"{"deployments":[{"id":"D1","environment":"production","state":"SUCCESS","createdAt":1000},
                                  {"id":"D2","environment":"production","state":"SUCCESS","createdAt":2000}],
                   "changes":[{"id":"C1","createdAt":10,"mergedAt":500}],
                   "incidents":[{"id":"I1","createdAt":1500,"closedAt":1700},
                                {"id":"I2","createdAt":1600,"stateReason":"NOT_PLANNED"}]}"#;
    let objects: Value = serde_json::from_str(json).unwrap();
    assert_eq!(
        api::aggregate_daily_columns(&Source::valid(), &Value::Null).unwrap(),
        api::aggregate_daily(&objects, &Value::Null).unwrap()
    );
    let scorecard = api::compute_scorecard_columns(&Source::valid(), &period(), &Value::Null).unwrap();
    assert_eq!(scorecard, api::compute_scorecard(&objects, &period(), &Value::Null).unwrap());
    // I2 was closed as not planned: one restore time, one failed deployment (D1, live at 1500).
    assert_eq!((scorecard.metrics.mttr.samples, scorecard.metrics.change_failure_rate.current), (1, Some(50.0)));
}

#[test]
fn bad_columns_are_named() {
    let cases: Vec<(Source, &str, &str)> = vec![
        (
            Source::valid().set_f64("deployments", "createdAt", vec![f64::NAN, 1.0]),
            "NON_FINITE",
            "events.deployments.createdAt[0]",
        ),
        (
            Source::valid().set_f64("incidents", "closedAt", vec![f64::INFINITY, 1.0]),
            "NON_FINITE",
            "events.incidents.closedAt[0]",
        ),
        (Source::valid().set_f64("changes", "mergedAt", vec![1.5]), "INVALID_INPUT", "events.changes.mergedAt[0]"),
        (Source::valid().set_f64("changes", "mergedAt", vec![1e17]), "INVALID_INPUT", "events.changes.mergedAt[0]"),
        (Source::valid().set_f64("deployments", "createdAt", vec![1.0]), "INVALID_INPUT", "events.deployments.idEnd"),
        (Source::valid().set_u32("deployments", "state", vec![1, 3]), "INVALID_INPUT", "events.deployments.state[1]"),
        (
            Source::valid().set_u32("deployments", "environment", vec![NO_STRING, 0]),
            "INVALID_INPUT",
            "events.deployments.environment[0]",
        ),
        (Source::valid().set_u32("deployments", "idEnd", vec![2, 2]), "INVALID_INPUT", "events.deployments.idEnd[1]"),
        (Source::valid().set_u32("deployments", "idEnd", vec![2, 9]), "INVALID_INPUT", "events.deployments.idEnd[1]"),
        (Source::valid().set_bytes("deployments", b"D1D2x"), "INVALID_INPUT", "events.deployments.ids"),
        (
            Source::valid().set_bytes("deployments", &[b'D', 0xff, b'D', b'2']),
            "INVALID_INPUT",
            "events.deployments.ids[0]",
        ),
        // Valid UTF-8 as a whole, but the first id ends inside a character.
        (
            Source::valid().set_bytes("deployments", "Dé2".as_bytes()).set_u32("deployments", "idEnd", vec![2, 4]),
            "INVALID_INPUT",
            "events.deployments.ids[0]",
        ),
        (Source::valid().set_bytes("incidents", b"I1I1"), "DUPLICATE_ID", "events.incidents.ids[1]"),
        (
            Source { missing: Some(("changes", "mergedAt")), ..Source::valid() },
            "INVALID_INPUT",
            "events.changes.mergedAt",
        ),
    ];
    for (source, code, field) in cases {
        let err = api::compute_scorecard_columns(&source, &period(), &Value::Null).unwrap_err();
        assert_eq!((err.code(), err.field()), (code, field), "{err}");
    }
    // NON_FINITE anywhere comes first: in the period, before a column's type error.
    let missing = Source { missing: Some(("changes", "mergedAt")), ..Source::valid() };
    let nan_days = Value::Object(vec![("today".into(), "1970-01-01".into()), ("days".into(), f64::NAN.into())]);
    assert_eq!(api::compute_scorecard_columns(&missing, &nan_days, &Value::Null).unwrap_err().code(), "NON_FINITE");
    // A NaN optional instant is absent, not an error.
    assert!(api::compute_scorecard_columns(&Source::valid(), &period(), &Value::Null).is_ok());
}
