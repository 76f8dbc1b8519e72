//! Laws of the metrics (spec/METRICS.md, spec/CORE_API.md) as property tests: properties that
//! hold for every input, checked on random ones, without a second implementation.
//!
//!   (a) order independence       (b) duplicate ids are rejected    (c) rollup = scorecard history
//!   (d) scores: monotone, bounded, continuous at thresholds         (e) tiers: monotone, banded
//!   (f) no input panics          (g) the overall score is an integer 0..=100 or null

// Test code: a panic is a test failure, which is what an unexpected `None`/`Err` should be.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod prop_support;

use dora_metrics_core::{
    Change, Deployment, EnvironmentMatcher, Events, Incident, Metric, Outcome, Period, Scorecard, Statistic,
    Thresholds, Tier, TierSet, Value, WhatIf, aggregate_daily, api, compute_scorecard, format_day, overall_score,
    overall_tier,
};
use prop_support::{DAY, Scenario, cases, events_value, obj, period_value, scenario, scenario_after_everything};
use proptest::prelude::*;
use proptest::sample::{Index, select};

const REGRESSIONS: &str = "proptest-regressions/laws.txt";

fn scorecard_of(s: &Scenario, events: &Events) -> Scorecard {
    compute_scorecard(events, Period::new(s.today, s.days).unwrap(), &s.config.options())
}

fn reports(card: &Scorecard) -> [(Metric, &dora_metrics_core::MetricReport); 5] {
    let m = &card.metrics;
    [
        (Metric::DeploymentFrequency, &m.deployment_frequency),
        (Metric::LeadTime, &m.lead_time),
        (Metric::ChangeFailureRate, &m.change_failure_rate),
        (Metric::Mttr, &m.mttr),
        (Metric::ReworkRate, &m.rework_rate),
    ]
}

// =============================================================================================
// (a) Order independence: the events are sets; their order in the input means nothing.
// =============================================================================================

fn shuffled() -> impl Strategy<Value = (Scenario, Events)> {
    scenario()
        .prop_flat_map(|s| {
            let e = s.events.clone();
            (
                Just(s),
                Just(e.deployments).prop_shuffle(),
                Just(e.changes).prop_shuffle(),
                Just(e.incidents).prop_shuffle(),
            )
        })
        .prop_map(|(s, deployments, changes, incidents)| (s, Events { deployments, changes, incidents }))
}

proptest! {
    #![proptest_config(cases(1000, REGRESSIONS))]

    /// Shuffling each list changes neither the rollup nor the scorecard (bit for bit), typed
    /// or through the JS-shaped API.
    #[test]
    fn a_results_do_not_depend_on_event_order((s, reordered) in shuffled()) {
        let options = s.config.options();
        prop_assert_eq!(aggregate_daily(&s.events, &options), aggregate_daily(&reordered, &options));
        let card = scorecard_of(&s, &s.events);
        prop_assert_eq!(&card, &scorecard_of(&s, &reordered));
        let via_api = api::compute_scorecard(&events_value(&reordered), &period_value(s.today, s.days), &s.config.to_value());
        prop_assert_eq!(via_api.as_ref(), Ok(&card));
    }
}

// =============================================================================================
// (b) A repeated id within a kind is DUPLICATE_ID, wherever it is and whatever else differs.
// =============================================================================================

const KINDS: [&str; 3] = ["deployments", "changes", "incidents"];

fn list_mut<'a>(doc: &'a mut Value, kind: &str) -> &'a mut Vec<Value> {
    let Value::Object(entries) = doc else { unreachable!() };
    match entries.iter_mut().find(|(k, _)| k == kind) {
        Some((_, Value::Array(items))) => items,
        _ => unreachable!(),
    }
}

fn set_field(item: &mut Value, key: &str, value: Value) {
    let Value::Object(entries) = item else { unreachable!() };
    if let Some(slot) = entries.iter_mut().find(|(k, _)| k == key) {
        slot.1 = value;
    }
}

/// One event of each kind, for lists that came out empty.
fn filler(kind: &str, today: i64) -> Value {
    let t = ((today - 1) * DAY) as f64;
    match kind {
        "deployments" => obj(vec![
            ("id", "x".into()),
            ("environment", "prod".into()),
            ("state", "SUCCESS".into()),
            ("createdAt", t.into()),
        ]),
        "changes" => obj(vec![("id", "x".into()), ("createdAt", t.into()), ("mergedAt", t.into())]),
        _ => obj(vec![("id", "x".into()), ("createdAt", t.into())]),
    }
}

