//! From Jepsen events to typed histories for the built-in specs, and back.

use super::edn::Edn;
use super::{event_error, EventType, Format, ImportError, JepsenEvent, Process};
use crate::history::History;
use crate::spec::kv::{KvInput, KvOutput};
use crate::spec::mutex::{MutexInput, MutexOutput};
use crate::spec::register::{RegisterInput, RegisterOutput};

/// Client events only, each with its process and a display time; an
/// event with no process is an error, since it cannot be paired.
fn client_events(
    events: &[JepsenEvent],
) -> impl Iterator<Item = Result<(u64, u64, &JepsenEvent), ImportError>> {
    events.iter().filter_map(|e| match &e.process {
        Some(Process::Client(p)) => Some(Ok((
            *p,
            e.time.map_or(e.line as u64, |t| t.max(0) as u64),
            e,
        ))),
        Some(Process::Named(_)) => None,
        None => Some(Err(event_error(e.line, "the event has no :process"))),
    })
}

fn int(line: usize, what: &str, v: &Edn) -> Result<i64, ImportError> {
    match v {
        Edn::Int(i) => Ok(*i),
        other => Err(event_error(
            line,
            format!(
                "{what}: expected an integer, found `{}`",
                super::edn::brief(other)
            ),
        )),
    }
}

fn is_timeout(v: &Edn) -> bool {
    matches!(v, Edn::Keyword(k) if &**k == "timed-out" || &**k == "timeout")
}

/// Rejects a history whose events do not pair up. An empty one is fine:
/// with nothing to order, it is linearizable.
fn finish<I: Clone, O: Clone>(
    history: History<I, O>,
    lines: &[usize],
) -> Result<History<I, O>, ImportError> {
    check_pairing(&history, lines)?;
    Ok(history)
}

/// Checks that the events pair up, naming the line where they do not.
fn check_pairing<I: Clone, O: Clone>(
    history: &History<I, O>,
    lines: &[usize],
) -> Result<(), ImportError> {
    history.operations().map(|_| ()).map_err(|e| {
        let index = match e {
            crate::history::HistoryError::CompletionWithoutInvoke { index, .. }
            | crate::history::HistoryError::InvokeWhilePending { index, .. } => index,
        };
        ImportError::Pairing {
            line: lines[index],
            message: e.to_string(),
        }
    })
}

/// A register history (`read`, `write`, `cas`).
pub fn register_history(
    events: &[JepsenEvent],
    format: Format,
) -> Result<History<RegisterInput, RegisterOutput>, ImportError> {
    let mut h = History::new();
    let mut lines = Vec::new();
    for event in client_events(events) {
        let (p, t, e) = event?;
        let line = e.line;
        match (e.kind, e.f.as_str()) {
            (EventType::Invoke, "read") => h.invoke(p, t, RegisterInput::Read),
            (EventType::Invoke, "write") => h.invoke(
                p,
                t,
                RegisterInput::Write(int(line, "write value", &e.value)?),
            ),
            (EventType::Invoke, "cas") => match &e.value {
                Edn::Vector(v) | Edn::List(v) if v.len() == 2 => h.invoke(
                    p,
                    t,
                    RegisterInput::Cas {
                        from: int(line, "cas from", &v[0])?,
                        to: int(line, "cas to", &v[1])?,
                    },
                ),
                other => {
                    return Err(event_error(
                        line,
                        format!(
                            "cas value: expected [from to], found `{}`",
                            super::edn::brief(other)
                        ),
                    ))
                }
            },
            (EventType::Ok, "read") => {
                let v = match &e.value {
                    Edn::Nil => None,
                    other => Some(int(line, "read value", other)?),
                };
                h.ok(p, t, RegisterOutput::Read(v));
            }
            (EventType::Ok, "write") => h.ok(p, t, RegisterOutput::Written),
            (EventType::Ok, "cas") => h.ok(p, t, RegisterOutput::Cas(true)),
            (EventType::Fail, "cas") if format == Format::UtilLog && !is_timeout(&e.value) => {
                h.ok(p, t, RegisterOutput::Cas(false))
            }
            (EventType::Fail, _) if format == Format::UtilLog && is_timeout(&e.value) => {
                h.info(p, t)
            }
            (EventType::Fail, "read" | "write" | "cas") => h.fail(p, t),
            (EventType::Info, "read" | "write" | "cas") => h.info(p, t),
            (_, f) => {
                return Err(event_error(
                    line,
                    format!("the register spec has no operation :{f}"),
                ))
            }
        }
        lines.push(line);
    }
    finish(h, &lines)
}

