//! The Node.js addon: each function converts its JavaScript arguments into core documents,
//! makes one core call, and converts the result back. No domain logic lives here.

use dora_metrics_core::{ColumnSource, Value, api};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde::Serialize;

type CoreResult<T> = napi::Result<T>;

/// Throws a JavaScript `Error` whose `code` is the core's stable code (`NON_FINITE`, ...).
/// napi only lets a returned error carry a `Status` as its code, so the error is thrown here
/// and the call returns the pending exception.
fn throw(env: &Env, error: dora_metrics_core::Error) -> napi::Error {
    let js_error = JsError::from(napi::Error::new(error.code(), error.to_string()));
    // SAFETY: `env` is the live environment of the current call on the JS thread.
    unsafe { js_error.throw_into(env.raw()) };
    napi::Error::from_status(Status::PendingException)
}

fn read(env: &Env, arg: Option<Unknown<'_>>) -> CoreResult<Value> {
    match arg {
        None => Ok(Value::Null),
        Some(value) => env.from_js_value(value).map_err(|e| throw(env, api::unreadable_argument(&e.reason))),
    }
}

fn write<'env, T: Serialize>(env: &'env Env, out: dora_metrics_core::Result<T>) -> CoreResult<Unknown<'env>> {
    let out = out.map_err(|e| throw(env, e))?;
    env.to_js_value(&out)
}

#[napi(js_name = "aggregateDaily", ts_return_type = "DailyRow[]")]
pub fn aggregate_daily<'env>(
    env: &'env Env,
    events: Unknown<'env>,
    options: Option<Unknown<'env>>,
) -> CoreResult<Unknown<'env>> {
    write(env, api::aggregate_daily(&read(env, Some(events))?, &read(env, options)?))
}

#[napi(js_name = "computeScorecard", ts_return_type = "Scorecard")]
pub fn compute_scorecard<'env>(
    env: &'env Env,
    events: Unknown<'env>,
    period: Unknown<'env>,
    options: Option<Unknown<'env>>,
) -> CoreResult<Unknown<'env>> {
    write(env, api::compute_scorecard(&read(env, Some(events))?, &read(env, Some(period))?, &read(env, options)?))
}

/// A columns argument (`EventColumns`): its typed arrays are lent to the core as they are,
/// without a copy. `None` when the argument is not an object: every field then reads as missing.
struct Columns<'env>(Option<Object<'env>>);

impl<'env> Columns<'env> {
    fn new(value: Unknown<'env>) -> Self {
        let is_object = matches!(value.get_type(), Ok(ValueType::Object));
        // SAFETY: the value was just checked to be an object.
        Columns(is_object.then(|| unsafe { value.cast::<Object>() }).and_then(|o| o.ok()))
    }

    fn kind(&self, kind: &str) -> std::result::Result<Object<'_>, String> {
        let invalid = || "must be an object of typed arrays".to_owned();
        self.0.as_ref().ok_or_else(invalid)?.get_named_property::<Object>(kind).map_err(|_| invalid())
    }

    /// A typed array field, borrowed for the rest of the call (JavaScript cannot run meanwhile).
    fn typed<T: FromNapiValue + ValidateNapiValue>(
        &self,
        kind: &str,
        field: &str,
        expected: &str,
    ) -> std::result::Result<T, String> {
        self.kind(kind)?.get_named_property::<T>(field).map_err(|_| format!("must be a {expected}"))
    }
}

impl<'env> ColumnSource for Columns<'env> {
    type F64s<'a>
        = Float64ArraySlice<'env>
    where
        Self: 'a;
    type U32s<'a>
        = Uint32ArraySlice<'env>
    where
        Self: 'a;
    type Bytes<'a>
        = Uint8ArraySlice<'env>
    where
        Self: 'a;

    fn strings(&self) -> std::result::Result<Vec<String>, String> {
        let invalid = || "must be an array of strings".to_owned();
        self.0.as_ref().ok_or_else(invalid)?.get_named_property::<Vec<String>>("strings").map_err(|_| invalid())
    }
    fn f64s(&self, kind: &str, field: &str) -> std::result::Result<Float64ArraySlice<'env>, String> {
        self.typed(kind, field, "Float64Array")
    }
    fn u32s(&self, kind: &str, field: &str) -> std::result::Result<Uint32ArraySlice<'env>, String> {
        self.typed(kind, field, "Uint32Array")
    }
    fn bytes(&self, kind: &str, field: &str) -> std::result::Result<Uint8ArraySlice<'env>, String> {
        self.typed(kind, field, "Uint8Array")
    }
}

#[napi(
    js_name = "aggregateDailyColumns",
    ts_args_type = "columns: EventColumns, options?: Options | null",
    ts_return_type = "DailyRow[]"
)]
pub fn aggregate_daily_columns<'env>(
    env: &'env Env,
    columns: Unknown<'env>,
    options: Option<Unknown<'env>>,
) -> CoreResult<Unknown<'env>> {
    write(env, api::aggregate_daily_columns(&Columns::new(columns), &read(env, options)?))
}

#[napi(
    js_name = "computeScorecardColumns",
    ts_args_type = "columns: EventColumns, period: Period, options?: Options | null",
    ts_return_type = "Scorecard"
)]
pub fn compute_scorecard_columns<'env>(
    env: &'env Env,
    columns: Unknown<'env>,
    period: Unknown<'env>,
    options: Option<Unknown<'env>>,
) -> CoreResult<Unknown<'env>> {
    write(env, api::compute_scorecard_columns(&Columns::new(columns), &read(env, Some(period))?, &read(env, options)?))
}

#[napi(js_name = "scoreWhatIf", ts_return_type = "WhatIf")]
pub fn score_what_if<'env>(
    env: &'env Env,
    values: Unknown<'env>,
    options: Option<Unknown<'env>>,
) -> CoreResult<Unknown<'env>> {
    write(env, api::score_what_if(&read(env, Some(values))?, &read(env, options)?))
}

#[napi(js_name = "classifyTier", ts_return_type = "Tier")]
pub fn classify_tier<'env>(
    env: &'env Env,
    metric: Unknown<'env>,
    value: Unknown<'env>,
    tiers: Option<Unknown<'env>>,
) -> CoreResult<Unknown<'env>> {
    write(env, api::classify_tier(&read(env, Some(metric))?, &read(env, Some(value))?, &read(env, tiers)?))
}

#[napi(js_name = "matchEnvironment", ts_return_type = "boolean")]
pub fn match_environment<'env>(
    env: &'env Env,
    name: Unknown<'env>,
    production_environments: Option<Unknown<'env>>,
) -> CoreResult<Unknown<'env>> {
    write(env, api::match_environment(&read(env, Some(name))?, &read(env, production_environments)?))
}

#[napi(js_name = "selectServices", ts_return_type = "SelectedService[]")]
pub fn select_services<'env>(
    env: &'env Env,
    entities: Unknown<'env>,
    config: Unknown<'env>,
) -> CoreResult<Unknown<'env>> {
    write(env, api::select_services(&read(env, Some(entities))?, &read(env, Some(config))?))
}
