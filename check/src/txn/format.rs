//! Transactional histories in and out: Jepsen's EDN (`{:type :ok, :f :txn,
//! :value [[:append 3 1] [:r 4 [1 2]]], :process 0, :index 7}`, one map per
//! line or all in one collection) and elle-cli's JSON (`{"type": "ok",
//! "value": [["append", 3, 1], ["r", 4, [1, 2]]], "process": 0}`, in one
//! array or one object per line). The form is detected from the first
//! map's first key: a keyword is EDN, a string JSON.
//!
//! `:f` may be absent (elle-cli's examples omit it); when present it must
//! be `:txn`. Events of named processes (`:nemesis`) are skipped.

use super::atoms::{Atom, Atoms};
use super::history::{
    named_process, Mop, ReadValue, Status, TxnEvent, TxnHistory, TxnHistoryError, NIL_PROCESS,
};
use crate::input::{Input, InputError};
use crate::jepsen::edn::{self, Edn};
use serde_json::Value as Json;
use std::fmt::Write as _;
use std::io::BufRead;

mod json;

/// The two forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnFormat {
    /// Jepsen's EDN maps.
    Edn,
    /// elle-cli's JSON.
    Json,
}

impl TxnFormat {
    /// The form's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            TxnFormat::Edn => "edn",
            TxnFormat::Json => "json",
        }
    }
}

/// Detects the form: after the first `{`, a `"` means JSON.
pub fn detect(text: &str) -> TxnFormat {
    match crate::input::json::looks_like_json(text) {
        true => TxnFormat::Json,
        false => TxnFormat::Edn,
    }
}

/// Reads a history in either form.
pub fn parse(text: &str) -> Result<(TxnFormat, TxnHistory), TxnHistoryError> {
    read(&mut Input::text(text))
}

/// Reads a history in either form from `input`, as it is parsed (see
/// [`crate::input`]).
pub fn read<R: BufRead>(input: &mut Input<R>) -> Result<(TxnFormat, TxnHistory), TxnHistoryError> {
    let format = detect(&input.head(crate::input::json::decided)?);
    let mut atoms = Atoms::default();
    let events = match format {
        TxnFormat::Edn => edn_events(input, &mut atoms)?,
        TxnFormat::Json => json::events(input, &mut atoms)?,
    };
    Ok((format, TxnHistory::from_events(events, atoms)?))
}

impl From<InputError> for TxnHistoryError {
    fn from(e: InputError) -> Self {
        error(e.line, e.message)
    }
}

fn error(line: usize, message: impl Into<String>) -> TxnHistoryError {
    TxnHistoryError {
        line,
        message: message.into(),
    }
}

fn status_named(line: usize, name: &str) -> Result<Option<Status>, TxnHistoryError> {
    Ok(match name {
        "invoke" => None,
        "ok" => Some(Status::Ok),
        "fail" => Some(Status::Fail),
        "info" => Some(Status::Info),
        other => {
            return Err(error(
                line,
                format!("type `{other}` is not one of invoke, ok, fail, info"),
            ))
        }
    })
}

/// The EDN events, skipping named processes. Each event's micro-operations
/// are made as the reader reads them, so one transaction of millions is
/// never held as an EDN tree.
fn edn_events<R: BufRead>(
    input: &mut Input<R>,
    atoms: &mut Atoms,
) -> Result<Vec<TxnEvent>, TxnHistoryError> {
    // The operations of the event being read, or the first error among
    // them (an event skipped later, a nemesis's, may hold anything).
    let state = std::cell::RefCell::new((atoms, Vec::<Mop>::new(), None));
    let mut sink = |line: usize, item: Edn| {
        let mut s = state.borrow_mut();
        let (atoms, mops, failed) = &mut *s;
        if failed.is_none() {
            match edn_mop(line, &item, atoms) {
                Ok(mop) => mops.push(mop),
                Err(e) => *failed = Some(e),
            }
        }
        Ok(())
    };
    let mut events = Vec::new();
    edn::visit_input_streaming(input, &mut sink, |line, form| {
        let mut s = state.borrow_mut();
        let (atoms, mops, failed) = &mut *s;
        let mut streamed = std::mem::take(mops);
        streamed.shrink_to_fit();
        // A completion most often follows its invocation, with as many
        // operations: room for them at once, not by doubling.
        mops.reserve_exact(streamed.len());
        let streamed = match failed.take() {
            Some(e) => Err(e),
            None => Ok(streamed),
        };
        if let Some(event) = edn_event(line, &form, atoms, streamed)? {
            events.push(event);
        }
        Ok::<(), TxnHistoryError>(())
    })?;
    Ok(events)
}

