//! Generators shared by the property tests (`reference.rs`, `laws.rs`): random but valid
//! events of one service, clustered around a random `today` so that both periods of a
//! scorecard are populated, and random options in a plain form the reference can read without
//! going through the core.

#![allow(dead_code)]

use dora_metrics_core::{
    Change, Deployment, EnvironmentMatcher, Events, Incident, Options, Statistic, Targets, Thresholds, TierSet, Value,
};
use proptest::prelude::*;
use proptest::sample::select;

/// `ProptestConfig::with_cases(n)`, saving failing seeds to `file` (relative to the package
/// root, where cargo runs the tests): proptest cannot find a `lib.rs` beside `tests/*.rs`, so
/// its default source-parallel persistence would save nothing.
pub fn cases(n: u32, file: &'static str) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(file))),
        ..ProptestConfig::with_cases(n)
    }
}

pub const DAY: i64 = 86_400_000;
pub const HOUR: i64 = 3_600_000;
pub const MINUTE: i64 = 60_000;

/// A small alphabet so ids collide (uniqueness is then enforced) and ties on created_at are
/// broken by ids that differ in case and in multi-byte UTF-8.
pub const IDS: [&str; 16] = ["a", "b", "c", "A", "B", "aa", "ab", "a0", "_", "Z", "z", "é", "ä", "0", "Ω", "D_kwDOx"];

pub const ENVIRONMENTS: [&str; 16] = [
    "production",
    "prod-eu",
    "staging",
    "preprod",
    "PROD",
    " Prd ",
    "production2",
    "Production/us",
    "prod_us",
    "prd.west",
    "qa",
    "live",
    "Live-1",
    "stage-prod",
    "prod eu",
    "",
];

/// Every GitHub DeploymentState / DeploymentStatusState, plus junk.
pub const STATES: [&str; 13] = [
    "SUCCESS",
    "ACTIVE",
    "INACTIVE",
    "FAILURE",
    "ERROR",
    "PENDING",
    "QUEUED",
    "IN_PROGRESS",
    "WAITING",
    "ABANDONED",
    "DESTROYED",
    "",
    "succes",
];

const PRODUCTION_LIKE: [&str; 9] =
    ["production", "prod-eu", "PROD", " Prd ", "Production/us", "prod_us", "prd.west", "live", "Live-1"];
const COMPLETED_STATES: [&str; 5] = ["SUCCESS", "ACTIVE", "INACTIVE", "FAILURE", "ERROR"];

pub const REASONS: [&str; 6] = ["COMPLETED", "NOT_PLANNED", "DUPLICATE", "REOPENED", "not planned", "other"];

/// Unicode whitespace that `str::trim` drops.
const PADS: [&str; 5] = ["", " ", "\t", " \u{3000}", "\u{a0}\n"];

/// Instants (relative to the start of `today`) shared by several events: ties on created_at.
const TIE_POOL: [i64; 6] =
    [-DAY + 12 * HOUR, -2 * DAY, -10 * DAY + 6 * HOUR, -30 * DAY + DAY - 1, 0, -45 * DAY + 90 * MINUTE];

/// Text in random case, sometimes padded with whitespace.
pub fn mangled(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    (select(words), any::<u64>(), 0..PADS.len(), 0..PADS.len()).prop_map(|(word, mask, l, r)| {
        let body: String = word
            .chars()
            .enumerate()
            .map(|(i, c)| if mask >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect();
        format!("{}{body}{}", PADS[l], PADS[r])
    })
}

fn time_of_day() -> impl Strategy<Value = i64> {
    // Half-hours hit hour and minute thresholds exactly; half-seconds make the rollup's mean
    // seconds land on .5 (rounded half away from zero).
    prop_oneof![
        Just(0),
        Just(DAY - 1),
        (0..48i64).prop_map(|k| k * 30 * MINUTE),
        (0..2 * 86_400i64).prop_map(|k| k * 500),
        0..DAY
    ]
}

/// An instant relative to the start of `today`: mostly within the two periods of `days` dates
/// before it, some within the 70 days before it, a few after it (ignored by the scorecard's
/// as-of cut, used by the rollup), some on instants shared with other events.
pub fn rel_instant(days: u32) -> impl Strategy<Value = i64> {
    let span = 2 * i64::from(days) + 1;
    prop_oneof![
        4 => (-span..=1, time_of_day()).prop_map(|(d, t)| d * DAY + t),
        2 => (-70i64..=3, time_of_day()).prop_map(|(d, t)| d * DAY + t),
        1 => select(TIE_POOL.to_vec()),
    ]
}

pub fn duration() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(0),
        Just(1),
        (0..96i64).prop_map(|k| k * 30 * MINUTE),
        (1..=10i64).prop_map(|d| d * DAY),
        (0..20_000i64).prop_map(|k| k * 500),
        0..5 * DAY,
    ]
}