proptest! {
    #![proptest_config(cases(1000, REGRESSIONS))]

    /// The valid document is accepted (ids differing only in case, or repeated across kinds,
    /// are not duplicates) and equals the typed result; adding a copy of one of its events
    /// (same id, possibly another instant, possibly after `today`) is DUPLICATE_ID naming the
    /// later of the two, for both functions.
    #[test]
    fn b_duplicate_ids_are_rejected(
        s in scenario(),
        kind in 0..3usize,
        source in any::<Index>(),
        position in any::<Index>(),
        moved in prop_oneof![Just(None), Just(Some(400 * DAY)), (-3 * DAY..3 * DAY).prop_map(Some)],
    ) {
        let (period, options) = (period_value(s.today, s.days), s.config.to_value());
        let mut doc = events_value(&s.events);
        prop_assert_eq!(api::aggregate_daily(&doc, &options), Ok(aggregate_daily(&s.events, &s.config.options())));
        prop_assert_eq!(api::compute_scorecard(&doc, &period, &options), Ok(scorecard_of(&s, &s.events)));

        let kind = KINDS[kind];
        let items = list_mut(&mut doc, kind);
        if items.is_empty() {
            items.push(filler(kind, s.today));
        }
        let source = source.index(items.len());
        let mut copy = items[source].clone();
        if let Some(shift) = moved {
            let Some(Value::Number(at)) = copy.get("createdAt").cloned() else { unreachable!() };
            set_field(&mut copy, "createdAt", (at + shift as f64).into());
        }
        let position = position.index(items.len() + 1);
        items.insert(position, copy);
        let original = if source < position { source } else { source + 1 };
        let repeat = format!("events.{kind}[{}].id", original.max(position));

        for result in [
            api::aggregate_daily(&doc, &options).map(|_| ()),
            api::compute_scorecard(&doc, &period, &options).map(|_| ()),
        ] {
            let err = result.expect_err("a duplicate id must be rejected");
            prop_assert_eq!((err.code(), err.field()), ("DUPLICATE_ID", repeat.as_str()));
        }
    }
}

// =============================================================================================
// (c) Rolling up day by day equals rolling up all: with `today` after every event (so the
//     as-of cut drops nothing), a date's rollup row is that date's scorecard history, and sums
//     of rows over a period are the period's samples.
// =============================================================================================

fn completed_production_deployments(s: &Scenario) -> u32 {
    let matcher = EnvironmentMatcher::new(&s.config.production);
    s.events
        .deployments
        .iter()
        .filter(|d| matcher.matches(&d.environment) && Outcome::of_state(&d.state) != Outcome::NotCompleted)
        .count() as u32
}

#[derive(Default, Debug)]
struct Sums {
    deployments: u32,
    failures: u32,
    rework: u32,
    leads: u32,
    restores: u32,
    /// Σ avg × count, in seconds.
    lead_seconds: i64,
    restore_seconds: i64,
}

proptest! {
    #![proptest_config(cases(1000, REGRESSIONS))]

    #[test]
    fn c_rolling_up_day_by_day_equals_rolling_up_all(s in scenario_after_everything()) {
        let rows = aggregate_daily(&s.events, &s.config.options());
        let card = scorecard_of(&s, &s.events);
        let m = &card.metrics;
        let n = i64::from(s.days);
        let deploys = m.deployment_frequency.current.is_some();
        let mean = s.config.mean;

        // Rows are sorted, one per date, never all-zero.
        prop_assert!(rows.windows(2).all(|w| w[0].date < w[1].date));
        for r in &rows {
            prop_assert!(r.deployment_count + r.rework_count + r.lead_time_count + r.mttr_count > 0, "all-zero row {:?}", r);
            prop_assert!(r.deployment_failure_count <= r.deployment_count && r.rework_count <= r.deployment_count);
            prop_assert_eq!(r.lead_time_avg_seconds.is_some(), r.lead_time_count > 0);
            prop_assert_eq!(r.mttr_avg_seconds.is_some(), r.mttr_count > 0);
        }

        let row_of = |day: i64| rows.iter().find(|r| r.date == format_day(day));
        let sum = |days: std::ops::RangeInclusive<i64>| {
            let mut t = Sums::default();
            for r in days.filter_map(row_of) {
                t.deployments += r.deployment_count;
                t.failures += r.deployment_failure_count;
                t.rework += r.rework_count;
                t.leads += r.lead_time_count;
                t.restores += r.mttr_count;
                t.lead_seconds += r.lead_time_avg_seconds.unwrap_or(0) * i64::from(r.lead_time_count);
                t.restore_seconds += r.mttr_avg_seconds.unwrap_or(0) * i64::from(r.mttr_count);
            }
            t
        };

        // Date by date: the row restricted to D is the history value of D.
        for (k, day) in (s.today - n + 1..=s.today).enumerate() {
            let (count, failures, rework, leads, lead_avg, restores, restore_avg) = match row_of(day) {
                Some(r) => (r.deployment_count, r.deployment_failure_count, r.rework_count, r.lead_time_count,
                            r.lead_time_avg_seconds, r.mttr_count, r.mttr_avg_seconds),
                None => (0, 0, 0, 0, None, 0, None),
            };
            let date = format_day(day);
            prop_assert_eq!(m.deployment_frequency.history[k], deploys.then_some(f64::from(count)), "DF on {}", date);
            // Same multiply-then-divide as the scorecard: exactly equal.
            let percent = |x: u32| (count > 0).then(|| f64::from(x) * 100.0 / f64::from(count));
            prop_assert_eq!(m.change_failure_rate.history[k], percent(failures), "CFR on {}", date);
            prop_assert_eq!(m.rework_rate.history[k], percent(rework), "rework on {}", date);
            // Durations: the row keeps the mean in whole seconds, history the full precision
            // (a median equals the mean for one sample).
            for (history, unit, samples, avg, name) in [
                (m.lead_time.history[k], 3600.0, leads, lead_avg, "lead time"),
                (m.mttr.history[k], 60.0, restores, restore_avg, "mttr"),
            ] {
                prop_assert_eq!(history.is_some(), samples > 0, "{} on {}", name, date);
                if let (Some(h), Some(avg), true) = (history, avg, mean || samples == 1) {
                    prop_assert!((h * unit - avg as f64).abs() <= 0.5 + 1e-6, "{} on {}: history {} h/min, row {} s", name, date, h, avg);
                }
            }
        }

        // Period by period: samples are sums of rows.
        let current = sum(s.today - n + 1..=s.today);
        let previous = sum(s.today - 2 * n + 1..=s.today - n);
        for metric in [&m.deployment_frequency, &m.change_failure_rate, &m.rework_rate] {
            prop_assert_eq!(metric.samples, current.deployments);
        }
        prop_assert_eq!(m.lead_time.samples, current.leads);
        prop_assert_eq!(m.mttr.samples, current.restores);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
        for (got, t) in [(m.deployment_frequency.current, &current), (m.deployment_frequency.previous, &previous)] {
            prop_assert_eq!(got.is_some(), deploys);
            if let Some(v) = got {
                prop_assert!(close(v * n as f64 / 7.0, f64::from(t.deployments)), "DF {} vs {} deployments", v, t.deployments);
            }
        }
        for (got, t) in [(m.change_failure_rate.previous, &previous), (m.change_failure_rate.current, &current)] {
            prop_assert_eq!(got, (t.deployments > 0).then(|| f64::from(t.failures) * 100.0 / f64::from(t.deployments)));
        }
        prop_assert_eq!(m.rework_rate.previous, (previous.deployments > 0).then(|| f64::from(previous.rework) * 100.0 / f64::from(previous.deployments)));
        // With the mean statistic, the period's mean is the count-weighted mean of the rows'
        // means, up to their rounding (half a second per sample).
        if mean {
            for (v, t_count, t_seconds, unit) in [
                (m.lead_time.current, current.leads, current.lead_seconds, 3600.0),
                (m.lead_time.previous, previous.leads, previous.lead_seconds, 3600.0),
                (m.mttr.current, current.restores, current.restore_seconds, 60.0),
                (m.mttr.previous, previous.restores, previous.restore_seconds, 60.0),
            ] {
                prop_assert_eq!(v.is_some(), t_count > 0);
                if let Some(v) = v {
                    let n = f64::from(t_count);
                    prop_assert!((v * unit * n - t_seconds as f64).abs() <= 0.5 * n + 1e-6 * v * unit * n, "{} vs {} s over {}", v, t_seconds, t_count);
                }
            }
        }

        // Concatenating the rows of all dates gives the totals: every completed production
        // deployment is on exactly one row, and when every row falls in the two periods the
        // two periods' samples add up to all rows.
        let all = rows.iter().fold(Sums::default(), |mut t, r| {
            t.deployments += r.deployment_count;
            t.leads += r.lead_time_count;
            t.restores += r.mttr_count;
            t
        });
        prop_assert_eq!(all.deployments, completed_production_deployments(&s));
        let first = format_day(s.today - 2 * n + 1);
        if rows.iter().all(|r| r.date >= first) {
            prop_assert_eq!(all.deployments, current.deployments + previous.deployments);
            prop_assert_eq!(all.leads, current.leads + previous.leads);
            prop_assert_eq!(all.restores, current.restores + previous.restores);
        }
    }
}

