//! The counterexample drawn as Porcupine draws one: a row per client
//! process, each operation a bar from invoke to completion, the longest
//! linearizable prefix in one colour and the operations that could not
//! come next in another, each with its reason on hover.
//!
//! Drawn on the server (as SVG in the page), around where the search got
//! stuck: the last operations of the prefix and every stuck one.

use maud::{html, Markup};
use sim::linearizability::{Counterexample, OpReport};
use sim::model::detail::HistoryOp;
use std::collections::BTreeMap;

/// How many prefix operations before the stuck ones the picture shows.
const PREFIX_SHOWN: usize = 30;
/// Width of the drawing area, and height of a row, in SVG units.
const WIDTH: f64 = 1000.0;
const ROW: f64 = 22.0;
const LABEL: f64 = 60.0;

/// An operation's part in the counterexample.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Prefix(usize),
    Stuck(usize),
    Other,
}

/// A process, call time and input name one operation: a process has at
/// most one pending at a time, though it may invoke its next one at the
/// instant the last one completed.
fn op_key(op: &OpReport) -> (u64, u64, &str) {
    (op.process, op.call_time, &op.input)
}

/// The bars: the window of the history around the counterexample.
pub(crate) fn history_bars(ops: &[HistoryOp], c: &Counterexample) -> Markup {
    let mut roles: BTreeMap<(u64, u64, &str), Role> = BTreeMap::new();
    let tail = c.prefix.len().saturating_sub(PREFIX_SHOWN);
    for (i, op) in c.prefix.iter().enumerate() {
        roles.insert(op_key(op), Role::Prefix(i));
    }
    for (i, s) in c.stuck.iter().enumerate() {
        roles.insert(op_key(&s.op), Role::Stuck(i));
    }
    let shown: Vec<&OpReport> = c.prefix[tail..]
        .iter()
        .chain(c.stuck.iter().map(|s| &s.op))
        .collect();
    let from = shown.iter().map(|o| o.call_time).min().unwrap_or(0);
    let to = shown
        .iter()
        .map(|o| o.return_time.unwrap_or(o.call_time))
        .max()
        .unwrap_or(from)
        .max(from + 1);
    let in_window: Vec<&HistoryOp> = ops
        .iter()
        .filter(|o| o.invoked_at <= to && o.completed_at.unwrap_or(u64::MAX) >= from)
        .collect();
    let mut rows: Vec<u64> = in_window.iter().map(|o| o.process).collect();
    rows.sort_unstable();
    rows.dedup();
    let span = (to - from) as f64;
    let x = |t: u64| LABEL + (t.clamp(from, to) - from) as f64 / span * (WIDTH - LABEL);
    let height = ROW * rows.len() as f64 + 4.0;
    html! {
        p.legend {
            span.swatch.prefix {} " in the longest linearizable prefix (numbered in its order) "
            span.swatch.stuck {} " could not come next "
            span.swatch.other {} " other operations in this window"
        }
        svg #history-bars viewBox=(format!("0 0 {WIDTH} {height}")) width="100%" {
            @for (r, p) in rows.iter().enumerate() {
                text.row-label x="2" y=(ROW * r as f64 + 15.0) { "p" (p) }
            }
            @for op in &in_window {
                @let role = roles.get(&(op.process, op.invoked_at, op.input.as_str())).copied().unwrap_or(Role::Other);
                @let row = rows.iter().position(|p| *p == op.process).unwrap_or(0);
                @let x0 = x(op.invoked_at);
                @let x1 = x(op.completed_at.unwrap_or(to)).max(x0 + 2.0);
                @let y = ROW * row as f64 + 3.0;
                g.op.(role_class(role)) data-process=(op.process) {
                    title { (bar_title(op, role, c)) }
                    rect x=(x0) y=(y) width=(x1 - x0) height=(ROW - 6.0) rx="3" {}
                    @if let Role::Prefix(i) = role {
                        text.order x=(x0 + 2.0) y=(y + 12.0) { (i + 1) }
                    }
                }
            }
        }
        p.axis { "from t=" (ms(from)) " to t=" (ms(to)) " (virtual time)" }
    }
}

fn role_class(role: Role) -> &'static str {
    match role {
        Role::Prefix(_) => "prefix",
        Role::Stuck(_) => "stuck",
        Role::Other => "other",
    }
}

/// The hover text of one bar.
fn bar_title(op: &HistoryOp, role: Role, c: &Counterexample) -> String {
    let base = format!("p{} {} -> {}", op.process, op.input, op.outcome.shown());
    match role {
        Role::Prefix(i) => format!("{base}\nlinearized as number {}", i + 1),
        Role::Stuck(i) => format!("{base}\ncannot come next: {}", c.stuck[i].reason),
        Role::Other => base,
    }
}

/// Virtual nanoseconds as milliseconds.
pub(crate) fn ms(ns: u64) -> String {
    format!("{}.{:03} ms", ns / 1_000_000, (ns / 1_000) % 1_000)
}
