//! Criterion benchmarks of dora-metrics-core on the events bench/generate.js wrote, run by
//! bench/run.js (`npm run bench`), which reads criterion's estimates afterwards.
//!
//! Per size, four measurements split the addon's time into its parts and price a compact input:
//! - `typed`: the typed API (`aggregate_daily`, `compute_scorecard` on `Events`), compute only;
//! - `api`: the JavaScript-shaped API on a `Value` document, what a binding calls once it has
//!   converted its arguments: non-finite check, field parsing, duplicate ids, then compute;
//! - `unique_ids`: the duplicate-id check alone, which any input form must still pay;
//! - `compact`: a prototype of a compact input form (instants as f64 arrays, environments,
//!   states and reasons as dictionary codes, ids in one string with end offsets), decoded and
//!   checked into `Events`, ids checked, then compute: what an addon taking typed arrays would
//!   cost once JavaScript has handed them over (napi passes typed arrays without copying).
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
    Change, Deployment, Events, Incident, Options, Period, Value, aggregate_daily, api, compute_scorecard, parse_day,
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

/// The compact input form: per kind, parallel arrays; `NaN` and `NONE` for null.
struct Compact {
    dictionary: Vec<String>,
    ids: String,
    deployment_id_ends: Vec<u32>,
    deployment_environments: Vec<u32>,
    deployment_states: Vec<u32>,
    deployment_created: Vec<f64>,
    change_id_ends: Vec<u32>,
    change_created: Vec<f64>,
    change_first_commit: Vec<f64>,
    change_merged: Vec<f64>,
    incident_id_ends: Vec<u32>,
    incident_created: Vec<f64>,
    incident_closed: Vec<f64>,
    incident_reasons: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Compact {
    fn encode(events: &Events) -> Compact {
        let mut codes: std::collections::HashMap<String, u32> = Default::default();
        let mut dictionary = Vec::new();
        let mut code = |s: &str| {
            *codes.entry(s.to_owned()).or_insert_with(|| {
                dictionary.push(s.to_owned());
                dictionary.len() as u32 - 1
            })
        };
        let mut ids = String::new();
        let mut end = |id: &str| {
            ids.push_str(id);
            ids.len() as u32
        };
        let opt = |v: Option<i64>| v.map_or(f64::NAN, |v| v as f64);
        let d = &events.deployments;
        let c = &events.changes;
        let i = &events.incidents;
        Compact {
            deployment_id_ends: d.iter().map(|x| end(&x.id)).collect(),
            deployment_environments: d.iter().map(|x| code(&x.environment)).collect(),
            deployment_states: d.iter().map(|x| code(&x.state)).collect(),
            deployment_created: d.iter().map(|x| x.created_at as f64).collect(),
            change_id_ends: c.iter().map(|x| end(&x.id)).collect(),
            change_created: c.iter().map(|x| x.created_at as f64).collect(),
            change_first_commit: c.iter().map(|x| opt(x.first_commit_at)).collect(),
            change_merged: c.iter().map(|x| x.merged_at as f64).collect(),
            incident_id_ends: i.iter().map(|x| end(&x.id)).collect(),
            incident_created: i.iter().map(|x| x.created_at as f64).collect(),
            incident_closed: i.iter().map(|x| opt(x.closed_at)).collect(),
            incident_reasons: i.iter().map(|x| x.state_reason.as_deref().map_or(NONE, &mut code)).collect(),
            dictionary,
            ids,
        }
    }

    /// Back to `Events`, checking what the document path checks: integer, in-range instants
    /// (the range is chrono's, roughly ±2.6e17 ms), non-empty ids, codes within the dictionary.
    fn decode(&self) -> Result<Events, String> {
        const MAX: f64 = 8.2e18;
        let instant = |v: f64| {
            if v.fract() == 0.0 && v.abs() < MAX { Ok(v as i64) } else { Err(format!("bad instant {v}")) }
        };
        let optional = |v: f64| if v.is_nan() { Ok(None) } else { instant(v).map(Some) };
        let text = |code: u32| self.dictionary.get(code as usize).cloned().ok_or("bad code");
        let ids = |ends: &[u32], base: u32| -> Result<Vec<String>, String> {
            let mut start = base as usize;
            ends.iter()
                .map(|&e| {
                    let id = self.ids.get(start..e as usize).filter(|s| !s.is_empty()).ok_or("bad id")?;
                    start = e as usize;
                    Ok(id.to_owned())
                })
                .collect()
        };
        let d_ids = ids(&self.deployment_id_ends, 0)?;
        let c_ids = ids(&self.change_id_ends, self.deployment_id_ends.last().copied().unwrap_or(0))?;
        let i_base = self.change_id_ends.last().or(self.deployment_id_ends.last()).copied().unwrap_or(0);
        let i_ids = ids(&self.incident_id_ends, i_base)?;
        let mut events = Events::default();
        for (k, id) in d_ids.into_iter().enumerate() {
            events.deployments.push(Deployment {
                id,
                environment: text(self.deployment_environments[k])?,
                state: text(self.deployment_states[k])?,
                created_at: instant(self.deployment_created[k])?,
            });
        }
        for (k, id) in c_ids.into_iter().enumerate() {
            events.changes.push(Change {
                id,
                created_at: instant(self.change_created[k])?,
                first_commit_at: optional(self.change_first_commit[k])?,
                merged_at: instant(self.change_merged[k])?,
            });
        }
        for (k, id) in i_ids.into_iter().enumerate() {
            let reason = self.incident_reasons[k];
            events.incidents.push(Incident {
                id,
                created_at: instant(self.incident_created[k])?,
                closed_at: optional(self.incident_closed[k])?,
                state_reason: if reason == NONE { None } else { Some(text(reason)?) },
            });
        }
        events.check_unique_ids("events").map_err(|e| e.to_string())?;
        Ok(events)
    }
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
        let compact = Compact::encode(&events);
        assert_eq!(compact.decode().expect("decode"), events);
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
                group.bench_function(BenchmarkId::new("compact", n), |b| {
                    b.iter(|| aggregate_daily(&black_box(&compact).decode().expect("decode"), &options))
                });
            } else {
                group.bench_function(BenchmarkId::new("typed", n), |b| {
                    b.iter(|| compute_scorecard(black_box(&events), period, &options))
                });
                group.bench_function(BenchmarkId::new("api", n), |b| {
                    b.iter(|| api::compute_scorecard(black_box(&doc), &period_doc, &Value::Null).expect("api"))
                });
                group.bench_function(BenchmarkId::new("compact", n), |b| {
                    b.iter(|| compute_scorecard(&black_box(&compact).decode().expect("decode"), period, &options))
                });
            }
            group.finish();
        }
        let mut group = c.benchmark_group("unique_ids");
        group.sample_size(samples).measurement_time(measure).warm_up_time(warm);
        group.sampling_mode(SamplingMode::Flat);
        group.bench_function(BenchmarkId::new("typed", n), |b| {
            b.iter(|| black_box(&events).check_unique_ids("events").expect("unique"))
        });
        group.finish();
    }
    c.final_summary();
}