impl From<edn::EdnError> for TxnHistoryError {
    fn from(e: edn::EdnError) -> Self {
        error(e.line, e.message)
    }
}

fn edn_name(v: &Edn) -> Option<&str> {
    match v {
        Edn::Keyword(k) => Some(k),
        Edn::Str(s) | Edn::Symbol(s) => Some(s),
        _ => None,
    }
}

/// One event, from its map; `streamed` holds the micro-operations of a
/// `:value` the reader handed on item by item (or the first error among
/// them, which counts only if the event is a transaction's).
fn edn_event(
    line: usize,
    form: &Edn,
    atoms: &mut Atoms,
    streamed: Result<Vec<Mop>, TxnHistoryError>,
) -> Result<Option<TxnEvent>, TxnHistoryError> {
    let Edn::Map(_) = form else {
        return Err(error(
            line,
            format!("expected an event map, found `{}`", edn::brief(form)),
        ));
    };
    let process = match form.get("process") {
        Some(Edn::Int(p)) if *p >= 0 => *p as u64,
        // Jepsen keys a history's processes by `:process`; events without
        // one (Elle's own paper example) all share the process `nil`.
        None | Some(Edn::Nil) => NIL_PROCESS,
        Some(Edn::Keyword(_) | Edn::Str(_) | Edn::Symbol(_)) => return Ok(None),
        Some(other) => {
            return Err(error(
                line,
                format!(
                    ":process must be a client number, found `{}`",
                    edn::brief(other)
                ),
            ))
        }
    };
    let kind = form
        .get("type")
        .and_then(edn_name)
        .ok_or_else(|| error(line, "the event has no :type keyword"))?;
    let completion = status_named(line, kind)?;
    if let Some(f) = form.get("f").filter(|f| !matches!(f, Edn::Nil)) {
        if edn_name(f) != Some("txn") {
            return Err(error(
                line,
                format!(":f must be :txn, found `{}`", edn::brief(f)),
            ));
        }
    }
    let mops = match form.get("value") {
        None | Some(Edn::Nil) => Vec::new(),
        Some(Edn::Tagged(tag, _)) if tag == edn::STREAMED => streamed?,
        Some(Edn::Vector(items) | Edn::List(items)) => items
            .iter()
            .map(|m| edn_mop(line, m, atoms))
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(error(
                line,
                format!(
                    ":value must be a vector of micro-operations, found `{}`",
                    edn::brief(other)
                ),
            ))
        }
    };
    let index = match form.get("index") {
        Some(Edn::Int(i)) => Some(*i),
        _ => None,
    };
    Ok(Some(TxnEvent {
        process,
        completion,
        mops,
        line,
        index,
    }))
}

fn edn_atom(line: usize, v: &Edn, atoms: &mut Atoms) -> Result<u32, TxnHistoryError> {
    Ok(match v {
        Edn::Int(i) => atoms.int(*i),
        Edn::Str(s) => atoms.intern(Atom::Str(s.clone())),
        Edn::Symbol(s) => atoms.intern(Atom::Symbol(s.clone())),
        Edn::Keyword(k) => atoms.intern(Atom::Keyword(k.to_string())),
        Edn::Nil => return Err(error(line, "a key or value cannot be nil")),
        other => atoms.intern(Atom::Edn(other.to_string())),
    })
}

fn edn_mop(line: usize, m: &Edn, atoms: &mut Atoms) -> Result<Mop, TxnHistoryError> {
    let (Edn::Vector(parts) | Edn::List(parts)) = m else {
        return Err(error(
            line,
            format!(
                "a micro-operation is [f key value], found `{}`",
                edn::brief(m)
            ),
        ));
    };
    // A read may leave out its value, as an invocation's often does: Elle
    // reads `[:r :x]` as `[:r :x nil]`.
    let (f, key, value) = match parts.as_slice() {
        [f, key, value] => (f, key, value),
        [f, key] if edn_name(f) == Some("r") => (f, key, &Edn::Nil),
        _ => {
            let message = format!(
                "a micro-operation is [f key value], found `{}`",
                edn::brief(m)
            );
            return Err(error(line, message));
        }
    };
    let brief_f = || edn::brief(f);
    build_mop(line, edn_name(f), brief_f, key, value, atoms)
}

