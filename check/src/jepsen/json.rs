//! Jepsen events in JSON, as elle-cli writes them: each object's keys
//! are the event's fields (`"type"`, `"f"`, `"process"`, `"value"`), read
//! as the EDN keywords they stand for; values keep their JSON form (an
//! object is a map with string keys, an array a vector).

use super::edn::Edn;
use super::{event_error, event_from_map, ImportError, JepsenEvent};
use crate::input::Input;
use serde_json::Value as Json;
use std::io::BufRead;

/// The events of a JSON history: one array, or one object per line.
pub(super) fn read<R: BufRead>(input: &mut Input<R>) -> Result<Vec<JepsenEvent>, ImportError> {
    let mut events = Vec::new();
    crate::input::json::events(
        input,
        |line, value| {
            let Json::Object(fields) = value else {
                return Err(event_error(
                    line,
                    format!("expected an event object, found `{value}`"),
                ));
            };
            let entries = fields
                .into_iter()
                .map(|(k, v)| (Edn::keyword(&k), edn_of(v)))
                .collect();
            events.push(event_from_map(line, Edn::Map(entries))?);
            Ok(())
        },
        event_error,
    )?;
    Ok(events)
}

/// A JSON value as the EDN value it stands for.
fn edn_of(value: Json) -> Edn {
    match value {
        Json::Null => Edn::Nil,
        Json::Bool(b) => Edn::Bool(b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Edn::Int(i),
            None => Edn::Float(n.to_string()),
        },
        Json::String(s) => Edn::Str(s),
        Json::Array(items) => Edn::Vector(items.into_iter().map(edn_of).collect()),
        Json::Object(map) => Edn::Map(
            map.into_iter()
                .map(|(k, v)| (Edn::Str(k), edn_of(v)))
                .collect(),
        ),
    }
}
