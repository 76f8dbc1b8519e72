//! A deliberately naive reference implementation of spec/METRICS.md, written from the spec
//! alone, and property tests comparing it with the core's `aggregate_daily` and
//! `compute_scorecard` on random events.
//!
//! The reference favours obviousness over speed: for each incident it scans every deployment
//! for the live one, for each change it scans for the first success at or after the merge, for
//! each date it scans every event, and a median sorts a `Vec<f64>`.

// Test code: a panic is a test failure, which is what an unexpected `None`/`Err` should be.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod prop_support;

use dora_metrics_core::{Events, Period, Scorecard, Tier, aggregate_daily, compute_scorecard};
use prop_support::{Config, DAY, Scenario, TierChoice};
use proptest::prelude::*;

mod naive {
    use super::{Config, DAY, Events, TierChoice};
    use dora_metrics_core::Tier;

    /// "ignores case and surrounding whitespace (as `str::trim`, `str::to_lowercase`)".
    fn norm(text: &str) -> String {
        text.trim().to_lowercase()
    }

    /// "equals one of them, or starts with one of them followed by -, _, / or ."
    pub fn is_production(environment: &str, names: &[String]) -> bool {
        let env = norm(environment);
        names.iter().any(|name| {
            let name = norm(name);
            env == name || ['-', '_', '/', '.'].iter().any(|sep| env.starts_with(&format!("{name}{sep}")))
        })
    }

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Kind {
        Success,
        Failure,
        NotCompleted,
    }

    fn kind(state: &str) -> Kind {
        match norm(state).as_str() {
            "success" | "active" | "inactive" => Kind::Success,
            "failure" | "error" => Kind::Failure,
            _ => Kind::NotCompleted,
        }
    }

    /// Floor division: the UTC date of an instant.
    pub fn day(ms: i64) -> i64 {
        let mut d = ms / DAY;
        if d * DAY > ms {
            d -= 1;
        }
        d
    }

