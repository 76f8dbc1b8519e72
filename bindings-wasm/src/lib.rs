//! The WebAssembly build: the same functions, names and shapes as the Node addon. Each
//! converts its JavaScript arguments into core documents, makes one core call, and converts
//! the result back. No domain logic lives here.

use dora_metrics_core::{ColumnSource, Value, api};
use serde::Serialize;
use wasm_bindgen::JsCast;
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

/// A columns argument (`EventColumns`): its typed arrays are copied into wasm memory.
struct Columns(JsValue);

impl Columns {
    fn field<T: JsCast>(&self, kind: &str, field: &str, expected: &str) -> Result<T, String> {
        let group = js_sys::Reflect::get(&self.0, &JsValue::from_str(kind))
            .ok()
            .filter(JsValue::is_object)
            .ok_or_else(|| "must be an object of typed arrays".to_owned())?;
        js_sys::Reflect::get(&group, &JsValue::from_str(field))
            .ok()
            .and_then(|value| value.dyn_into::<T>().ok())
            .ok_or_else(|| format!("must be a {expected}"))
    }
}

impl ColumnSource for Columns {
    type F64s<'a> = Vec<f64>;
    type U32s<'a> = Vec<u32>;
    type Bytes<'a> = Vec<u8>;

    fn strings(&self) -> Result<Vec<String>, String> {
        let invalid = || "must be an array of strings".to_owned();
        let value = js_sys::Reflect::get(&self.0, &JsValue::from_str("strings")).map_err(|_| invalid())?;
        let array = value.dyn_into::<js_sys::Array>().map_err(|_| invalid())?;
        array.iter().map(|item| item.as_string().ok_or_else(invalid)).collect()
    }
    fn f64s(&self, kind: &str, field: &str) -> Result<Vec<f64>, String> {
        self.field::<js_sys::Float64Array>(kind, field, "Float64Array").map(|a| a.to_vec())
    }
    fn u32s(&self, kind: &str, field: &str) -> Result<Vec<u32>, String> {
        self.field::<js_sys::Uint32Array>(kind, field, "Uint32Array").map(|a| a.to_vec())
    }
    fn bytes(&self, kind: &str, field: &str) -> Result<Vec<u8>, String> {
        self.field::<js_sys::Uint8Array>(kind, field, "Uint8Array").map(|a| a.to_vec())
    }
}

#[wasm_bindgen(js_name = aggregateDailyColumns, skip_typescript)]
pub fn aggregate_daily_columns(columns: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    write(api::aggregate_daily_columns(&Columns(columns), &read(options)?))
}

#[wasm_bindgen(js_name = computeScorecardColumns, skip_typescript)]
pub fn compute_scorecard_columns(columns: JsValue, period: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    write(api::compute_scorecard_columns(&Columns(columns), &read(period)?, &read(options)?))
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
