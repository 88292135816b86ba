//! Jepsen histories in, EDN out.
//!
//! Two input forms are read, and the form is detected per file:
//! - **EDN maps**, one event per map (optionally all inside one vector), e.g.
//!   `{:process 3, :type :invoke, :f :append, :key "1", :value "x 3 0 y"}`.
//!   `:fail` means the operation did not happen.
//! - **`jepsen.util` log lines**, e.g. `INFO jepsen.util - 3 :invoke :cas [1 4]`.
//!   Two conventions of this form are honoured: `:fail :cas` is a completed
//!   compare-and-set whose comparison failed (it returned false), and
//!   `:info ... :timed-out` or `:fail :read :timed-out` is indeterminate.
//!
//! In both forms an invoke that never completes is indeterminate, and events of
//! non-client processes (`:nemesis`) are skipped. Events are ordered as written;
//! `:time`, when present, is kept for display.

mod convert;
pub mod edn;

pub use convert::{kv_history, register_history};
use edn::{Edn, EdnError};

/// The two input forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One EDN map per event.
    EdnMaps,
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
    /// Which process.
    pub process: Process,
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
    /// The events do not pair up into operations.
    #[error("line {line}: {message}")]
    Pairing {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Nothing to check.
    #[error("the history has no client events")]
    Empty,
}

fn event_error(line: usize, message: impl Into<String>) -> ImportError {
    ImportError::Event {
        line,
        message: message.into(),
    }
}

/// Detects the form: any line mentioning `jepsen.util` makes it a log.
pub fn detect_format(text: &str) -> Format {
    if text.lines().any(|l| l.contains("jepsen.util")) {
        Format::UtilLog
    } else {
        Format::EdnMaps
    }
}

/// Reads a history in either form.
pub fn parse(text: &str) -> Result<(Format, Vec<JepsenEvent>), ImportError> {
    let format = detect_format(text);
    let events = match format {
        Format::EdnMaps => parse_edn_maps(text)?,
        Format::UtilLog => parse_util_log(text)?,
    };
    Ok((format, events))
}

fn keyword_name(v: &Edn) -> Option<&str> {
    match v {
        Edn::Keyword(k) => Some(k),
        _ => None,
    }
}

fn process_of(v: &Edn) -> Process {
    match v {
        Edn::Int(i) if *i >= 0 => Process::Client(*i as u64),
        other => Process::Named(other.clone()),
    }
}

/// Reads EDN maps, one per event (a single top-level vector of maps also works).
pub fn parse_edn_maps(text: &str) -> Result<Vec<JepsenEvent>, ImportError> {
    let mut forms = edn::parse_all(text)?;
    if forms.len() == 1 {
        if let (line, Edn::Vector(items)) = &forms[0] {
            let line = *line;
            forms = items.iter().map(|i| (line, i.clone())).collect();
        }
    }
    forms
        .into_iter()
        .map(|(line, form)| event_from_map(line, form))
        .collect()
}

fn event_from_map(line: usize, form: Edn) -> Result<JepsenEvent, ImportError> {
    let Edn::Map(entries) = form else {
        return Err(event_error(
            line,
            format!("expected an event map, found `{form}`"),
        ));
    };
    let (mut process, mut kind, mut f, mut key, mut value, mut time) =
        (None, None, None, None, Edn::Nil, None);
    let mut extra = Vec::new();
    for (k, v) in entries {
        match keyword_name(&k) {
            Some("process") => process = Some(process_of(&v)),
            Some("type") => {
                let name = keyword_name(&v).ok_or_else(|| {
                    event_error(line, format!(":type must be a keyword, found `{v}`"))
                })?;
                kind = Some(EventType::parse(name).ok_or_else(|| {
                    event_error(
                        line,
                        format!(":type :{name} is not one of :invoke, :ok, :fail, :info"),
                    )
                })?);
            }
            Some("f") => {
                f = Some(match &v {
                    Edn::Keyword(n) | Edn::Symbol(n) | Edn::Str(n) => n.clone(),
                    other => {
                        return Err(event_error(
                            line,
                            format!(":f must be a keyword, found `{other}`"),
                        ))
                    }
                })
            }
            Some("key") => key = Some(v),
            Some("value") => value = v,
            Some("time") => match v {
                Edn::Int(t) => time = Some(t),
                other => {
                    return Err(event_error(
                        line,
                        format!(":time must be an integer, found `{other}`"),
                    ))
                }
            },
            _ => extra.push((k, v)),
        }
    }
    Ok(JepsenEvent {
        process: process.ok_or_else(|| event_error(line, "the event has no :process"))?,
        kind: kind.ok_or_else(|| event_error(line, "the event has no :type"))?,
        f: f.ok_or_else(|| event_error(line, "the event has no :f"))?,
        key,
        value,
        time,
        extra,
        line,
    })
}

/// Reads `jepsen.util` log lines: `... jepsen.util - PROCESS :TYPE :F VALUE`.
/// Lines without `jepsen.util - ` are ignored (other log output).
pub fn parse_util_log(text: &str) -> Result<Vec<JepsenEvent>, ImportError> {
    let mut events = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let Some(at) = raw.find("jepsen.util - ") else {
            continue;
        };
        let rest = &raw[at + "jepsen.util - ".len()..];
        let mut fields = rest.split_whitespace();
        let (Some(process), Some(kind), Some(f)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(event_error(
                line,
                "expected `PROCESS :TYPE :F VALUE` after `jepsen.util - `",
            ));
        };
        let process =
            process_of(&edn::parse_one(process).map_err(|e| event_error(line, e.message))?);
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
            .ok_or_else(|| event_error(line, format!("operation `{f}` must be a keyword")))?;
        // The value is the rest of the line after the third field.
        let value_text = rest
            .splitn(4, char::is_whitespace)
            .filter(|s| !s.is_empty())
            .nth(3)
            .unwrap_or("")
            .trim();
        let value = if value_text.is_empty() {
            Edn::Nil
        } else {
            // Some logs add text after the value; read the first form only.
            let forms = edn::parse_all(value_text)
                .map_err(|e| event_error(line, format!("value: {}", e.message)))?;
            forms.into_iter().next().map(|(_, v)| v).unwrap_or(Edn::Nil)
        };
        events.push(JepsenEvent {
            process,
            kind,
            f: f.to_string(),
            key: None,
            value,
            time: None,
            extra: Vec::new(),
            line,
        });
    }
    Ok(events)
}

impl JepsenEvent {
    /// The event as an EDN map, in canonical order.
    pub fn to_edn(&self) -> Edn {
        let mut entries = vec![
            (
                Edn::keyword("process"),
                match &self.process {
                    Process::Client(p) => Edn::Int(*p as i64),
                    Process::Named(e) => e.clone(),
                },
            ),
            (Edn::keyword("type"), Edn::keyword(self.kind.name())),
            (Edn::keyword("f"), Edn::keyword(&self.f)),
        ];
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