    fn leap(y: i64) -> bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    /// `YYYY-MM-DD` by walking years and months from 1970-01-01.
    pub fn date(day_number: i64) -> String {
        let mut y = 1970i64;
        let mut d = day_number;
        loop {
            let len = if leap(y) { 366 } else { 365 };
            if d < 0 {
                y -= 1;
                d += if leap(y) { 366 } else { 365 };
            } else if d >= len {
                d -= len;
                y += 1;
            } else {
                break;
            }
        }
        let months = [31, if leap(y) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let mut m = 0;
        while d >= months[m] {
            d -= months[m];
            m += 1;
        }
        if y < 0 {
            format!("-{:04}-{:02}-{:02}", -y, m + 1, d + 1)
        } else {
            format!("{y:04}-{:02}-{:02}", m + 1, d + 1)
        }
    }

    /// One completed production deployment.
    #[derive(Debug)]
    pub struct Dep {
        pub at: i64,
        pub failed: bool,
        pub rework: bool,
    }

    /// A duration in ms and the instant it ended.
    #[derive(Debug)]
    pub struct Sample {
        pub end: i64,
        pub ms: i64,
    }

    #[derive(Debug)]
    pub struct Facts {
        /// Some production deployment, in any state.
        pub deploys: bool,
        pub deployments: Vec<Dep>,
        pub leads: Vec<Sample>,
        pub restores: Vec<Sample>,
    }

    /// The per-event rules, on the events as of `cut` (inclusive; `None`: all of them).
    pub fn facts(events: &Events, config: &Config, cut: Option<i64>) -> Facts {
        let visible = |t: i64| cut.is_none_or(|c| t <= c);
        let production: Vec<_> = events
            .deployments
            .iter()
            .filter(|d| visible(d.created_at) && is_production(&d.environment, &config.production))
            .collect();
        let deploys = !production.is_empty();
        let successes: Vec<_> = production.iter().filter(|d| kind(&d.state) == Kind::Success).collect();
        // (created_at, closed_at as of the cut), incidents only.
        let incidents: Vec<(i64, Option<i64>)> = events
            .incidents
            .iter()
            .filter(|i| visible(i.created_at))
            .filter(|i| {
                !i.state_reason.as_deref().is_some_and(|r| ["not_planned", "duplicate"].contains(&norm(r).as_str()))
            })
            .map(|i| (i.created_at, i.closed_at.filter(|&c| visible(c))))
            .collect();

        // The live deployment at t: the success with the greatest (created_at, id) <= t.
        let live_at = |t: i64| -> Option<&str> {
            let mut best: Option<(i64, &str)> = None;
            for d in &successes {
                if d.created_at <= t
                    && best.is_none_or(|(at, id)| (d.created_at, d.id.as_bytes()) > (at, id.as_bytes()))
                {
                    best = Some((d.created_at, &d.id));
                }
            }
            best.map(|(_, id)| id)
        };

        let mut deployments = Vec::new();
        for d in &production {
            let k = kind(&d.state);
            if k == Kind::NotCompleted {
                continue;
            }
            let blamed =
                k == Kind::Success && incidents.iter().any(|&(opened, _)| live_at(opened) == Some(d.id.as_str()));
            let rework = k == Kind::Success
                && incidents
                    .iter()
                    .any(|&(opened, closed)| opened <= d.created_at && closed.is_none_or(|c| c > d.created_at));
            deployments.push(Dep { at: d.created_at, failed: k == Kind::Failure || blamed, rework });
        }

        let mut leads = Vec::new();
        for c in &events.changes {
            if !visible(c.merged_at) {
                continue;
            }
            let end = if deploys {
                let mut first: Option<i64> = None;
                for d in &successes {
                    if d.created_at >= c.merged_at && first.is_none_or(|f| d.created_at < f) {
                        first = Some(d.created_at);
                    }
                }
                match first {
                    Some(f) => f,
                    None => continue, // pending
                }
            } else {
                c.merged_at // fallback: no production deployment at all
            };
            let start = c.first_commit_at.unwrap_or(c.created_at);
            leads.push(Sample { end, ms: (end - start).max(0) });
        }

        let restores = incidents
            .iter()
            .filter_map(|&(opened, closed)| closed.map(|c| Sample { end: c, ms: (c - opened).max(0) }))
            .collect();

        Facts { deploys, deployments, leads, restores }
    }

    #[derive(Debug, PartialEq, Eq)]
    pub struct Row {
        pub date: String,
        pub deployment_count: u32,
        pub deployment_failure_count: u32,
        pub rework_count: u32,
        pub lead_time_avg_seconds: Option<i64>,
        pub lead_time_count: u32,
        pub mttr_avg_seconds: Option<i64>,
        pub mttr_count: u32,
    }

    /// sum_ms / count in seconds, rounded half away from zero (the sum is never negative).
    fn mean_seconds(samples: &[&Sample]) -> Option<i64> {
        if samples.is_empty() {
            return None;
        }
        let sum: i128 = samples.iter().map(|s| i128::from(s.ms)).sum();
        let divisor = samples.len() as i128 * 1000;
        let (q, r) = (sum / divisor, sum % divisor);
        Some((if 2 * r >= divisor { q + 1 } else { q }) as i64)
    }

    pub fn rollup(events: &Events, config: &Config) -> Vec<Row> {
        let f = facts(events, config, None);
        let mut dates: Vec<i64> = f
            .deployments
            .iter()
            .map(|d| day(d.at))
            .chain(f.leads.iter().map(|s| day(s.end)))
            .chain(f.restores.iter().map(|s| day(s.end)))
            .collect();
        dates.sort();
        dates.dedup();
        let mut rows = Vec::new();
        for &d in &dates {
            let deps: Vec<&Dep> = f.deployments.iter().filter(|x| day(x.at) == d).collect();
            let leads: Vec<&Sample> = f.leads.iter().filter(|s| day(s.end) == d).collect();
            let restores: Vec<&Sample> = f.restores.iter().filter(|s| day(s.end) == d).collect();
            let row = Row {
                date: date(d),
                deployment_count: deps.len() as u32,
                deployment_failure_count: deps.iter().filter(|x| x.failed).count() as u32,
                rework_count: deps.iter().filter(|x| x.rework).count() as u32,
                lead_time_avg_seconds: mean_seconds(&leads),
                lead_time_count: leads.len() as u32,
                mttr_avg_seconds: mean_seconds(&restores),
                mttr_count: restores.len() as u32,
            };
            if row.deployment_count + row.rework_count + row.lead_time_count + row.mttr_count > 0 {
                rows.push(row);
            }
        }
        rows
    }

    // ------------------------------------------------------------------ scorecard

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum M {
        DeploymentFrequency,
        LeadTime,
        ChangeFailureRate,
        Mttr,
        ReworkRate,
    }
    pub const ALL: [M; 5] = [M::DeploymentFrequency, M::LeadTime, M::ChangeFailureRate, M::Mttr, M::ReworkRate];

    /// The tier tables of METRICS.md, copied from the spec (not from the core).
    pub fn triple(config: &Config, metric: M) -> Option<[f64; 3]> {
        let key: [[f64; 3]; 4] = match &config.tiers {
            TierChoice::Dora2023 => {
                [[7.0, 1.0, 7.0 / 30.0], [24.0, 168.0, 720.0], [5.0, 10.0, 15.0], [60.0, 1440.0, 10080.0]]
            }
            TierChoice::Dora2021 => {
                [[7.0, 7.0 / 30.0, 7.0 / 182.0], [1.0, 168.0, 4320.0], [15.0, 20.0, 30.0], [60.0, 1440.0, 10080.0]]
            }
            TierChoice::Custom { key, .. } => *key,
        };
        match metric {
            M::DeploymentFrequency => Some(key[0]),
            M::LeadTime => Some(key[1]),
            M::ChangeFailureRate => Some(key[2]),
            M::Mttr => Some(key[3]),
            M::ReworkRate => match &config.tiers {
                TierChoice::Custom { rework, .. } => *rework,
                _ => None,
            },
        }
    }

    pub fn higher_is_better(metric: M) -> bool {
        metric == M::DeploymentFrequency
    }

    pub fn classify(metric: M, [e, h, m]: [f64; 3], v: f64) -> Tier {
        let at_least = |t: f64| if higher_is_better(metric) { v >= t } else { v <= t };
        if at_least(e) {
            Tier::Elite
        } else if at_least(h) {
            Tier::High
        } else if at_least(m) {
            Tier::Medium
        } else {
            Tier::Low
        }
    }

    pub fn score(metric: M, [e, h, m]: [f64; 3], v: f64) -> f64 {
        if higher_is_better(metric) {
            if v >= e {
                75.0 + 25.0 * f64::min(1.0, (v - e) / e)
            } else if v >= h {
                50.0 + 25.0 * (v - h) / (e - h)
            } else if v >= m {
                25.0 + 25.0 * (v - m) / (h - m)
            } else {
                25.0 * v / m
            }
        } else if v <= e {
            100.0 - 25.0 * v / e
        } else if v <= h {
            75.0 - 25.0 * (v - e) / (h - e)
        } else if v <= m {
            50.0 - 25.0 * (v - h) / (m - h)
        } else {
            25.0 * m / v
        }
    }

    pub fn target(config: &Config, metric: M) -> Option<f64> {
        match metric {
            M::DeploymentFrequency => Some(config.targets[0]),
            M::LeadTime => Some(config.targets[1]),
            M::ChangeFailureRate => Some(config.targets[2]),
            M::Mttr => Some(config.targets[3]),
            M::ReworkRate => None,
        }
    }

    fn statistic(mut values: Vec<f64>, mean: bool) -> Option<f64> {
        if values.is_empty() {
            return None;
        }
        let n = values.len();
        if mean {
            return Some(values.iter().sum::<f64>() / n as f64);
        }
        values.sort_by(|a, b| a.partial_cmp(b).unwrap());
        Some(if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 })
    }

