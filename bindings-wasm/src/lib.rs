//! The WebAssembly build: the same functions, names and shapes as the Node addon. Each
//! converts its JavaScript arguments into core documents, makes one core call, and converts
//! the result back. No domain logic lives here.

use dora_metrics_core::{Value, api};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A JavaScript `Error` whose `code` is the core's stable code (`NON_FINITE`, ...).
fn to_js_error(error: dora_metrics_core::Error) -> JsValue {
    let js_error = js_sys::Error::new(&error.to_string());
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&js_error, &JsValue::from_str("code"), &JsValue::from_str(error.code()));
    js_error.into()
}

fn read(arg: JsValue) -> Result<Value, JsValue> {
    serde_wasm_bindgen::from_value(arg).map_err(|e| to_js_error(api::unreadable_argument(e)))
}

fn write<T: Serialize>(out: dora_metrics_core::Result<T>) -> Result<JsValue, JsValue> {
    // Plain objects and `null` for absent values, exactly as the Node addon returns them.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    out.map_err(to_js_error)?.serialize(&serializer).map_err(JsValue::from)
}

#[wasm_bindgen(js_name = aggregateDaily, skip_typescript)]
pub fn aggregate_daily(events: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    write(api::aggregate_daily(&read(events)?, &read(options)?))
}

#[wasm_bindgen(js_name = computeScorecard, skip_typescript)]
pub fn compute_scorecard(events: JsValue, period: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    write(api::compute_scorecard(&read(events)?, &read(period)?, &read(options)?))
}

#[wasm_bindgen(js_name = scoreWhatIf, skip_typescript)]
pub fn score_what_if(values: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    write(api::score_what_if(&read(values)?, &read(options)?))
}

#[wasm_bindgen(js_name = classifyTier, skip_typescript)]
pub fn classify_tier(metric: JsValue, value: JsValue, tiers: JsValue) -> Result<JsValue, JsValue> {
    write(api::classify_tier(&read(metric)?, &read(value)?, &read(tiers)?))
}

#[wasm_bindgen(js_name = matchEnvironment, skip_typescript)]
pub fn match_environment(name: JsValue, production_environments: JsValue) -> Result<JsValue, JsValue> {
    write(api::match_environment(&read(name)?, &read(production_environments)?))
}

#[wasm_bindgen(js_name = selectServices, skip_typescript)]
pub fn select_services(entities: JsValue, config: JsValue) -> Result<JsValue, JsValue> {
    write(api::select_services(&read(entities)?, &read(config)?))
}