// =============================================================================================
// (d), (e) Scores and tiers of a single value, for presets and random valid thresholds.
// =============================================================================================

const ALL_METRICS: [Metric; 5] =
    [Metric::DeploymentFrequency, Metric::LeadTime, Metric::ChangeFailureRate, Metric::Mttr, Metric::ReworkRate];

fn metric_thresholds() -> impl Strategy<Value = (Metric, Thresholds)> {
    prop_oneof![
        (select(Metric::KEY.to_vec()), select(vec![TierSet::DORA_2023, TierSet::DORA_2021]))
            .prop_map(|(m, set)| (m, *set.thresholds(m).unwrap())),
        select(ALL_METRICS.to_vec()).prop_flat_map(|m| {
            let triple = if m.higher_is_better() {
                prop_support::higher_triple().boxed()
            } else {
                prop_support::lower_triple().boxed()
            };
            triple.prop_map(move |[e, h, md]| (m, Thresholds::new(e, h, md)))
        }),
    ]
}

/// Values around the thresholds, far from them, 0, tiny and huge.
fn value_for(t: Thresholds) -> impl Strategy<Value = f64> {
    let ts = vec![t.elite, t.high, t.medium];
    let top = t.elite.max(t.medium) * 3.0;
    prop_oneof![
        2 => 0.0..top,
        1 => select(ts.clone()),
        1 => (select(ts), -1e-6f64..1e-6).prop_map(|(x, r)| x * (1.0 + r)),
        1 => select(vec![0.0, f64::MIN_POSITIVE, 5e-324, 1e-300, 1e300, f64::MAX]),
    ]
}

fn band(tier: Tier) -> (f64, f64) {
    match tier {
        Tier::Elite => (75.0, 100.0),
        Tier::High => (50.0, 75.0),
        Tier::Medium => (25.0, 50.0),
        Tier::Low => (0.0, 25.0),
    }
}

/// A custom tiers document: DORA 2023 for every key metric but `metric`, which gets `t`.
fn tiers_value(metric: Metric, t: Thresholds) -> Value {
    let set = TierSet::DORA_2023;
    let entries = Metric::KEY
        .iter()
        .map(|&m| {
            let x = if m == metric { t } else { *set.thresholds(m).unwrap() };
            (m.name(), vec![x.elite, x.high, x.medium].into())
        })
        .collect();
    obj(entries)
}