fn text(line: usize, what: &str, v: &Edn) -> Result<String, ImportError> {
    match v {
        Edn::Str(s) => Ok(s.clone()),
        Edn::Int(i) => Ok(i.to_string()),
        Edn::Keyword(k) => Ok(k.to_string()),
        Edn::Symbol(k) => Ok(k.clone()),
        other => Err(event_error(
            line,
            format!(
                "{what}: expected a string, found `{}`",
                super::edn::brief(other)
            ),
        )),
    }
}

/// A kv history (`get`, `put`, `append`). The key comes from `:key`, or from a
/// `[key value]` tuple in `:value` (Jepsen's independent keys).
pub fn kv_history(
    events: &[JepsenEvent],
    format: Format,
) -> Result<History<KvInput, KvOutput>, ImportError> {
    let mut h = History::new();
    let mut lines = Vec::new();
    for event in client_events(events) {
        let (p, t, e) = event?;
        let line = e.line;
        let (key, value) = match (&e.key, &e.value) {
            (Some(k), v) => (text(line, "key", k)?, v),
            (None, Edn::Vector(kv)) if kv.len() == 2 => (text(line, "key", &kv[0])?, &kv[1]),
            (None, _) => {
                return Err(event_error(
                    line,
                    "a kv event needs :key, or :value [key value]",
                ))
            }
        };
        match (e.kind, e.f.as_str()) {
            (EventType::Invoke, "get" | "read") => h.invoke(p, t, KvInput::Get(key)),
            (EventType::Invoke, "put" | "write") => {
                h.invoke(p, t, KvInput::Put(key, text(line, "put value", value)?))
            }
            (EventType::Invoke, "append") => h.invoke(
                p,
                t,
                KvInput::Append(key, text(line, "append value", value)?),
            ),
            (EventType::Ok, "get" | "read") => {
                let v = match value {
                    Edn::Nil => String::new(),
                    other => text(line, "get value", other)?,
                };
                h.ok(p, t, KvOutput::Value(v));
            }
            (EventType::Ok, "put" | "write" | "append") => h.ok(p, t, KvOutput::Done),
            (EventType::Fail, _) if format == Format::UtilLog && is_timeout(value) => h.info(p, t),
            (EventType::Fail, "get" | "read" | "put" | "write" | "append") => h.fail(p, t),
            (EventType::Info, "get" | "read" | "put" | "write" | "append") => h.info(p, t),
            (_, f) => {
                return Err(event_error(
                    line,
                    format!("the kv spec has no operation :{f}"),
                ))
            }
        }
        lines.push(line);
    }
    finish(h, &lines)
}

/// A mutex history (`acquire`, `release`), as Knossos reads it: a failed
/// operation did not happen, an `:info` one may have.
pub fn mutex_history(
    events: &[JepsenEvent],
) -> Result<History<MutexInput, MutexOutput>, ImportError> {
    let mut h = History::new();
    let mut lines = Vec::new();
    for event in client_events(events) {
        let (p, t, e) = event?;
        let input = match e.f.as_str() {
            "acquire" => MutexInput::Acquire,
            "release" => MutexInput::Release,
            f => {
                return Err(event_error(
                    e.line,
                    format!("the mutex spec has no operation :{f} (it has :acquire and :release)"),
                ))
            }
        };
        match e.kind {
            EventType::Invoke => h.invoke(p, t, input),
            EventType::Ok => h.ok(p, t, MutexOutput::Done),
            EventType::Fail => h.fail(p, t),
            EventType::Info => h.info(p, t),
        }
        lines.push(e.line);
    }
    finish(h, &lines)
}
