//! The JavaScript-shaped input document. Both bindings deserialize their arguments into
//! [`Value`] through serde and hand it to the core, so every check of an argument (types,
//! non-finite numbers, unknown keys) is written once, here and in the parsers beside it, and
//! behaves identically in Node and in the browser.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, Result};

/// A JSON-like value that, unlike JSON, can carry NaN and the infinities (JavaScript can).
/// `undefined` and `null` both arrive as [`Value::Null`], which every parser treats as absent.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    /// Keys in insertion order; JavaScript objects cannot repeat a key.
    Object(Vec<(String, Value)>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value of `key` in an object, treating `null` as absent.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v).filter(|v| !v.is_null()),
            _ => None,
        }
    }

    /// A short name of the value's JavaScript type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// Fails with `NON_FINITE` naming the first NaN or infinity found, depth first, anywhere
    /// below `self`. Run over every argument before any other check.
    pub fn check_finite(&self, path: &str) -> Result<()> {
        match self {
            Value::Number(n) if !n.is_finite() => Err(Error::NonFinite { field: path.to_owned() }),
            Value::Array(items) => {
                // Build child paths only on the error path: this runs over millions of events.
                for (i, item) in items.iter().enumerate() {
                    if item.has_non_finite() {
                        return item.check_finite(&format!("{path}[{i}]"));
                    }
                }
                Ok(())
            }
            Value::Object(entries) => {
                for (key, item) in entries {
                    if item.has_non_finite() {
                        return item.check_finite(&join(path, key));
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn has_non_finite(&self) -> bool {
        match self {
            Value::Number(n) => !n.is_finite(),
            Value::Array(items) => items.iter().any(Value::has_non_finite),
            Value::Object(entries) => entries.iter().any(|(_, v)| v.has_non_finite()),
            _ => false,
        }
    }
}

/// `parent.key`, or `key` at the top.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_owned() } else { format!("{parent}.{key}") }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON-like value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Deserialize::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            entries.push((key, value));
        }
        Ok(Value::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserializes_json_and_treats_null_as_absent() {
        let v: Value = serde_json::from_str(r#"{"a": 1, "b": null, "c": [true, "x"]}"#).unwrap();
        assert_eq!(v.get("a"), Some(&Value::Number(1.0)));
        assert_eq!(v.get("b"), None);
        assert_eq!(v.get("zz"), None);
        assert_eq!(v.get("c"), Some(&Value::Array(vec![Value::Bool(true), Value::String("x".into())])));
    }

    #[test]
    fn finds_the_first_non_finite_number_with_its_path() {
        let v = Value::Object(vec![
            ("ok".into(), Value::Number(1.0)),
            (
                "list".into(),
                Value::Array(vec![Value::Number(2.0), Value::Object(vec![("at".into(), Value::Number(f64::NAN))])]),
            ),
        ]);
        let err = v.check_finite("events").unwrap_err();
        assert_eq!(err.code(), "NON_FINITE");
        assert_eq!(err.field(), "events.list[1].at");
        assert!(Value::Number(f64::INFINITY).check_finite("x").is_err());
        assert!(Value::Number(-0.0).check_finite("x").is_ok());
    }
}