proptest! {
    #![proptest_config(cases(1000, REGRESSIONS))]

    /// (d) The score is in [0, 100] and monotone in the value: non-increasing where lower is
    /// better, non-decreasing for deployment frequency.
    #[test]
    fn d_score_is_bounded_and_monotone(
        (metric, t, a, b) in metric_thresholds().prop_flat_map(|(m, t)| (Just(m), Just(t), value_for(t), value_for(t)))
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let (s_lo, s_hi) = (t.score(metric, lo), t.score(metric, hi));
        for s in [s_lo, s_hi] {
            prop_assert!((0.0..=100.0).contains(&s), "score {} out of range", s);
        }
        if metric.higher_is_better() {
            prop_assert!(s_lo <= s_hi, "score({}) = {} > score({}) = {}", lo, s_lo, hi, s_hi);
        } else {
            prop_assert!(s_lo >= s_hi, "score({}) = {} < score({}) = {}", lo, s_lo, hi, s_hi);
        }
    }

    /// (d) The score is continuous at every threshold: within 1e-6 of 75, 50, 25 at e, h, m
    /// and a hair (1e-9 of the smallest neighbouring gap) either side; it starts at 100
    /// (lower is better) or 0 (deployment frequency) at 0, and deployment frequency saturates
    /// at 100 from 2e.
    #[test]
    fn d_score_is_continuous_at_thresholds((metric, t) in metric_thresholds()) {
        let Thresholds { elite: e, high: h, medium: m } = t;
        let gap = (e - h).abs().min((h - m).abs());
        for (x, edge) in [(e, 75.0), (h, 50.0), (m, 25.0)] {
            let eps = 1e-9 * x.min(gap);
            for y in [x - eps, x, x + eps] {
                let s = t.score(metric, y);
                prop_assert!((s - edge).abs() < 1e-6, "score({}) = {} next to threshold {} (score {})", y, s, x, edge);
            }
        }
        if metric.higher_is_better() {
            prop_assert_eq!(t.score(metric, 0.0), 0.0);
            prop_assert_eq!(t.score(metric, 2.0 * e), 100.0);
            prop_assert_eq!(t.score(metric, 1e300), 100.0);
        } else {
            prop_assert_eq!(t.score(metric, 0.0), 100.0);
        }
    }

    /// (d) At a threshold the score is exactly its band edge, 75, 50 or 25 (METRICS.md's
    /// formulas give 50 - 25·(m - h)/(m - h) = 25 at v = m), so the tier of a threshold
    /// value and the band of its score agree.
    ///
    /// KNOWN CORE BUG (reported, not fixed here): the core evaluates 25·(v - h) before dividing
    /// by (m - h), so for lower-is-better custom thresholds the edge can miss by an ulp, e.g.
    /// leadTime [0.1, 0.3, 0.7] at 0.7 scores 24.999999999999996 (tier Medium, score in the
    /// Low band). Dividing first, 25·((v - h)/(m - h)), is exact at both ends of each band.
    #[test]
    fn d_score_is_exactly_75_50_25_at_thresholds((metric, t) in metric_thresholds()) {
        for (x, edge) in [(t.elite, 75.0), (t.high, 50.0), (t.medium, 25.0)] {
            prop_assert_eq!(t.score(metric, x), edge, "{:?} score at threshold {} of {:?}", metric, x, t);
        }
    }

    /// (e) A better value never gets a worse tier; the tier of every value is the band its
    /// score falls in (Elite iff score >= 75 etc., up to the shared boundary points); each
    /// threshold belongs to its own tier. `api::classify_tier` and `api::score_what_if` agree
    /// with the typed functions bit for bit.
    #[test]
    fn e_tiers_are_monotone_and_match_score_bands(
        (metric, t, a, b) in metric_thresholds().prop_flat_map(|(m, t)| (Just(m), Just(t), value_for(t), value_for(t)))
    ) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let (t_lo, t_hi) = (t.classify(metric, lo), t.classify(metric, hi));
        if metric.higher_is_better() {
            prop_assert!(t_lo >= t_hi, "tier({}) = {:?} better than tier({}) = {:?}", lo, t_lo, hi, t_hi);
        } else {
            prop_assert!(t_lo <= t_hi, "tier({}) = {:?} worse than tier({}) = {:?}", lo, t_lo, hi, t_hi);
        }
        // 1e-12 of slack: an ulp off at the thresholds themselves is the known bug that
        // d_score_is_exactly_75_50_25_at_thresholds pins down.
        for v in [lo, hi] {
            let (tier, score) = (t.classify(metric, v), t.score(metric, v));
            let (min, max) = band(tier);
            prop_assert!(min - 1e-12 <= score && score <= max + 1e-12, "value {}: tier {:?} but score {}", v, tier, score);
        }
        prop_assert_eq!(t.classify(metric, t.elite), Tier::Elite);
        prop_assert_eq!(t.classify(metric, t.high), Tier::High);
        prop_assert_eq!(t.classify(metric, t.medium), Tier::Medium);
        let worse = if metric.higher_is_better() { t.medium * (1.0 - 1e-9) } else { t.medium * (1.0 + 1e-9) };
        prop_assert_eq!(t.classify(metric, worse), Tier::Low);

        if metric != Metric::ReworkRate {
            let tiers = tiers_value(metric, t);
            for v in [lo, hi] {
                prop_assert_eq!(api::classify_tier(&metric.name().into(), &v.into(), &tiers), Ok(t.classify(metric, v)));
                let what_if = api::score_what_if(&obj(vec![(metric.name(), v.into())]), &obj(vec![("tiers", tiers.clone())])).unwrap();
                let rating = match metric {
                    Metric::DeploymentFrequency => what_if.metrics.deployment_frequency,
                    Metric::LeadTime => what_if.metrics.lead_time,
                    Metric::ChangeFailureRate => what_if.metrics.change_failure_rate,
                    _ => what_if.metrics.mttr,
                };
                prop_assert_eq!(rating.tier, Some(t.classify(metric, v)));
                prop_assert_eq!(rating.score.map(f64::to_bits), Some(t.score(metric, v).to_bits()));
            }
        }
    }
}