    /// The metric over the dates `in_range` accepts, `n` dates long, frequency per `per` days.
    fn value(f: &Facts, config: &Config, metric: M, in_range: &dyn Fn(i64) -> bool, n: u32, per: f64) -> Option<f64> {
        let deps: Vec<&Dep> = f.deployments.iter().filter(|d| in_range(day(d.at))).collect();
        let count = deps.len() as f64;
        match metric {
            // Multiply before dividing, as the core does: 1 deployment in 30 days must be
            // exactly 7/30 per week (the DORA 2023 Medium threshold), and 1 failure in 20
            // deployments exactly 5 % (the Elite CFR threshold). Dividing first lands an ulp
            // off and flips the tier at such exact thresholds.
            M::DeploymentFrequency => f.deploys.then(|| count * per / f64::from(n)),
            M::ChangeFailureRate => {
                (count > 0.0).then(|| deps.iter().filter(|d| d.failed).count() as f64 * 100.0 / count)
            }
            M::ReworkRate => (count > 0.0).then(|| deps.iter().filter(|d| d.rework).count() as f64 * 100.0 / count),
            M::LeadTime => statistic(
                f.leads.iter().filter(|s| in_range(day(s.end))).map(|s| s.ms as f64 / 3_600_000.0).collect(),
                config.mean,
            ),
            M::Mttr => statistic(
                f.restores.iter().filter(|s| in_range(day(s.end))).map(|s| s.ms as f64 / 60_000.0).collect(),
                config.mean,
            ),
        }
    }