/// Keeps the first event of each id.
pub fn unique_by_id<T>(items: Vec<(usize, T)>) -> Vec<T> {
    let mut seen = [false; IDS.len()];
    items.into_iter().filter_map(|(id, item)| (!std::mem::replace(&mut seen[id], true)).then_some(item)).collect()
}

/// Tier thresholds as plain data.
#[derive(Debug, Clone, PartialEq)]
pub enum TierChoice {
    Dora2023,
    Dora2021,
    /// [elite, high, medium] per metric: deploymentFrequency, leadTime, changeFailureRate, mttr.
    Custom {
        key: [[f64; 3]; 4],
        rework: Option<[f64; 3]>,
    },
}

/// Options as plain data (the reference reads this, the core gets `options()`/`to_value()`).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub production: Vec<String>,
    pub mean: bool,
    pub tiers: TierChoice,
    /// deploymentFrequency, leadTime, changeFailureRate, mttr.
    pub targets: [f64; 4],
}

fn thresholds([e, h, m]: [f64; 3]) -> Thresholds {
    Thresholds::new(e, h, m)
}

impl Config {
    pub fn tier_set(&self) -> TierSet {
        match &self.tiers {
            TierChoice::Dora2023 => TierSet::DORA_2023,
            TierChoice::Dora2021 => TierSet::DORA_2021,
            TierChoice::Custom { key, rework } => TierSet {
                deployment_frequency: thresholds(key[0]),
                lead_time: thresholds(key[1]),
                change_failure_rate: thresholds(key[2]),
                mttr: thresholds(key[3]),
                rework_rate: rework.map(thresholds),
            },
        }
    }

    pub fn options(&self) -> Options {
        let [df, lt, cfr, mttr] = self.targets;
        Options {
            production: EnvironmentMatcher::new(&self.production),
            statistic: if self.mean { Statistic::Mean } else { Statistic::Median },
            tiers: self.tier_set(),
            targets: Targets { deployment_frequency: df, lead_time: lt, change_failure_rate: cfr, mttr },
        }
    }

    pub fn tiers_value(&self) -> Value {
        match &self.tiers {
            TierChoice::Dora2023 => "dora-2023".into(),
            TierChoice::Dora2021 => "dora-2021".into(),
            TierChoice::Custom { key, rework } => {
                let mut entries: Vec<(String, Value)> =
                    ["deploymentFrequency", "leadTime", "changeFailureRate", "mttr"]
                        .iter()
                        .zip(key)
                        .map(|(name, t)| (name.to_string(), t.to_vec().into()))
                        .collect();
                if let Some(t) = rework {
                    entries.push(("reworkRate".into(), t.to_vec().into()));
                }
                Value::Object(entries)
            }
        }
    }

    /// The CORE_API.md options document.
    pub fn to_value(&self) -> Value {
        let [df, lt, cfr, mttr] = self.targets;
        obj(vec![
            ("productionEnvironments", self.production.iter().map(|s| s.as_str()).collect::<Vec<_>>().into()),
            ("statistic", if self.mean { "mean" } else { "median" }.into()),
            ("tiers", self.tiers_value()),
            (
                "targets",
                obj(vec![
                    ("deploymentFrequency", df.into()),
                    ("leadTime", lt.into()),
                    ("changeFailureRate", cfr.into()),
                    ("mttr", mttr.into()),
                ]),
            ),
        ])
    }
}

pub fn obj(entries: Vec<(&str, Value)>) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn instant_value(ms: i64) -> Value {
    Value::Number(ms as f64)
}

fn optional_instant(ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, instant_value)
}