// =============================================================================================
// (f) No input panics: every API function returns Ok or Err on arbitrary documents.
// =============================================================================================

const KEYS: [&str; 40] = [
    "deployments",
    "changes",
    "incidents",
    "id",
    "environment",
    "state",
    "createdAt",
    "mergedAt",
    "firstCommitAt",
    "closedAt",
    "stateReason",
    "today",
    "days",
    "productionEnvironments",
    "statistic",
    "tiers",
    "targets",
    "deploymentFrequency",
    "leadTime",
    "changeFailureRate",
    "mttr",
    "reworkRate",
    "organizations",
    "includeServices",
    "excludeServices",
    "hosts",
    "kind",
    "metadata",
    "name",
    "namespace",
    "annotations",
    "github.com/project-slug",
    "backstage.io/source-location",
    "",
    " ",
    "ключ",
    "__proto__",
    "constructor",
    "sha",
    "$float",
];

const STRINGS: [&str; 44] = [
    "",
    " ",
    "\t\n",
    "dora-2023",
    "dora-2021",
    "DORA-2023",
    "median",
    "mean",
    "2026-01-01",
    "0000-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-1-1",
    "+2026-01-01",
    "-001-01-01",
    "prod",
    "production",
    "prod-",
    "preprod",
    "SUCCESS",
    "failure",
    "NOT_PLANNED",
    "Component",
    "component",
    "org/repo",
    "acme/x/y",
    "/",
    "url:https://github.com/org/repo",
    "url:https://ghe.example.com/o/r.git/tree/x",
    "url:http://",
    "url:",
    "*",
    "**",
    "org/*",
    "deploymentFrequency",
    "mttr",
    "ÿ",
    "\u{212a}",
    "İstanbul",
    "\u{0}",
    "🚀🚀",
    "\u{200b}",
    "\u{feff}prod",
    "a\u{301}",
];

fn junk_number() -> impl Strategy<Value = f64> {
    let min = chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp_millis() as f64;
    let max = chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp_millis() as f64;
    prop_oneof![
        select(vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            7.0 / 30.0,
            30.0,
            365.0,
            366.0,
            1e308,
            -1e308,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            9_007_199_254_740_993.0,
            i64::MAX as f64,
            i64::MIN as f64,
            u32::MAX as f64,
            1e17,
            min,
            max,
            min - 1.0,
            max + 1.0,
            -8.64e15,
            8.64e15,
        ]),
        any::<f64>(),
        (-400i64..400).prop_map(|i| i as f64),
        -1e16f64..1e16,
    ]
}

fn junk_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(STRINGS.to_vec()).prop_map(str::to_owned),
        1 => "\\PC{0,8}",
        1 => "[ -~]{0,6}",
    ]
}

fn junk_key() -> impl Strategy<Value = String> {
    prop_oneof![3 => select(KEYS.to_vec()).prop_map(str::to_owned), 1 => "[a-zA-Z]{0,5}"]
}

fn junk_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        junk_number().prop_map(Value::Number),
        junk_string().prop_map(Value::String),
    ]
}

/// Arbitrary trees of nested junk.
fn junk() -> impl Strategy<Value = Value> {
    junk_leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((junk_key(), inner), 0..6).prop_map(Value::Object),
        ]
    })
}

/// A value that is right for its field nearly always (one field of junk in a document of
/// forty is enough to be rejected early), so validation goes deep: about a third of the
/// documents are valid, the rest fail at one or two places.
fn field(valid: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    prop_oneof![150 => valid, 1 => junk_leaf(), 1 => junk()].boxed()
}

/// An object with these fields, each sometimes missing, rarely with an extra junk key.
fn object_of(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    let parts: Vec<_> = fields
        .into_iter()
        .map(|(k, s)| (any::<u8>(), s).prop_map(move |(keep, v)| (keep != 0).then(|| (k.to_owned(), v))))
        .collect();
    (parts, proptest::option::weighted(0.01, (junk_key(), junk_leaf())))
        .prop_map(|(parts, extra)| Value::Object(parts.into_iter().flatten().chain(extra).collect()))
        .boxed()
}

fn instant_value() -> BoxedStrategy<Value> {
    prop_oneof![
        100 => (18_000i64 * DAY..18_060 * DAY).prop_map(|t| Value::Number(t as f64)),
        1 => junk_number().prop_map(Value::Number),
    ]
    .boxed()
}

