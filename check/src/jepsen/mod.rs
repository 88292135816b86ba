//! Jepsen histories in, EDN out.
//!
//! Two input forms are read, and the form is detected per file: a file whose
//! first form (after blank lines and `;` comments) opens with `{`, `[`, `(`
//! or `#` is EDN; anything else is read as a log.
//! - **EDN maps**, one event per map, or all inside one vector or list (as
//!   Knossos and older Jepsen tests store them), e.g.
//!   `{:process 3, :type :invoke, :f :append, :key "1", :value "x 3 0 y"}`.
//!   `:fail` means the operation did not happen.
//! - **`jepsen.util` log lines**, e.g. `INFO jepsen.util - 3 :invoke :cas [1 4]`
//!   (or `jepsen.util: 3 :invoke ...`); the fields may be separated by any
//!   run of spaces or tabs. Two conventions of this form are honoured:
//!   `:fail :cas` is a completed compare-and-set whose comparison failed (it
//!   returned false), and `:info ... :timed-out` or `:fail :read :timed-out`
//!   is indeterminate (the process may go on to its next operation).
//!
//! In both forms an invoke that never completes is indeterminate. A process
//! is a client number (a non-negative integer) or a name (`:nemesis`, any
//! keyword or string); events of named processes are skipped, and any other
//! process is an error. A history with no client events is linearizable.
//! Events are ordered as written; `:time`, when present, is kept for display.

mod convert;
pub mod edn;
mod json;

use crate::input::{Input, InputError};
pub use convert::{kv_history, mutex_history, register_history};
use edn::{Edn, EdnError};
use std::io::BufRead;

/// The input forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One EDN map per event.
    EdnMaps,
    /// One JSON object per event, as elle-cli writes them (`"type"`,
    /// `"f"`, `"process"`, `"value"`).
    Json,
    /// `jepsen.util` log lines.
    UtilLog,
}

/// An event's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// `:invoke`
    Invoke,
    /// `:ok`
    Ok,
    /// `:fail`
    Fail,
    /// `:info`
    Info,
}

impl EventType {
    fn parse(name: &str) -> Option<EventType> {
        Some(match name {
            "invoke" => EventType::Invoke,
            "ok" => EventType::Ok,
            "fail" => EventType::Fail,
            "info" => EventType::Info,
            _ => return None,
        })
    }

    /// The keyword name.
    pub fn name(self) -> &'static str {
        match self {
            EventType::Invoke => "invoke",
            EventType::Ok => "ok",
            EventType::Fail => "fail",
            EventType::Info => "info",
        }
    }
}

/// The process of an event: a client number, or a named process (`:nemesis`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Process {
    /// A client.
    Client(u64),
    /// Anything else, e.g. `nemesis`.
    Named(Edn),
}

/// One event as Jepsen wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JepsenEvent {
    /// Which process (`None`: the event has no `:process`, which only
    /// checkers that never pair events accept).
    pub process: Option<Process>,
    /// Invoke, ok, fail or info.
    pub kind: EventType,
    /// The operation name, without its colon (`read`, `cas`, `append`...).
    pub f: String,
    /// `:key`, when the event has one.
    pub key: Option<Edn>,
    /// `:value`.
    pub value: Edn,
    /// `:time`, when present.
    pub time: Option<i64>,
    /// Other map entries, in order, kept so that export loses nothing.
    pub extra: Vec<(Edn, Edn)>,
    /// The 1-based line the event starts on.
    pub line: usize,
}

