//! Criterion benchmarks of dora-metrics-core on the events bench/generate.js wrote, run by
//! bench/run.js (`npm run bench`), which reads criterion's estimates afterwards.
//!
//! Per size, three measurements split the addons' time into its parts:
//! - `typed`: the typed API (`aggregate_daily`, `compute_scorecard` on `Events`), compute only;
//! - `api`: the JavaScript-shaped API on a `Value` document, what a binding calls once it has
//!   converted its arguments: non-finite check, field parsing, duplicate ids, then compute;
//! - `columns`: the columns entry points on `EventColumns`, what the addon's
//!   `*Columns` functions run once napi has lent them the typed arrays: checks, duplicate ids,
//!   then compute.
//!
//! Environment: BENCH_DATA (folder of events-<n>.tsv), BENCH_SIZES (e.g. `10000,100000`),
//! BENCH_TODAY, BENCH_DAYS; BENCH_CHECK=1 writes rust-check-<n>.json (the typed API's results,
//! for run.js to compare with the addon's) instead of benchmarking.

use std::fs;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode};
use dora_metrics_core::{
    Change, Deployment, EventColumns, Events, Incident, Options, Period, Value, aggregate_daily,
    aggregate_daily_columns, api, compute_scorecard, compute_scorecard_columns, parse_day,
};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set (run through `npm run bench`)"))
}

/// Reads bench/generate.js's TSV: one event per line, kind first, empty fields for null.
fn load(path: &PathBuf) -> Events {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut events = Events::default();
    let int = |s: &str| s.parse::<i64>().unwrap_or_else(|e| panic!("{s:?}: {e}"));
    let opt_int = |s: &str| (!s.is_empty()).then(|| int(s));
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f[0] {
            "D" => events.deployments.push(Deployment {
                id: f[1].into(),
                environment: f[2].into(),
                state: f[3].into(),
                created_at: int(f[4]),
            }),
            "C" => events.changes.push(Change {
                id: f[1].into(),
                created_at: int(f[2]),
                first_commit_at: opt_int(f[3]),
                merged_at: int(f[4]),
            }),
            "I" => events.incidents.push(Incident {
                id: f[1].into(),
                created_at: int(f[2]),
                closed_at: opt_int(f[3]),
                state_reason: (!f[4].is_empty()).then(|| f[4].into()),
            }),
            other => panic!("unknown event kind {other:?}"),
        }
    }
    events
}

/// The document a binding builds from the JavaScript objects (same keys, same order).
fn document(events: &Events) -> Value {
    let s = |v: &str| Value::String(v.into());
    let n = |v: i64| Value::Number(v as f64);
    let object = |entries: Vec<(&str, Value)>| Value::Object(entries.into_iter().map(|(k, v)| (k.into(), v)).collect());
    let list = |items: Vec<Value>| Value::Array(items);
    object(vec![
        (
            "deployments",
            list(
                events
                    .deployments
                    .iter()
                    .map(|d| {
                        object(vec![
                            ("id", s(&d.id)),
                            ("environment", s(&d.environment)),
                            ("state", s(&d.state)),
                            ("createdAt", n(d.created_at)),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "changes",
            list(
                events
                    .changes
                    .iter()
                    .map(|c| {
                        object(vec![
                            ("id", s(&c.id)),
                            ("createdAt", n(c.created_at)),
                            ("firstCommitAt", c.first_commit_at.map_or(Value::Null, n)),
                            ("mergedAt", n(c.merged_at)),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "incidents",
            list(
                events
                    .incidents
                    .iter()
                    .map(|i| {
                        object(vec![
                            ("id", s(&i.id)),
                            ("createdAt", n(i.created_at)),
                            ("closedAt", i.closed_at.map_or(Value::Null, n)),
                            ("stateReason", i.state_reason.as_deref().map_or(Value::Null, s)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}

fn main() {
    let data = PathBuf::from(env("BENCH_DATA"));
    let sizes: Vec<usize> = env("BENCH_SIZES").split(',').map(|s| s.trim().parse().expect("BENCH_SIZES")).collect();
    let today = parse_day(&env("BENCH_TODAY")).expect("BENCH_TODAY");
    let days: u32 = env("BENCH_DAYS").parse().expect("BENCH_DAYS");
    let period = Period::new(today, days).expect("period");
    let options = Options::default();
    let period_doc = Value::Object(vec![
        ("today".into(), Value::String(env("BENCH_TODAY"))),
        ("days".into(), Value::Number(days.into())),
    ]);

    if std::env::var("BENCH_CHECK").is_ok_and(|v| v == "1") {
        for &n in &sizes {
            let events = load(&data.join(format!("events-{n}.tsv")));
            let out = serde_json::json!({
                "daily": aggregate_daily(&events, &options),
                "scorecard": compute_scorecard(&events, period, &options),
            });
            fs::write(data.join(format!("rust-check-{n}.json")), out.to_string()).expect("write check");
        }
        return;
    }

    let mut c = Criterion::default().configure_from_args();
    for &n in &sizes {
        let events = load(&data.join(format!("events-{n}.tsv")));
        let doc = document(&events);
        let columns = EventColumns::from(&events);
        // Each 1e6-event call takes a large fraction of a second: few flat samples there.
        let (samples, measure, warm) = match n {
            0..=20_000 => (30, Duration::from_secs(2), Duration::from_millis(500)),
            20_001..=200_000 => (15, Duration::from_secs(3), Duration::from_millis(500)),
            _ => (10, Duration::from_secs(5), Duration::from_millis(500)),
        };
        for function in ["aggregate_daily", "compute_scorecard"] {
            let mut group = c.benchmark_group(function);
            group.sample_size(samples).measurement_time(measure).warm_up_time(warm);
            group.sampling_mode(SamplingMode::Flat);
            if function == "aggregate_daily" {
                group.bench_function(BenchmarkId::new("typed", n), |b| {
                    b.iter(|| aggregate_daily(black_box(&events), &options))
                });
                group.bench_function(BenchmarkId::new("api", n), |b| {
                    b.iter(|| api::aggregate_daily(black_box(&doc), &Value::Null).expect("api"))
                });
                group.bench_function(BenchmarkId::new("columns", n), |b| {
                    b.iter(|| aggregate_daily_columns(black_box(&columns), &options).expect("columns"))
                });
            } else {
                group.bench_function(BenchmarkId::new("typed", n), |b| {
                    b.iter(|| compute_scorecard(black_box(&events), period, &options))
                });
                group.bench_function(BenchmarkId::new("api", n), |b| {
                    b.iter(|| api::compute_scorecard(black_box(&doc), &period_doc, &Value::Null).expect("api"))
                });
                group.bench_function(BenchmarkId::new("columns", n), |b| {
                    b.iter(|| compute_scorecard_columns(black_box(&columns), period, &options).expect("columns"))
                });
            }
            group.finish();
        }
    }
    c.final_summary();
}