/// One of `good` mostly, one of `bad` sometimes.
fn text(good: &'static [&'static str], bad: &'static [&'static str]) -> BoxedStrategy<Value> {
    if bad.is_empty() {
        return select(good.to_vec()).prop_map(Value::from).boxed();
    }
    prop_oneof![15 => select(good.to_vec()).prop_map(Value::from), 1 => select(bad.to_vec()).prop_map(Value::from)]
        .boxed()
}

fn list(item: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    field(proptest::collection::vec(item, 0..5).prop_map(Value::Array).boxed())
}

fn shaped_events() -> BoxedStrategy<Value> {
    let id = || field(text(&prop_support::IDS, &["", " "]));
    let deployment = object_of(vec![
        ("id", id()),
        ("environment", field(text(&prop_support::ENVIRONMENTS, &[]))),
        ("state", field(text(&prop_support::STATES, &[]))),
        ("createdAt", field(instant_value())),
    ]);
    let change = object_of(vec![
        ("id", id()),
        ("createdAt", field(instant_value())),
        ("firstCommitAt", field(instant_value())),
        ("mergedAt", field(instant_value())),
    ]);
    let incident = object_of(vec![
        ("id", id()),
        ("createdAt", field(instant_value())),
        ("closedAt", field(instant_value())),
        ("stateReason", field(text(&prop_support::REASONS, &[]))),
    ]);
    // Ids are drawn from a small alphabet: keep lists short so most are unique.
    let short =
        |item: BoxedStrategy<Value>| field(proptest::collection::vec(item, 0..4).prop_map(Value::Array).boxed());
    field(object_of(vec![
        ("deployments", short(deployment)),
        ("changes", short(change)),
        ("incidents", short(incident)),
    ]))
}

fn triple_value(higher_is_better: bool) -> BoxedStrategy<Value> {
    let valid =
        if higher_is_better { prop_support::higher_triple().boxed() } else { prop_support::lower_triple().boxed() };
    let junk = proptest::collection::vec(junk_number().prop_map(Value::Number), 2..=4).prop_map(Value::Array);
    field(prop_oneof![30 => valid.prop_map(|t| Value::from(t.to_vec())), 1 => junk].boxed())
}

fn shaped_tiers() -> BoxedStrategy<Value> {
    field(
        prop_oneof![
            text(&["dora-2023", "dora-2021"], &["dora-2024", "DORA-2023"]),
            object_of(vec![
                ("deploymentFrequency", triple_value(true)),
                ("leadTime", triple_value(false)),
                ("changeFailureRate", triple_value(false)),
                ("mttr", triple_value(false)),
                ("reworkRate", triple_value(false)),
            ]),
        ]
        .boxed(),
    )
}

/// A number for each key metric: mostly valid (0 to 100), sometimes anything.
fn metric_numbers() -> BoxedStrategy<Value> {
    let n = || {
        field(
            prop_oneof![30 => (0.0f64..=100.0).prop_map(Value::Number), 1 => junk_number().prop_map(Value::Number)]
                .boxed(),
        )
    };
    field(object_of(vec![("deploymentFrequency", n()), ("leadTime", n()), ("changeFailureRate", n()), ("mttr", n())]))
}

fn shaped_options() -> BoxedStrategy<Value> {
    field(object_of(vec![
        ("productionEnvironments", list(field(text(&["prod", "production", "live", " Prod-EU "], &[" ", ""])))),
        ("statistic", field(text(&["median", "mean"], &["Median", "average"]))),
        ("tiers", shaped_tiers()),
        ("targets", metric_numbers()),
    ]))
}

fn shaped_period() -> BoxedStrategy<Value> {
    let today = field(text(
        &["2019-04-01", "2019-02-28", "0000-01-01", "0000-12-31", "9999-12-31", "2024-02-29", "1970-01-01"],
        &["2023-02-29", "2019-4-1", ""],
    ));
    let days = field(
        prop_oneof![20 => (1u32..=365).prop_map(|d| Value::Number(f64::from(d))), 1 => select(vec![0.0, 366.0, 1.5, -1.0, -0.0]).prop_map(Value::Number)]
            .boxed(),
    );
    field(object_of(vec![("today", today), ("days", days)]))
}

fn shaped_entities() -> BoxedStrategy<Value> {
    let annotations = object_of(vec![
        (
            "github.com/project-slug",
            field(text(&["acme/pay", " acme/pay ", "ACME/web"], &["acme", "/", "a//b", "a/b/c", "ACME/x y", "acme/"])),
        ),
        (
            "backstage.io/source-location",
            field(text(
                &["url:https://github.com/acme/web.git/tree/main/", "url:https://ghe.example.com/acme/ghe"],
                &[
                    "url:https://github.com/",
                    "url:https:///x/y",
                    "url:ftp://github.com/a/b",
                    "url:https://github.com/a/.git",
                ],
            )),
        ),
    ]);
    let metadata = object_of(vec![
        ("name", field(text(&["pay", "Pay-Web", "ß", "\u{130}"], &[""]))),
        ("namespace", field(text(&["default", "Team-A"], &[""]))),
        ("annotations", field(annotations)),
    ]);
    let entity = object_of(vec![
        ("kind", field(text(&["Component", "component"], &["API", "KOMPONENT"]))),
        ("metadata", field(metadata)),
    ]);
    list(entity)
}

