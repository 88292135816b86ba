//! elle-cli's JSON, read as it is parsed: each event object is handed on
//! as soon as it is read, also inside the one array that may hold them all,
//! so a history is never held as one JSON value.

use super::super::atoms::Atoms;
use super::super::history::{TxnEvent, TxnHistoryError};
use super::{error, json_event};
use crate::input::Input;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value as Json;
use std::io::BufRead;

/// The events of a history in JSON: one array, or one object per line.
/// An array gives no line per event: they are numbered by position.
pub(super) fn events<R: BufRead>(
    input: &mut Input<R>,
    atoms: &mut Atoms,
) -> Result<Vec<TxnEvent>, TxnHistoryError> {
    let mut events = Vec::new();
    let mut refused = None;
    let mut each = |value: Json| {
        let line = events.len() + 1;
        if let Some(event) = json_event(line, &value, atoms)? {
            events.push(event);
        }
        Ok(())
    };
    let reader = std::io::BufReader::with_capacity(64 << 10, input);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let read = loop {
        if de.end().is_ok() {
            break Ok(());
        }
        let value = Value {
            each: &mut each,
            refused: &mut refused,
        };
        if let Err(e) = value.deserialize(&mut de) {
            break Err(e);
        }
    };
    if let Some(e) = refused {
        return Err(e);
    }
    read.map_err(|e| error(e.line(), format!("JSON: {e}")))?;
    Ok(events)
}

/// One top-level value: an event, or an array of events, each handed to
/// `each`; the first event it refuses is kept in `refused`.
struct Value<'a> {
    each: &'a mut dyn FnMut(Json) -> Result<(), TxnHistoryError>,
    refused: &'a mut Option<TxnHistoryError>,
}

impl Value<'_> {
    fn give<E: serde::de::Error>(&mut self, value: Json) -> Result<(), E> {
        (self.each)(value).map_err(|e| {
            *self.refused = Some(e);
            E::custom("an event is refused")
        })
    }
}

impl<'de> DeserializeSeed<'de> for Value<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Value<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an event object, or an array of them")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Json>()? {
            self.give(value)?;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, map: A) -> Result<(), A::Error> {
        let value = Json::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        self.give(value)
    }
}