/// Why a history file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Not valid EDN.
    #[error("{0}")]
    Syntax(#[from] EdnError),
    /// Valid syntax, but not an event we understand.
    #[error("line {line}: {message}")]
    Event {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The input could not be read: past its cap, or not text.
    #[error("{0}")]
    Input(#[from] InputError),
    /// The events do not pair up into operations.
    #[error("line {line}: {message}")]
    Pairing {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

fn event_error(line: usize, message: impl Into<String>) -> ImportError {
    ImportError::Event {
        line,
        message: message.into(),
    }
}

/// Detects the form from the first form's first character: `{`, `[`, `(`
/// or `#` is EDN, or JSON when the first map's first key is a string;
/// anything else is a log.
pub fn detect_format(text: &str) -> Format {
    match first_char(text) {
        Some('{' | '[') if crate::input::json::looks_like_json(text) => Format::Json,
        Some('{' | '[' | '(' | '#') | None => Format::EdnMaps,
        Some(_) => Format::UtilLog,
    }
}

/// The first character of the first line that is not blank or a comment.
fn first_char(text: &str) -> Option<char> {
    text.lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with(';'))
        .and_then(|l| l.chars().next())
}

/// Reads a history in either form.
pub fn parse(text: &str) -> Result<(Format, Vec<JepsenEvent>), ImportError> {
    read(&mut Input::text(text))
}

/// Reads a history in either form from `input`, as it is parsed (see
/// [`crate::input`]).
pub fn read<R: BufRead>(input: &mut Input<R>) -> Result<(Format, Vec<JepsenEvent>), ImportError> {
    let decided = |head: &str| match first_char(head) {
        Some('{' | '[') => crate::input::json::decided(head),
        other => other.is_some(),
    };
    let format = detect_format(&input.head(decided)?);
    let events = match format {
        Format::EdnMaps => read_edn_maps(input)?,
        Format::Json => json::read(input)?,
        Format::UtilLog => read_util_log(input)?,
    };
    Ok((format, events))
}

fn keyword_name(v: &Edn) -> Option<&str> {
    match v {
        Edn::Keyword(k) => Some(k),
        _ => None,
    }
}

/// A name: a keyword, or in JSON a string.
fn name_of(v: &Edn) -> Option<&str> {
    match v {
        Edn::Keyword(k) => Some(k),
        Edn::Str(s) | Edn::Symbol(s) => Some(s),
        _ => None,
    }
}

/// A process: a client number, or a name; anything else is an error.
fn process_of(line: usize, v: &Edn) -> Result<Process, ImportError> {
    match v {
        Edn::Int(i) if *i >= 0 => Ok(Process::Client(*i as u64)),
        Edn::Keyword(_) | Edn::Str(_) | Edn::Symbol(_) => Ok(Process::Named(v.clone())),
        other => Err(event_error(
            line,
            format!(
                ":process must be a client number (an integer from 0) or a name such as :nemesis, found `{}`",
                edn::brief(other)
            ),
        )),
    }
}

/// Reads EDN maps, one per event, or all in one vector or list.
fn read_edn_maps<R: BufRead>(input: &mut Input<R>) -> Result<Vec<JepsenEvent>, ImportError> {
    let mut events = Vec::new();
    edn::visit_input(input, |line, form| {
        events.push(event_from_map(line, form)?);
        Ok::<(), ImportError>(())
    })?;
    Ok(events)
}

fn event_from_map(line: usize, form: Edn) -> Result<JepsenEvent, ImportError> {
    let Edn::Map(entries) = form else {
        return Err(event_error(
            line,
            format!("expected an event map, found `{}`", edn::brief(&form)),
        ));
    };
    let (mut process, mut kind, mut f, mut key, mut value, mut time) =
        (None, None, None, None, Edn::Nil, None);
    let mut extra = Vec::new();
    for (k, v) in entries {
        match keyword_name(&k) {
            Some("process") => process = Some(process_of(line, &v)?),
            Some("type") => {
                let name = name_of(&v).ok_or_else(|| {
                    event_error(
                        line,
                        format!(":type must be a keyword, found `{}`", edn::brief(&v)),
                    )
                })?;
                kind = Some(EventType::parse(name).ok_or_else(|| {
                    event_error(
                        line,
                        format!(":type :{name} is not one of :invoke, :ok, :fail, :info"),
                    )
                })?);
            }
            Some("f") => {
                f = Some(name_of(&v).map(str::to_string).ok_or_else(|| {
                    event_error(
                        line,
                        format!(":f must be a keyword, found `{}`", edn::brief(&v)),
                    )
                })?)
            }
            Some("key") => key = Some(v),
            Some("value") => value = v,
            Some("time") => match v {
                Edn::Int(t) => time = Some(t),
                other => {
                    return Err(event_error(
                        line,
                        format!(":time must be an integer, found `{}`", edn::brief(&other)),
                    ))
                }
            },
            _ => extra.push((k, v)),
        }
    }
    Ok(JepsenEvent {
        process,
        kind: kind.ok_or_else(|| event_error(line, "the event has no :type"))?,
        f: f.ok_or_else(|| event_error(line, "the event has no :f"))?,
        key,
        value,
        time,
        extra,
        line,
    })
}

/// Where a log line's event begins: after `jepsen.util - ` or
/// `jepsen.util: `, with any spacing.
fn after_marker(raw: &str) -> Option<&str> {
    let at = raw.find("jepsen.util")?;
    let rest = raw[at + "jepsen.util".len()..].trim_start();
    let rest = rest.strip_prefix('-').or_else(|| rest.strip_prefix(':'))?;
    rest.starts_with(char::is_whitespace)
        .then(|| rest.trim_start())
}

/// The next whitespace-separated field of `text`, and the rest after it.
fn field(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    (end > 0).then(|| (&text[..end], &text[end..]))
}

/// Reads `jepsen.util` log lines: `... jepsen.util - PROCESS :TYPE :F VALUE`.
/// Lines without the marker are other log output and are skipped.
fn read_util_log<R: BufRead>(input: &mut Input<R>) -> Result<Vec<JepsenEvent>, ImportError> {
    let mut events = Vec::new();
    let mut raw = String::new();
    while input.next_line(&mut raw)? {
        // As `str::lines` reads a line: without `\n` or `\r\n`.
        let text = raw.strip_suffix('\n').unwrap_or(&raw);
        let text = text.strip_suffix('\r').unwrap_or(text);
        if let Some(rest) = after_marker(text) {
            events.push(log_event(input.line(), rest)?);
        }
        raw.clear();
    }
    Ok(events)
}

/// One log line's event, from `PROCESS :TYPE :F VALUE`.
fn log_event(line: usize, rest: &str) -> Result<JepsenEvent, ImportError> {
    let fields = field(rest).and_then(|(p, r)| {
        let (kind, r) = field(r)?;
        let (f, value) = field(r)?;
        Some((p, kind, f, value.trim()))
    });
    let Some((process, kind, f, value_text)) = fields else {
        return Err(event_error(
            line,
            "expected `PROCESS :TYPE :F VALUE` after `jepsen.util - `",
        ));
    };
    let process = edn::parse_one(process).map_err(|e| event_error(line, e.message))?;
    let process = process_of(line, &process)?;
    let kind = kind
        .strip_prefix(':')
        .and_then(EventType::parse)
        .ok_or_else(|| {
            event_error(
                line,
                format!("`{kind}` is not one of :invoke, :ok, :fail, :info"),
            )
        })?;
    let f = f
        .strip_prefix(':')
        .filter(|f| !f.is_empty())
        .ok_or_else(|| event_error(line, format!("operation `{f}` must be a keyword")))?;
    let value = if value_text.is_empty() {
        Edn::Nil
    } else {
        // Some logs add text after the value; read the first form only.
        let forms = edn::parse_all(value_text)
            .map_err(|e| event_error(line, format!("value: {}", e.message)))?;
        forms.into_iter().next().map(|(_, v)| v).unwrap_or(Edn::Nil)
    };
    Ok(JepsenEvent {
        process: Some(process),
        kind,
        f: f.to_string(),
        key: None,
        value,
        time: None,
        extra: Vec::new(),
        line,
    })
}

impl JepsenEvent {
    /// The event as an EDN map, in canonical order.
    pub fn to_edn(&self) -> Edn {
        let mut entries = Vec::new();
        match &self.process {
            Some(Process::Client(p)) => {
                entries.push((Edn::keyword("process"), Edn::Int(*p as i64)))
            }
            Some(Process::Named(e)) => entries.push((Edn::keyword("process"), e.clone())),
            None => {}
        }
        entries.push((Edn::keyword("type"), Edn::keyword(self.kind.name())));
        entries.push((Edn::keyword("f"), Edn::keyword(&self.f)));
        if let Some(k) = &self.key {
            entries.push((Edn::keyword("key"), k.clone()));
        }
        entries.push((Edn::keyword("value"), self.value.clone()));
        if let Some(t) = self.time {
            entries.push((Edn::keyword("time"), Edn::Int(t)));
        }
        entries.extend(self.extra.iter().cloned());
        Edn::Map(entries)
    }
}

/// Writes events as EDN, one map per line.
pub fn to_edn(events: &[JepsenEvent]) -> String {
    let mut out = String::new();
    for e in events {
        out.push_str(&e.to_edn().to_string());
        out.push('\n');
    }
    out
}