fn shaped_selection() -> BoxedStrategy<Value> {
    let patterns =
        || list(field(text(&["*", "**", "pay-*", "*-web", "component:default/*", "ß*", "*\u{130}*"], &["", " "])));
    field(object_of(vec![
        ("organizations", list(field(text(&["acme", "ACME", " acme "], &["", " "])))),
        ("includeServices", patterns()),
        ("excludeServices", patterns()),
        ("hosts", list(field(text(&["github.com", "GHE.example.com"], &[" "])))),
    ]))
}

/// Calls every API function with the given arguments; any panic fails the test.
fn call_everything(args: &[Value; 3]) {
    let [a, b, c] = args;
    let _ = api::aggregate_daily(a, b);
    let _ = api::compute_scorecard(a, b, c);
    let _ = api::score_what_if(a, b);
    let _ = api::classify_tier(a, b, c);
    let _ = api::match_environment(a, b);
    let _ = api::select_services(a, b);
}

proptest! {
    #![proptest_config(cases(2000, REGRESSIONS))]

    /// Arbitrary junk in every argument position.
    #[test]
    fn f_no_panic_on_arbitrary_values(a in junk(), b in junk(), c in junk()) {
        call_everything(&[a.clone(), b.clone(), c.clone()]);
        call_everything(&[c, a, b]);
    }

    /// Documents of the right shape with junk here and there, so validation goes deep; the
    /// outputs that come back obey (g).
    #[test]
    fn f_no_panic_on_nearly_valid_documents(
        events in shaped_events(),
        period in shaped_period(),
        options in shaped_options(),
        values in metric_numbers(),
        metric in field(text(&["deploymentFrequency", "leadTime", "changeFailureRate", "mttr"], &["reworkRate", "MTTR"])),
        number in field(junk_number().prop_map(Value::Number).boxed()),
        tiers in shaped_tiers(),
        env in field(text(&prop_support::ENVIRONMENTS, &[])),
        production in list(field(text(&["prod", "production", "live", "prod-"], &[" ", ""]))),
        entities in shaped_entities(),
        selection in shaped_selection(),
    ) {
        let _ = api::aggregate_daily(&events, &options);
        if let Ok(card) = api::compute_scorecard(&events, &period, &options) {
            check_overall_scorecard(&card)?;
        }
        if let Ok(what_if) = api::score_what_if(&values, &options) {
            check_overall_what_if(&what_if)?;
        }
        let _ = api::classify_tier(&metric, &number, &tiers);
        let _ = api::match_environment(&env, &production);
        let _ = api::select_services(&entities, &selection);
    }
}

/// Instants at chrono's limits, either side of the epoch, and random ones in the whole range.
fn extreme_instant() -> impl Strategy<Value = i64> {
    let min = chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp_millis();
    let max = chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp_millis();
    prop_oneof![
        select(vec![
            min,
            min + 1,
            max,
            max - 1,
            0,
            -1,
            1,
            -DAY,
            DAY - 1,
            i64::from(i32::MIN),
            253_402_300_799_999,
            -62_167_219_200_000
        ]),
        min..=max,
        -100 * DAY..100 * DAY,
    ]
}

fn extreme_events() -> impl Strategy<Value = Events> {
    let id = || select(prop_support::IDS.to_vec());
    let deployment =
        (id(), select(prop_support::ENVIRONMENTS.to_vec()), select(prop_support::STATES.to_vec()), extreme_instant())
            .prop_map(|(id, env, state, at)| Deployment {
                id: id.into(),
                environment: env.into(),
                state: state.into(),
                created_at: at,
            });
    let change = (id(), extreme_instant(), proptest::option::of(extreme_instant()), extreme_instant()).prop_map(
        |(id, created_at, first_commit_at, merged_at)| Change { id: id.into(), created_at, first_commit_at, merged_at },
    );
    let incident = (
        id(),
        extreme_instant(),
        proptest::option::of(extreme_instant()),
        proptest::option::of(select(prop_support::REASONS.to_vec())),
    )
        .prop_map(|(id, created_at, closed_at, reason)| Incident {
            id: id.into(),
            created_at,
            closed_at,
            state_reason: reason.map(str::to_owned),
        });
    let dedup = |ids: Vec<String>| {
        let mut seen = std::collections::HashSet::new();
        ids.into_iter().map(|id| seen.insert(id.clone())).collect::<Vec<bool>>()
    };
    (
        proptest::collection::vec(deployment, 0..10),
        proptest::collection::vec(change, 0..10),
        proptest::collection::vec(incident, 0..10),
    )
        .prop_map(move |(d, c, i)| {
            let keep_d = dedup(d.iter().map(|x| x.id.clone()).collect());
            let keep_c = dedup(c.iter().map(|x| x.id.clone()).collect());
            let keep_i = dedup(i.iter().map(|x| x.id.clone()).collect());
            Events {
                deployments: d.into_iter().zip(keep_d).filter_map(|(x, k)| k.then_some(x)).collect(),
                changes: c.into_iter().zip(keep_c).filter_map(|(x, k)| k.then_some(x)).collect(),
                incidents: i.into_iter().zip(keep_i).filter_map(|(x, k)| k.then_some(x)).collect(),
            }
        })
}

