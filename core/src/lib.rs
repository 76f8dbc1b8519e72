//! Every DORA number this project reports, defined once (see `spec/METRICS.md`).
//!
//! The core is pure: no I/O, no clock, no runtime bindings. [`api`] is the JavaScript-shaped
//! surface both bindings call; the typed functions below it are for Rust callers.

pub mod api;
mod columns;
mod environment;
mod error;
mod events;
mod ids;
mod instants;
mod options;
mod records;
mod rollup;
mod scorecard;
mod services;
mod stats;
mod targets;
mod tiers;
mod time;
mod timeline;
mod value;
mod whatif;

pub use columns::{ChangeColumns, ColumnSource, DeploymentColumns, EventColumns, IncidentColumns, NO_STRING};
pub use environment::{DEFAULT_PRODUCTION_ENVIRONMENTS, EnvironmentMatcher};
pub use error::{Error, Result};
pub use events::{Change, Deployment, Events, Incident, Outcome};
pub use options::{Options, Statistic};
pub use rollup::{DailyRow, aggregate_daily, aggregate_daily_columns};
pub use scorecard::{MAX_DAYS, MetricReport, Metrics, Period, Scorecard, compute_scorecard, compute_scorecard_columns};
pub use services::{SelectedService, Selection, select_services};
pub use targets::Targets;
pub use tiers::{Metric, Thresholds, Tier, TierSet, overall_score, overall_tier};
pub use time::{Day, day_of, format_day, parse_day};
pub use value::Value;
pub use whatif::{Rating, WhatIf, WhatIfRatings, WhatIfValues, score_what_if};