fn json_event(
    line: usize,
    event: &Json,
    atoms: &mut Atoms,
) -> Result<Option<TxnEvent>, TxnHistoryError> {
    let Json::Object(map) = event else {
        return Err(error(
            line,
            format!("expected an event object, found `{}`", brief(event)),
        ));
    };
    let process = match map.get("process") {
        // u64::MAX stands for `nil`, so it is not a client number.
        Some(Json::Number(n)) if n.as_u64().is_some_and(|p| p != NIL_PROCESS) => {
            n.as_u64().unwrap_or_default()
        }
        None | Some(Json::Null) => NIL_PROCESS,
        Some(Json::String(_)) => return Ok(None),
        Some(other) => {
            return Err(error(
                line,
                format!(
                    "\"process\" must be a client number, found `{}`",
                    brief(other)
                ),
            ))
        }
    };
    let kind = map
        .get("type")
        .and_then(Json::as_str)
        .ok_or_else(|| error(line, "the event has no \"type\" string"))?;
    let completion = status_named(line, kind)?;
    if let Some(f) = map.get("f").filter(|f| !f.is_null()) {
        if f.as_str() != Some("txn") {
            return Err(error(
                line,
                format!("\"f\" must be \"txn\", found `{}`", brief(f)),
            ));
        }
    }
    let mops = match map.get("value") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items
            .iter()
            .map(|m| json_mop(line, m, atoms))
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(error(
                line,
                format!(
                    "\"value\" must be an array of micro-operations, found `{}`",
                    brief(other)
                ),
            ))
        }
    };
    let index = map.get("index").and_then(Json::as_i64);
    Ok(Some(TxnEvent {
        process,
        completion,
        mops,
        line,
        index,
    }))
}

