//! A key-value model's history in the checker's `kv` spec: key `k` is the
//! string `"k<k>"`, and a token `t` is `"<t>,"`, so a list of tokens reads as
//! their concatenation and an append is string concatenation.

use super::request::{KvCommand, KvReply, KvRequest};
use sim::history::{EventKind, History};
use sim::spec::kv::{KvInput, KvOutput};
use std::fmt::Write;

fn key(k: u8) -> String {
    format!("k{k}")
}

fn tokens(ts: &[u32]) -> String {
    let mut s = String::with_capacity(ts.len() * 8);
    for t in ts {
        write!(s, "{t},").expect("writing to a string");
    }
    s
}

/// The spec's input for a request.
pub fn input(request: &KvRequest) -> KvInput {
    match request.command {
        KvCommand::Get { key: k } => KvInput::Get(key(k)),
        KvCommand::Put { key: k, value } => KvInput::Put(key(k), tokens(&[value])),
        KvCommand::Append { key: k, value } => KvInput::Append(key(k), tokens(&[value])),
    }
}

/// The spec's output for a reply. A redirect never completes an operation
/// (the client retries), so it cannot appear in a history; if it does, it is
/// recorded as indeterminate rather than guessed at.
fn event(kind: &EventKind<KvRequest, KvReply>) -> EventKind<KvInput, KvOutput> {
    match kind {
        EventKind::Invoke(r) => EventKind::Invoke(input(r)),
        EventKind::Ok(KvReply::Value(ts)) => EventKind::Ok(KvOutput::Value(tokens(ts))),
        EventKind::Ok(KvReply::Done) => EventKind::Ok(KvOutput::Done),
        EventKind::Ok(KvReply::Redirect { .. }) | EventKind::Info => EventKind::Info,
        EventKind::Fail => EventKind::Fail,
    }
}

/// The whole history in the `kv` spec's terms.
pub fn spec_history(h: &History<KvRequest, KvReply>) -> History<KvInput, KvOutput> {
    h.map(event)
}

/// Checks a run's history against the `kv` spec.
pub fn check(h: &History<KvRequest, KvReply>) -> sim::linearizability::Verdict {
    sim::linearizability::check(&sim::spec::kv::Kv, &spec_history(h))
        .expect("the harness records paired histories")
}
