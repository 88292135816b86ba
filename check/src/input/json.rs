//! JSON events read as they are parsed, each with the line it starts on.
//!
//! A history in JSON is one array of event objects, or one object per
//! line; either way each object is handed on as soon as it is read, so a
//! history is never held as one JSON value. The line an event starts on is
//! counted from the bytes the deserializer has taken, so it is the true
//! line also in a pretty-printed array, after blank lines, and past events
//! a reader skips.

use super::Input;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value as Json;
use std::cell::Cell;
use std::io::{BufRead, Read};
use std::rc::Rc;

/// Where the deserializer is: the line of the byte it took last, and the
/// line the current event starts on (`None` until its first byte).
#[derive(Clone, Copy, Debug)]
struct Position {
    line: usize,
    start: Option<usize>,
}

/// The bytes of an input, counting lines as the deserializer takes them.
/// serde_json takes one byte at a time, peeking at most one ahead, so
/// after an event's closing brace nothing of the next event is taken.
struct Counted<R> {
    inner: R,
    at: Rc<Cell<Position>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut at = self.at.get();
        for &b in &buf[..n] {
            if at.start.is_none() && !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[') {
                at.start = Some(at.line);
            }
            if b == b'\n' {
                at.line += 1;
            }
        }
        self.at.set(at);
        Ok(n)
    }
}

/// Hands each event of `input` to `each`, with the 1-based line it starts
/// on, in order. `each`'s first error ends the read and is returned; a
/// JSON syntax error is given to `syntax` with its line, and its answer
/// returned.
pub fn events<R: BufRead, E>(
    input: &mut Input<R>,
    mut each: impl FnMut(usize, Json) -> Result<(), E>,
    syntax: impl FnOnce(usize, String) -> E,
) -> Result<(), E> {
    let at = Rc::new(Cell::new(Position {
        line: 1,
        start: None,
    }));
    let reader = Counted {
        inner: std::io::BufReader::with_capacity(64 << 10, input),
        at: Rc::clone(&at),
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut refused = None;
    let read = loop {
        restart(&at);
        if de.end().is_ok() {
            break Ok(());
        }
        let value = Value {
            each: &mut each,
            refused: &mut refused,
            at: &at,
        };
        if let Err(e) = value.deserialize(&mut de) {
            break Err(e);
        }
    };
    if let Some(e) = refused {
        return Err(e);
    }
    read.map_err(|e| syntax(e.line(), format!("JSON: {e}")))
}

/// Marks that the next byte taken that is not a separator starts an event.
fn restart(at: &Cell<Position>) {
    at.set(Position {
        start: None,
        ..at.get()
    });
}

/// One top-level value: an event, or an array of events, each handed to
/// `each`; the first error `each` gives is kept in `refused`.
struct Value<'a, E> {
    each: &'a mut dyn FnMut(usize, Json) -> Result<(), E>,
    refused: &'a mut Option<E>,
    at: &'a Cell<Position>,
}

impl<E> Value<'_, E> {
    fn give<D: serde::de::Error>(&mut self, value: Json) -> Result<(), D> {
        let at = self.at.get();
        let line = at.start.unwrap_or(at.line);
        (self.each)(line, value).map_err(|e| {
            *self.refused = Some(e);
            D::custom("an event is refused")
        })
    }
}

impl<'de, E> DeserializeSeed<'de> for Value<'_, E> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, E> Visitor<'de> for Value<'_, E> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an event object, or an array of them")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        restart(self.at);
        while let Some(value) = seq.next_element::<Json>()? {
            self.give(value)?;
            restart(self.at);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, map: A) -> Result<(), A::Error> {
        let value = Json::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        self.give(value)
    }
}

/// Whether a history's start reads as JSON events: after its first `{`,
/// a `"` (`{"type" ...`); EDN events open with a keyword (`{:type ...`).
pub fn looks_like_json(head: &str) -> bool {
    let after = head.find('{').map(|i| head[i + 1..].trim_start());
    after.is_some_and(|rest| rest.starts_with('"'))
}

/// Whether `head` holds enough of a history to tell JSON from the rest:
/// the first `{` and something after it.
pub fn decided(head: &str) -> bool {
    head.find('{')
        .is_some_and(|i| !head[i + 1..].trim_start().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<usize> {
        let mut seen = Vec::new();
        events(
            &mut Input::text(text),
            |line, _| {
                seen.push(line);
                Ok::<(), String>(())
            },
            |line, e| format!("{line}: {e}"),
        )
        .expect("valid JSON");
        seen
    }

    #[test]
    fn each_event_has_the_line_it_starts_on() {
        assert_eq!(lines("{\"a\":1}\n\n{\"a\":2}\n{\"a\":3}"), [1, 3, 4]);
        assert_eq!(lines("[{\"a\":1},\n{\"a\":2}]"), [1, 2]);
        let pretty = "[\n  {\n    \"a\": [1,\n 2]\n  },\n\n  {\n    \"a\": 3\n  }\n]\n";
        assert_eq!(lines(pretty), [2, 7]);
        assert_eq!(lines("[{\"a\":1}, {\"a\":2}]"), [1, 1]);
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let err = events(
            &mut Input::text("[{\"a\":1},\n{\"a\":]"),
            |_, _| Ok(()),
            |line, _| line,
        );
        assert_eq!(err, Err(2));
    }

    #[test]
    fn json_is_told_from_edn() {
        assert!(looks_like_json("[{\"type\":\"ok\"}]"));
        assert!(looks_like_json("\n{ \"type\": \"ok\"}"));
        assert!(!looks_like_json("{:type :ok}"));
        assert!(!looks_like_json("[{:type :ok}]"));
        assert!(!looks_like_json("INFO jepsen.util - 1 :invoke"));
    }
}