fn brief(v: &Json) -> String {
    let text = v.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

fn json_atom(line: usize, v: &Json, atoms: &mut Atoms) -> Result<u32, TxnHistoryError> {
    Ok(match v {
        Json::Number(n) if n.as_i64().is_some() => atoms.int(n.as_i64().unwrap_or_default()),
        Json::String(s) => atoms.intern(Atom::Str(s.clone())),
        Json::Null => return Err(error(line, "a key or value cannot be null")),
        other => atoms.intern(Atom::Json(other.to_string())),
    })
}

fn json_mop(line: usize, m: &Json, atoms: &mut Atoms) -> Result<Mop, TxnHistoryError> {
    let wrong = || {
        let message = format!("a micro-operation is [f, key, value], found `{}`", brief(m));
        error(line, message)
    };
    let parts = m.as_array().ok_or_else(wrong)?;
    let (f, key, value) = match parts.as_slice() {
        [f, key, value] => (f, key, value),
        [f, key] if f.as_str() == Some("r") => (f, key, &Json::Null),
        _ => return Err(wrong()),
    };
    build_mop(line, f.as_str(), || brief(f), key, value, atoms)
}

/// What the EDN and JSON forms share in a micro-operation's key and value.
trait MopValue: Sized {
    /// The three functions as the form spells them, for errors.
    const NAMES: &'static str;
    /// The value as an interned atom (an integer or a string).
    fn atom(&self, line: usize, atoms: &mut Atoms) -> Result<u32, TxnHistoryError>;
    /// The items, when the value is a list.
    fn items(&self) -> Option<&[Self]>;
    /// True for the form's null.
    fn is_null(&self) -> bool;
}

impl MopValue for Edn {
    const NAMES: &'static str = ":append, :r or :w";
    fn atom(&self, line: usize, atoms: &mut Atoms) -> Result<u32, TxnHistoryError> {
        edn_atom(line, self, atoms)
    }
    fn items(&self) -> Option<&[Edn]> {
        match self {
            Edn::Vector(items) | Edn::List(items) => Some(items),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        matches!(self, Edn::Nil)
    }
}

impl MopValue for Json {
    const NAMES: &'static str = "\"append\", \"r\" or \"w\"";
    fn atom(&self, line: usize, atoms: &mut Atoms) -> Result<u32, TxnHistoryError> {
        json_atom(line, self, atoms)
    }
    fn items(&self) -> Option<&[Json]> {
        self.as_array().map(Vec::as_slice)
    }
    fn is_null(&self) -> bool {
        self.is_null()
    }
}

/// A micro-operation from its function's name `f` (`brief_f` spells it
/// for an error), key and value, in either form.
fn build_mop<V: MopValue>(
    line: usize,
    f: Option<&str>,
    brief_f: impl FnOnce() -> String,
    key: &V,
    value: &V,
    atoms: &mut Atoms,
) -> Result<Mop, TxnHistoryError> {
    let key = key.atom(line, atoms)?;
    match f {
        Some("append") => Ok(Mop::Append {
            key,
            value: value.atom(line, atoms)?,
        }),
        Some("w") => Ok(Mop::Write {
            key,
            value: value.atom(line, atoms)?,
        }),
        Some("r") => {
            let value = if MopValue::is_null(value) {
                ReadValue::Nil
            } else if let Some(items) = value.items() {
                let atoms = items.iter().map(|v| v.atom(line, atoms));
                ReadValue::List(atoms.collect::<Result<_, _>>()?)
            } else {
                ReadValue::One(value.atom(line, atoms)?)
            };
            Ok(Mop::Read { key, value })
        }
        _ => Err(error(
            line,
            format!("micro-operation `{}` is not {}", brief_f(), V::NAMES),
        )),
    }
}

/// The history's events in order: (position, transaction, is invocation).
fn events(history: &TxnHistory) -> Vec<(u64, usize, bool)> {
    let mut out = Vec::with_capacity(history.txns.len() * 2);
    for (i, t) in history.txns.iter().enumerate() {
        if history.has_invokes {
            out.push((t.invoke, i, true));
        }
        if let Some(c) = t.complete {
            out.push((c, i, false));
        }
    }
    out.sort_unstable();
    out
}

/// The mops an event lists: an invocation's reads return nil, and so do a
/// failed or indeterminate transaction's.
fn event_mops(txn: &super::history::Txn, invocation: bool) -> Vec<Mop> {
    if invocation || txn.status != Status::Ok {
        txn.mops.iter().map(Mop::invoked).collect()
    } else {
        txn.mops.clone()
    }
}

/// How one text form spells a history's events.
struct Form {
    /// Writes an event's opening, up to its value's `[`: index, type, process.
    head: fn(&mut String, usize, &str, &str),
    /// Between two mops.
    mop_sep: char,
    /// A mop's opening, the separator of its parts, and the form's null.
    open: &'static str,
    sep: &'static str,
    nil: &'static str,
}

/// Writes the history in `form`, one event per line.
fn render(history: &TxnHistory, form: &Form) -> String {
    let mut out = String::new();
    for (n, (_, i, invocation)) in events(history).into_iter().enumerate() {
        let t = &history.txns[i];
        let kind = if invocation {
            "invoke"
        } else {
            t.status.name()
        };
        let process =
            named_process(t.process).map_or_else(|| form.nil.to_string(), |p| p.to_string());
        (form.head)(&mut out, n, kind, &process);
        for (k, mop) in event_mops(t, invocation).iter().enumerate() {
            if k > 0 {
                out.push(form.mop_sep);
            }
            write_mop(&mut out, mop, &history.atoms, form.open, form.sep, form.nil);
        }
        out.push_str("]}\n");
    }
    out
}

/// Writes the history as Jepsen EDN, one map per line.
pub fn to_edn(history: &TxnHistory) -> String {
    let head: fn(&mut String, usize, &str, &str) = |out, n, kind, process| {
        let _ = write!(
            out,
            "{{:index {n}, :type :{kind}, :process {process}, :f :txn, :value ["
        );
    };
    let form = Form {
        head,
        mop_sep: ' ',
        open: "[:",
        sep: " ",
        nil: "nil",
    };
    render(history, &form)
}

/// Writes the history as elle-cli JSON, one object per line.
pub fn to_json(history: &TxnHistory) -> String {
    let head: fn(&mut String, usize, &str, &str) = |out, n, kind, process| {
        let _ = write!(
            out,
            "{{\"index\":{n},\"type\":\"{kind}\",\"process\":{process},\"f\":\"txn\",\"value\":["
        );
    };
    let form = Form {
        head,
        mop_sep: ',',
        open: "[\"",
        sep: ",",
        nil: "null",
    };
    render(history, &form)
}

/// One mop as `[f key value]`: `open` starts it and the name (`[:` or
/// `["`), `sep` separates the parts, `nil` is the form's null.
fn write_mop(out: &mut String, mop: &Mop, atoms: &Atoms, open: &str, sep: &str, nil: &str) {
    let json = open == "[\"";
    let name = |n: &str| {
        if json {
            format!("{n}\"")
        } else {
            n.to_string()
        }
    };
    let atom = |id: u32| match json {
        true => atoms.get(id).to_json(),
        false => atoms.get(id).to_edn(),
    };
    let (f, key, value) = match mop {
        Mop::Append { key, value } => ("append", *key, atom(*value)),
        Mop::Write { key, value } => ("w", *key, atom(*value)),
        Mop::Read { key, value } => {
            let v = match value {
                ReadValue::Nil => nil.to_string(),
                ReadValue::One(v) => atom(*v),
                ReadValue::List(vs) => {
                    let items: Vec<String> = vs.iter().map(|&v| atom(v)).collect();
                    format!("[{}]", items.join(sep))
                }
            };
            ("r", *key, v)
        }
    };
    let _ = write!(out, "{open}{}{sep}{}{sep}{value}]", name(f), atom(key));
}