/// The CORE_API.md events document of typed events (optional fields written as `null`).
pub fn events_value(events: &Events) -> Value {
    let deployments = events
        .deployments
        .iter()
        .map(|d| {
            obj(vec![
                ("id", d.id.as_str().into()),
                ("environment", d.environment.as_str().into()),
                ("state", d.state.as_str().into()),
                ("createdAt", instant_value(d.created_at)),
            ])
        })
        .collect::<Vec<_>>();
    let changes = events
        .changes
        .iter()
        .map(|c| {
            obj(vec![
                ("id", c.id.as_str().into()),
                ("createdAt", instant_value(c.created_at)),
                ("firstCommitAt", optional_instant(c.first_commit_at)),
                ("mergedAt", instant_value(c.merged_at)),
            ])
        })
        .collect::<Vec<_>>();
    let incidents = events
        .incidents
        .iter()
        .map(|i| {
            obj(vec![
                ("id", i.id.as_str().into()),
                ("createdAt", instant_value(i.created_at)),
                ("closedAt", optional_instant(i.closed_at)),
                ("stateReason", i.state_reason.as_deref().map_or(Value::Null, Value::from)),
            ])
        })
        .collect::<Vec<_>>();
    obj(vec![("deployments", deployments.into()), ("changes", changes.into()), ("incidents", incidents.into())])
}