    fn samples(f: &Facts, metric: M, in_range: &dyn Fn(i64) -> bool) -> u32 {
        (match metric {
            M::DeploymentFrequency | M::ChangeFailureRate | M::ReworkRate => {
                f.deployments.iter().filter(|d| in_range(day(d.at))).count()
            }
            M::LeadTime => f.leads.iter().filter(|s| in_range(day(s.end))).count(),
            M::Mttr => f.restores.iter().filter(|s| in_range(day(s.end))).count(),
        }) as u32
    }

    #[derive(Debug)]
    pub struct Report {
        pub current: Option<f64>,
        pub previous: Option<f64>,
        pub change: Option<f64>,
        pub target: Option<f64>,
        pub meets_target: Option<bool>,
        pub tier: Option<Tier>,
        pub score: Option<f64>,
        pub samples: u32,
        pub history: Vec<Option<f64>>,
    }

    #[derive(Debug)]
    pub struct Card {
        pub from: String,
        pub to: String,
        pub reports: Vec<Report>,
        /// The unrounded mean of the key scores.
        pub overall_mean: Option<f64>,
        pub overall_score: Option<i64>,
        pub overall_tier: Option<Tier>,
    }

    pub fn overall_tier(score: i64) -> Tier {
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

    pub fn scorecard(events: &Events, today: i64, days: u32, config: &Config) -> Card {
        let f = facts(events, config, Some(today * DAY + DAY - 1));
        let n = i64::from(days);
        let current = |d: i64| today - n < d && d <= today;
        let previous = |d: i64| today - 2 * n < d && d <= today - n;
        let reports: Vec<Report> = ALL
            .iter()
            .map(|&metric| {
                let cur = value(&f, config, metric, &current, days, 7.0);
                let prev = value(&f, config, metric, &previous, days, 7.0);
                let change = match (cur, prev) {
                    (Some(c), Some(p)) if p != 0.0 => Some((c - p) / p * 100.0),
                    _ => None,
                };
                let history = (today - n + 1..=today).map(|d| value(&f, config, metric, &|x| x == d, 1, 1.0)).collect();
                let thresholds = triple(config, metric);
                let target = target(config, metric);
                Report {
                    current: cur,
                    previous: prev,
                    change,
                    target,
                    meets_target: match (cur, target) {
                        (Some(v), Some(t)) => Some(if higher_is_better(metric) { v >= t } else { v <= t }),
                        _ => None,
                    },
                    tier: cur.zip(thresholds).map(|(v, t)| classify(metric, t, v)),
                    score: cur.zip(thresholds).map(|(v, t)| score(metric, t, v)),
                    samples: samples(&f, metric, &current),
                    history,
                }
            })
            .collect();
        let key_scores: Vec<f64> = reports[..4].iter().filter_map(|r| r.score).collect();
        let overall_mean = (!key_scores.is_empty()).then(|| key_scores.iter().sum::<f64>() / key_scores.len() as f64);
        let overall_score = overall_mean.map(|m| m.round() as i64);
        Card {
            from: date(today - n + 1),
            to: date(today),
            reports,
            overall_mean,
            overall_score,
            overall_tier: overall_score.map(overall_tier),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Comparison helpers
// ---------------------------------------------------------------------------------------------

/// Equal within 1e-9 relative (the reference sums hours as f64; the core sums milliseconds as
/// integers and divides once).
fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn close_opt(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => close(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// The values a number within 1e-9 relative of `v` can take: an exact-threshold value may land
/// on either side when the two implementations round differently.
fn neighbours(v: f64) -> [f64; 3] {
    [v * (1.0 - 1e-9), v, v * (1.0 + 1e-9)]
}

fn core_reports(card: &Scorecard) -> [&dora_metrics_core::MetricReport; 5] {
    let m = &card.metrics;
    [&m.deployment_frequency, &m.lead_time, &m.change_failure_rate, &m.mttr, &m.rework_rate]
}

fn check_scorecard(s: &Scenario, card: &Scorecard) -> Result<(), TestCaseError> {
    let reference = naive::scorecard(&s.events, s.today, s.days, &s.config);
    prop_assert_eq!(&card.from, &reference.from);
    prop_assert_eq!(&card.to, &reference.to);
    prop_assert_eq!(card.days, s.days);
    prop_assert_eq!(card.statistic == dora_metrics_core::Statistic::Mean, s.config.mean);
    for ((metric, got), want) in naive::ALL.iter().zip(core_reports(card)).zip(&reference.reports) {
        let m = format!("{metric:?}");
        prop_assert!(
            close_opt(got.current, want.current),
            "{} current: core {:?}, reference {:?}",
            m,
            got.current,
            want.current
        );
        prop_assert!(
            close_opt(got.previous, want.previous),
            "{} previous: core {:?}, reference {:?}",
            m,
            got.previous,
            want.previous
        );
        match (got.change, want.change, want.current, want.previous) {
            // (c - p) / p cancels: compare on the scale of c / p.
            (Some(a), Some(b), Some(c), Some(p)) => prop_assert!(
                (a - b).abs() <= 1e-9 * (1.0 + 100.0 * (c / p).abs()),
                "{} change: core {}, reference {}",
                m,
                a,
                b
            ),
            (a, b, ..) => prop_assert_eq!(a, b, "{} change", m),
        }
        prop_assert_eq!(got.samples, want.samples, "{} samples", m);
        prop_assert_eq!(got.history.len(), want.history.len(), "{} history length", m);
        for (i, (a, b)) in got.history.iter().zip(&want.history).enumerate() {
            prop_assert!(close_opt(*a, *b), "{} history[{}]: core {:?}, reference {:?}", m, i, a, b);
        }
        prop_assert_eq!(got.target, want.target, "{} target", m);
        // Tier, meetsTarget: exact, except when the value sits on a threshold or the target
        // within the comparison tolerance.
        match (got.tier, want.current.zip(naive::triple(&s.config, *metric))) {
            (Some(tier), Some((v, t))) => {
                let allowed = neighbours(v).map(|x| naive::classify(*metric, t, x));
                prop_assert!(
                    allowed.contains(&tier),
                    "{} tier: core {:?}, reference {:?} (value {})",
                    m,
                    tier,
                    want.tier,
                    v
                );
            }
            (tier, _) => prop_assert_eq!(tier, want.tier, "{} tier", m),
        }
        prop_assert!(close_opt(got.score, want.score), "{} score: core {:?}, reference {:?}", m, got.score, want.score);
        match (got.meets_target, want.current.zip(want.target)) {
            (Some(meets), Some((v, t))) => {
                let allowed = neighbours(v).map(|x| if naive::higher_is_better(*metric) { x >= t } else { x <= t });
                prop_assert!(
                    allowed.contains(&meets),
                    "{} meetsTarget: core {}, reference {:?}",
                    m,
                    meets,
                    want.meets_target
                );
            }
            (meets, _) => prop_assert_eq!(meets, want.meets_target, "{} meetsTarget", m),
        }
    }
    match (card.overall_score, reference.overall_mean) {
        (Some(got), Some(mean)) => {
            // A mean within rounding noise of .5 may round either way.
            let allowed = [(mean - 1e-6).round() as i64, mean.round() as i64, (mean + 1e-6).round() as i64];
            prop_assert!(allowed.contains(&got), "overallScore: core {}, reference mean {}", got, mean);
            prop_assert_eq!(card.overall_tier, Some(naive::overall_tier(got)));
        }
        (got, _) => {
            prop_assert_eq!(got, reference.overall_score);
            prop_assert_eq!(card.overall_tier, reference.overall_tier);
        }
    }
    Ok(())
}

fn check_rollup(s: &Scenario) -> Result<(), TestCaseError> {
    let got = aggregate_daily(&s.events, &s.config.options());
    let want = naive::rollup(&s.events, &s.config);
    prop_assert_eq!(got.len(), want.len(), "row count: core {:?}\nreference {:?}", got, want);
    for (a, b) in got.iter().zip(&want) {
        // Outside years 0000-9999 the spec's YYYY-MM-DD has no form: the core writes year -921
        // as "-921", the reference as "-0921". Compare such dates by their numbers only.
        prop_assert!(same_date(&a.date, &b.date), "date: core {}, reference {}", a.date, b.date);
        let a = naive::Row {
            date: b.date.clone(),
            deployment_count: a.deployment_count,
            deployment_failure_count: a.deployment_failure_count,
            rework_count: a.rework_count,
            lead_time_avg_seconds: a.lead_time_avg_seconds,
            lead_time_count: a.lead_time_count,
            mttr_avg_seconds: a.mttr_avg_seconds,
            mttr_count: a.mttr_count,
        };
        prop_assert_eq!(&a, b);
    }
    Ok(())
}

/// Equal date strings, or (for years outside 0000-9999 only) the same signed year, month, day.
fn same_date(core: &str, reference: &str) -> bool {
    fn numbers(text: &str) -> Option<(i64, u32, u32)> {
        let (sign, rest) = text.strip_prefix('-').map_or((1, text), |r| (-1, r));
        let mut parts = rest.split('-');
        let y: i64 = parts.next()?.parse().ok()?;
        let m = parts.next()?.parse().ok()?;
        let d = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some((sign * y, m, d))
    }
    core == reference || numbers(reference).is_some_and(|n| !(0..=9999).contains(&n.0) && numbers(core) == Some(n))
}

// ---------------------------------------------------------------------------------------------
// The core agrees with the reference
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(prop_support::cases(1000, "proptest-regressions/reference.txt"))]

    /// `aggregate_daily` = the naive daily rollup, row for row.
    #[test]
    fn rollup_matches_the_reference(s in prop_support::scenario()) {
        check_rollup(&s)?;
    }

    /// `compute_scorecard` = the naive scorecard: all five metrics, every field, and the
    /// overall score and tier.
    #[test]
    fn scorecard_matches_the_reference(s in prop_support::scenario()) {
        let card = compute_scorecard(&s.events, Period::new(s.today, s.days).unwrap(), &s.config.options());
        check_scorecard(&s, &card)?;
    }
}

/// Instants at the edges of what the core accepts (chrono's range), and around 0.
fn extreme_instant() -> impl Strategy<Value = i64> {
    let min = chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp_millis();
    let max = chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp_millis();
    prop_oneof![
        proptest::sample::select(vec![min, min + 1, max, max - 1, 0, -1, 1, -DAY, DAY - 1, -DAY - 1]),
        (min..=max),
        (-5 * DAY..5 * DAY),
    ]
}

proptest! {
    #![proptest_config(prop_support::cases(200, "proptest-regressions/reference.txt"))]

    /// The same with instants anywhere in the accepted range (year -262143 to +262142, either
    /// side of the epoch): rollup dates and durations stay right far from today.
    #[test]
    fn rollup_matches_the_reference_at_extreme_instants(
        s in prop_support::scenario(),
        picks in proptest::collection::vec(extreme_instant(), 12),
    ) {
        let mut s = s;
        let mut next = picks.into_iter().cycle();
        for d in &mut s.events.deployments { d.created_at = next.next().unwrap(); }
        for c in &mut s.events.changes { c.merged_at = next.next().unwrap(); }
        for i in &mut s.events.incidents { i.closed_at = i.closed_at.map(|_| next.next().unwrap()); }
        check_rollup(&s)?;
        let card = compute_scorecard(&s.events, Period::new(s.today, s.days).unwrap(), &s.config.options());
        check_scorecard(&s, &card)?;
    }
}

/// The reference's own calendar agrees with a few known dates (so a disagreement above is
/// the core's, not the reference's).
#[test]
fn reference_calendar_spot_checks() {
    assert_eq!(naive::date(0), "1970-01-01");
    assert_eq!(naive::date(-1), "1969-12-31");
    assert_eq!(naive::date(20_785), "2026-11-28");
    assert_eq!(naive::date(11_016), "2000-02-29");
    assert_eq!(naive::date(-719_528), "0000-01-01");
    assert_eq!(naive::day(-1), -1);
    assert_eq!(naive::day(DAY), 1);
    assert_eq!(naive::day(-DAY), -1);
    assert_eq!(naive::day(-DAY - 1), -2);
}

/// Hand-checked cases from METRICS.md, through the reference: a guard on the reference.
#[test]
fn reference_spot_checks() {
    use dora_metrics_core::{Change, Deployment, Incident};
    let config = Config {
        production: vec!["prd".into(), "prod".into(), "production".into()],
        mean: false,
        tiers: TierChoice::Dora2023,
        targets: [7.0, 24.0, 5.0, 60.0],
    };
    assert!(naive::is_production(" Prod-EU", &config.production));
    assert!(!naive::is_production("preprod", &config.production));
    assert!(!naive::is_production("production2", &config.production));
    let d0 = 20_000 * DAY;
    let dep = |id: &str, state: &str, at: i64| Deployment {
        id: id.into(),
        environment: "prod".into(),
        state: state.into(),
        created_at: at,
    };
    let events = Events {
        deployments: vec![dep("B", "success", d0 + 10), dep("A", "ACTIVE", d0 + 10), dep("C", "Failure", d0 + 20)],
        changes: vec![Change {
            id: "C1".into(),
            created_at: d0 + 10 - HOUR_MS,
            first_commit_at: None,
            merged_at: d0 + 5,
        }],
        incidents: vec![Incident {
            id: "I".into(),
            created_at: d0 + 15,
            closed_at: Some(d0 + 15 + 60_000),
            state_reason: None,
        }],
    };
    let rows = naive::rollup(&events, &config);
    assert_eq!(rows.len(), 1);
    // B (greater id at the tie) is blamed, C failed by state: 2 of 3.
    assert_eq!((rows[0].deployment_count, rows[0].deployment_failure_count, rows[0].rework_count), (3, 2, 0));
    assert_eq!((rows[0].lead_time_avg_seconds, rows[0].mttr_avg_seconds), (Some(3600), Some(60)));
    let card = naive::scorecard(&events, 20_000, 30, &config);
    assert_eq!(card.reports[0].current, Some(3.0 * 7.0 / 30.0));
    assert_eq!(card.reports[0].tier, Some(Tier::Medium));
    assert!(close(card.reports[2].current.unwrap(), 200.0 / 3.0));
    assert_eq!(card.reports[1].current, Some(1.0));
}

const HOUR_MS: i64 = prop_support::HOUR;