proptest! {
    #![proptest_config(cases(1000, REGRESSIONS))]

    /// Valid events with instants anywhere chrono can represent (year -262143 to 262142),
    /// scored on any date the API accepts (0000-01-01 to 9999-12-31, the range `today` can
    /// take): accepted, no panic, and the outputs obey (g).
    #[test]
    fn f_no_panic_at_extreme_instants(
        events in extreme_events(),
        today in prop_oneof![
            select(vec![-719_528i64, -719_528 + 730, 2_932_896, 0, -1]),
            -719_528i64..=2_932_896,
            18_000i64..22_000,
        ],
        days in prop_oneof![select(vec![1u32, 365]), 1u32..=365],
        config in prop_support::config(),
    ) {
        let doc = events_value(&events);
        let options = config.to_value();
        let rows = api::aggregate_daily(&doc, &options);
        prop_assert!(rows.is_ok(), "{:?}", rows);
        prop_assert_eq!(rows.unwrap(), aggregate_daily(&events, &config.options()));
        let period = period_value(today, days);
        match api::compute_scorecard(&doc, &period, &options) {
            Ok(card) => {
                prop_assert_eq!(&card, &compute_scorecard(&events, Period::new(today, days).unwrap(), &config.options()));
                check_overall_scorecard(&card)?;
            }
            // Only a previous period reaching before year 0 may be refused.
            Err(e) => prop_assert!(e.code() == "INVALID_DATE" && today - 2 * i64::from(days) < -719_528, "{:?}", e),
        }
    }
}

// =============================================================================================
// (g) overallScore is an integer in 0..=100 or null (null iff no key metric has a score),
//     and overallTier follows it.
// =============================================================================================

fn tier_of_overall(score: i64) -> Tier {
    if score >= 75 {
        Tier::Elite
    } else if score >= 50 {
        Tier::High
    } else if score >= 25 {
        Tier::Medium
    } else {
        Tier::Low
    }
}

fn check_overall(key_scores: [Option<f64>; 4], score: Option<i64>, tier: Option<Tier>) -> Result<(), TestCaseError> {
    prop_assert_eq!(score.is_none(), key_scores.iter().all(Option::is_none));
    prop_assert_eq!(tier, score.map(tier_of_overall));
    if let Some(s) = score {
        prop_assert!((0..=100).contains(&s), "overallScore {}", s);
        let present: Vec<f64> = key_scores.into_iter().flatten().collect();
        let mean = present.iter().sum::<f64>() / present.len() as f64;
        prop_assert!((s as f64 - mean).abs() <= 0.5 + 1e-9, "overallScore {} for mean {}", s, mean);
    }
    Ok(())
}

fn check_overall_scorecard(card: &Scorecard) -> Result<(), TestCaseError> {
    let m = &card.metrics;
    for (metric, r) in reports(card) {
        prop_assert_eq!(r.tier.is_some(), r.score.is_some(), "{:?}", metric);
        if let Some(s) = r.score {
            prop_assert!((0.0..=100.0).contains(&s), "{:?} score {}", metric, s);
        }
    }
    check_overall(
        [m.deployment_frequency.score, m.lead_time.score, m.change_failure_rate.score, m.mttr.score],
        card.overall_score,
        card.overall_tier,
    )
}

fn check_overall_what_if(w: &WhatIf) -> Result<(), TestCaseError> {
    let m = &w.metrics;
    check_overall(
        [m.deployment_frequency.score, m.lead_time.score, m.change_failure_rate.score, m.mttr.score],
        w.overall_score,
        w.overall_tier,
    )
}

fn what_if_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        3 => (0.0f64..2000.0).prop_map(Value::Number),
        1 => select(vec![0.0, -0.0, 5e-324, 1e-300, 7.0 / 30.0, 24.0, 1e300, f64::MAX]).prop_map(Value::Number),
    ]
}

proptest! {
    #![proptest_config(cases(1000, REGRESSIONS))]

    /// On scorecards of random events.
    #[test]
    fn g_overall_score_of_scorecards(s in scenario()) {
        let card = scorecard_of(&s, &s.events);
        check_overall_scorecard(&card)?;
        prop_assert_eq!(card.statistic == Statistic::Mean, s.config.mean);
        prop_assert_eq!(card.overall_score, overall_score([
            card.metrics.deployment_frequency.score, card.metrics.lead_time.score,
            card.metrics.change_failure_rate.score, card.metrics.mttr.score,
        ]));
        prop_assert_eq!(card.overall_tier, card.overall_score.map(overall_tier));
        // Rework rate never enters the overall score: dropping its thresholds changes nothing.
        let mut config = s.config.clone();
        if let prop_support::TierChoice::Custom { rework, .. } = &mut config.tiers {
            *rework = None;
        }
        let without = compute_scorecard(&s.events, Period::new(s.today, s.days).unwrap(), &config.options());
        prop_assert_eq!((without.overall_score, without.overall_tier), (card.overall_score, card.overall_tier));
    }

    /// On what-if values (any may be null), with presets and custom tiers.
    #[test]
    fn g_overall_score_of_what_ifs(
        df in what_if_value(), lt in what_if_value(), cfr in what_if_value(), mttr in what_if_value(),
        config in prop_support::config(),
    ) {
        let values = obj(vec![("deploymentFrequency", df), ("leadTime", lt), ("changeFailureRate", cfr), ("mttr", mttr)]);
        let w = api::score_what_if(&values, &config.to_value()).unwrap();
        check_overall_what_if(&w)?;
    }
}

/// The overall tier of every possible overall score.
#[test]
fn g_overall_tier_of_every_integer_score() {
    for s in 0..=100 {
        assert_eq!(overall_tier(s), tier_of_overall(s), "{s}");
    }
}