pub fn period_value(today: i64, days: u32) -> Value {
    obj(vec![("today", dora_metrics_core::format_day(today).as_str().into()), ("days", f64::from(days).into())])
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// A strictly increasing triple in [lo, ...) with gaps of at least 1 %.
fn increasing_triple() -> impl Strategy<Value = [f64; 3]> {
    (-3.0f64..4.0, 1.01f64..20.0, 1.01f64..20.0).prop_map(|(exp, r1, r2)| {
        let a = 10f64.powf(exp);
        [a, a * r1, a * r1 * r2]
    })
}

/// Valid thresholds for a lower-is-better metric (e < h < m); round ones are hit exactly by
/// the generated events (whole hours, half-hours, simple fractions of deployments).
pub fn lower_triple() -> impl Strategy<Value = [f64; 3]> {
    prop_oneof![
        1 => select(vec![[1.0, 24.0, 48.0], [10.0, 25.0, 50.0], [30.0, 60.0, 240.0], [0.5, 12.5, 100.0]]),
        1 => increasing_triple(),
    ]
}

/// Valid thresholds for deployment frequency (e > h > m).
pub fn higher_triple() -> impl Strategy<Value = [f64; 3]> {
    prop_oneof![
        1 => select(vec![[7.0, 3.5, 1.0], [14.0, 7.0 / 3.0, 7.0 / 60.0], [70.0, 7.0, 0.7]]),
        1 => increasing_triple().prop_map(|[m, h, e]| [e, h, m]),
    ]
}

pub fn tier_choice() -> impl Strategy<Value = TierChoice> {
    prop_oneof![
        Just(TierChoice::Dora2023),
        Just(TierChoice::Dora2021),
        (
            higher_triple(),
            lower_triple(),
            lower_triple(),
            lower_triple(),
            proptest::option::weighted(0.8, lower_triple())
        )
            .prop_map(|(df, lt, cfr, mttr, rework)| TierChoice::Custom { key: [df, lt, cfr, mttr], rework }),
    ]
}

pub fn config() -> impl Strategy<Value = Config> {
    let production = prop_oneof![
        5 => Just(vec!["prd", "prod", "production"]),
        2 => Just(vec!["production", "live"]),
        1 => Just(vec![" Prod "]),
        1 => Just(vec![]),
    ]
    .prop_map(|names| names.into_iter().map(str::to_owned).collect());
    let targets = prop_oneof![
        Just([7.0, 24.0, 5.0, 60.0]),
        (
            select(vec![0.5, 1.0, 7.0, 7.0 / 30.0, 3.5]),
            select(vec![1.0, 24.0, 168.0, 0.5]),
            select(vec![0.0, 5.0, 25.0, 50.0, 100.0]),
            select(vec![30.0, 60.0, 1440.0])
        )
            .prop_map(|(a, b, c, d)| [a, b, c, d]),
    ];
    (production, any::<bool>(), tier_choice(), targets).prop_map(|(production, mean, tiers, targets)| Config {
        production,
        mean,
        tiers,
        targets,
    })
}

/// Events with instants relative to the start of `today` (see [`rel_instant`]).
pub fn rel_events(days: u32) -> impl Strategy<Value = Events> {
    let environment = prop_oneof![
        4 => select(PRODUCTION_LIKE.to_vec()).prop_map(str::to_owned),
        2 => select(ENVIRONMENTS.to_vec()).prop_map(str::to_owned),
        1 => mangled(&ENVIRONMENTS),
    ];
    let state = prop_oneof![2 => mangled(&COMPLETED_STATES), 1 => mangled(&STATES)];
    let deployment =
        (0..IDS.len(), environment, state, rel_instant(days)).prop_map(|(id, environment, state, created_at)| {
            (id, Deployment { id: IDS[id].to_owned(), environment, state, created_at })
        });
    let change = (0..IDS.len(), rel_instant(days), duration(), 0..5u8, 0..3u8, duration()).prop_map(
        |(id, merged_at, gap, created_how, first_how, gap2)| {
            // created before merge mostly, sometimes after it (bad data).
            let created_at = if created_how == 0 { merged_at + gap } else { merged_at - gap };
            let first_commit_at = match first_how {
                0 => None,
                1 => Some(created_at - gap2),
                _ => Some(merged_at + gap2 - DAY),
            };
            (id, Change { id: IDS[id].to_owned(), created_at, first_commit_at, merged_at })
        },
    );
    let reason = proptest::option::weighted(0.6, mangled(&REASONS));
    let incident = (0..IDS.len(), rel_instant(days), 0..5u8, duration(), reason).prop_map(
        |(id, created_at, closed_how, gap, state_reason)| {
            let closed_at = match closed_how {
                0 => None,
                1 => Some(created_at - gap - 1), // closedAt before createdAt
                2 => Some(created_at),
                _ => Some(created_at + gap),
            };
            (id, Incident { id: IDS[id].to_owned(), created_at, closed_at, state_reason })
        },
    );
    (
        prop_oneof![1 => Just(vec![]), 6 => proptest::collection::vec(deployment, 0..=16)],
        proptest::collection::vec(change, 0..=14),
        proptest::collection::vec(incident, 0..=12),
    )
        .prop_map(|(d, c, i)| Events {
            deployments: unique_by_id(d),
            changes: unique_by_id(c),
            incidents: unique_by_id(i),
        })
}

/// The same events, every instant moved by `offset_ms`.
pub fn shifted(mut events: Events, offset_ms: i64) -> Events {
    for d in &mut events.deployments {
        d.created_at += offset_ms;
    }
    for c in &mut events.changes {
        c.created_at += offset_ms;
        c.merged_at += offset_ms;
        c.first_commit_at = c.first_commit_at.map(|t| t + offset_ms);
    }
    for i in &mut events.incidents {
        i.created_at += offset_ms;
        i.closed_at = i.closed_at.map(|t| t + offset_ms);
    }
    events
}

/// Every instant of the events.
pub fn instants(events: &Events) -> Vec<i64> {
    let mut all = Vec::new();
    all.extend(events.deployments.iter().map(|d| d.created_at));
    for c in &events.changes {
        all.extend([c.created_at, c.merged_at]);
        all.extend(c.first_commit_at);
    }
    for i in &events.incidents {
        all.push(i.created_at);
        all.extend(i.closed_at);
    }
    all
}

#[derive(Debug, Clone)]
pub struct Scenario {
    /// Day number (days since 1970-01-01).
    pub today: i64,
    pub days: u32,
    pub events: Events,
    pub config: Config,
}

pub fn scenario() -> impl Strategy<Value = Scenario> {
    let days = prop_oneof![1 => select(vec![1u32, 7, 30, 60]), 3 => 1u32..=60];
    (18_000i64..22_000, days, config())
        .prop_flat_map(|(today, days, config)| (Just(today), Just(days), rel_events(days), Just(config)))
        .prop_map(|(today, days, events, config)| Scenario {
            today,
            days,
            events: shifted(events, today * DAY),
            config,
        })
}

/// A scenario whose `today` is on or after the date of every instant of its events, so the
/// as-of cut drops nothing.
pub fn scenario_after_everything() -> impl Strategy<Value = Scenario> {
    (scenario(), 0i64..3).prop_map(|(mut s, extra)| {
        if let Some(last) = instants(&s.events).into_iter().max() {
            s.today = s.today.max(last.div_euclid(DAY)) + extra;
        }
        s
    })
}
