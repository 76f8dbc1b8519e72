//! The shared vectors of tests/vectors/*.json, run through the same JS-shaped API the
//! bindings call (tests/js/vectors.js is the JavaScript twin of this harness).

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

use dora_metrics_core::{Value, api};

/// JSON cannot hold NaN or the infinities: vectors write them as {"$float": "NaN"}.
fn decode(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap()),
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(decode).collect()),
        serde_json::Value::Object(map) => {
            if let (1, Some(serde_json::Value::String(f))) = (map.len(), map.get("$float")) {
                return Value::Number(match f.as_str() {
                    "NaN" => f64::NAN,
                    "Infinity" => f64::INFINITY,
                    "-Infinity" => f64::NEG_INFINITY,
                    other => panic!("unknown $float {other}"),
                });
            }
            Value::Object(map.iter().map(|(k, v)| (k.clone(), decode(v))).collect())
        }
    }
}

fn call(name: &str, args: &[Value]) -> Result<serde_json::Value, String> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
    fn json<T: serde::Serialize>(value: T) -> serde_json::Value {
        serde_json::to_value(value).unwrap()
    }
    let out = match name {
        "aggregateDaily" => api::aggregate_daily(&arg(0), &arg(1)).map(json),
        "computeScorecard" => api::compute_scorecard(&arg(0), &arg(1), &arg(2)).map(json),
        "scoreWhatIf" => api::score_what_if(&arg(0), &arg(1)).map(json),
        "classifyTier" => api::classify_tier(&arg(0), &arg(1), &arg(2)).map(json),
        "matchEnvironment" => api::match_environment(&arg(0), &arg(1)).map(json),
        "selectServices" => api::select_services(&arg(0), &arg(1)).map(json),
        other => panic!("unknown call {other}"),
    };
    out.map_err(|e| e.code().to_owned())
}

/// Numbers within a relative 1e-9; everything else exactly, key sets included.
fn mismatch(actual: &serde_json::Value, expected: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value as J;
    match (actual, expected) {
        (J::Number(a), J::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap(), e.as_f64().unwrap());
            ((a - e).abs() > 1e-9 * e.abs().max(1.0)).then(|| format!("{at}: {a} != {e}"))
        }
        (J::Array(a), J::Array(e)) if a.len() == e.len() => {
            a.iter().zip(e).enumerate().find_map(|(i, (a, e))| mismatch(a, e, &format!("{at}[{i}]")))
        }
        (J::Object(a), J::Object(e)) => {
            let mut ak: Vec<_> = a.keys().collect();
            let mut ek: Vec<_> = e.keys().collect();
            ak.sort();
            ek.sort();
            if ak != ek {
                return Some(format!("{at}: keys {ak:?} != {ek:?}"));
            }
            e.iter().find_map(|(k, ev)| mismatch(&a[k], ev, &format!("{at}.{k}")))
        }
        _ => (actual != expected).then(|| format!("{at}: {actual} != {expected}")),
    }
}

#[test]
fn shared_vectors() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "only {} vectors in {}", files.len(), dir.display());
    let mut failures = Vec::new();
    for file in &files {
        let vector: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let args: Vec<Value> = vector["args"].as_array().unwrap().iter().map(decode).collect();
        let outcome = call(vector["call"].as_str().unwrap(), &args);
        let expect = &vector["expect"];
        let verdict = match (expect.get("error").and_then(|e| e.as_str()), &outcome) {
            (Some(code), Err(got)) if code == got => None,
            (Some(code), _) => Some(format!("expected error {code}, got {outcome:?}")),
            (None, Err(code)) => Some(format!("unexpected error {code}")),
            (None, Ok(value)) => mismatch(value, expect, "$"),
        };
        if let Some(why) = verdict {
            failures.push(format!("{}: {why}", file.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(failures.is_empty(), "{} of {} vectors failed:\n{}", failures.len(), files.len(), failures.join("\n"));
    println!("{} vectors passed", files.len());
}
