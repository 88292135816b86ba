//! The space-time diagram's data: a recorded run's trace turned into what
//! the page draws (messages as arrows from send to delivery or drop, client
//! attempts and replies, timer ticks, and fault bands), in compact arrays
//! that the page's script reads from a JSON block and draws a window of at
//! a time.
//!
//! Texts (the `Debug` of messages, timers and operations) go in one table
//! with each distinct text once: a 10-second Raft run repeats the same
//! heartbeat thousands of times.

use serde::Serialize;
use sim::fault::Fault;
use sim::model::detail::{Outcome, RunDetail};
use sim::model::RunSummary;
use sim::trace::{TraceEvent, TraceRecord};
use sim::{FaultPlan, NodeId};
use std::collections::BTreeMap;

/// The names of the codes the arrays use, by kind: a code is its name's
/// position. The page's script reads these lists from the data (as
/// [`Names`]), so each is written here only.
const FATES: [&str; 4] = ["delivered", "dropped", "duplicate", "in-flight"];
const BANDS: [&str; 5] = ["crash", "pause", "partition", "clog", "left"];
const TICKS: [&str; 4] = ["timer", "start", "fault", "sync"];
const OUTCOMES: [&str; 4] = ["ok", "fail", "info", "pending"];

/// The code of `name` in `names`; a name not listed fails the build.
const fn code(names: &[&str], name: &str) -> u8 {
    let mut i = 0;
    while i < names.len() {
        let (a, b) = (names[i].as_bytes(), name.as_bytes());
        let mut same = a.len() == b.len();
        let mut j = 0;
        while same && j < a.len() {
            same = a[j] == b[j];
            j += 1;
        }
        if same {
            return i as u8;
        }
        i += 1;
    }
    panic!("not a listed name");
}

const DELIVERED: u8 = code(&FATES, "delivered");
const DROPPED: u8 = code(&FATES, "dropped");
const DUPLICATE: u8 = code(&FATES, "duplicate");
const IN_FLIGHT: u8 = code(&FATES, "in-flight");
const BAND_CRASH: u8 = code(&BANDS, "crash");
const BAND_PAUSE: u8 = code(&BANDS, "pause");
const BAND_PARTITION: u8 = code(&BANDS, "partition");
const BAND_CLOG: u8 = code(&BANDS, "clog");
const BAND_LEFT: u8 = code(&BANDS, "left");
const TICK_TIMER: u8 = code(&TICKS, "timer");
const TICK_START: u8 = code(&TICKS, "start");
const TICK_FAULT: u8 = code(&TICKS, "fault");
const TICK_SYNC: u8 = code(&TICKS, "sync");

/// The code lists, as the page's script reads them.
#[derive(Debug, Serialize)]
pub(crate) struct Names {
    fates: [&'static str; 4],
    bands: [&'static str; 5],
    ticks: [&'static str; 4],
    outcomes: [&'static str; 4],
}

impl Default for Names {
    fn default() -> Self {
        Names {
            fates: FATES,
            bands: BANDS,
            ticks: TICKS,
            outcomes: OUTCOMES,
        }
    }
}

/// Everything the diagram draws. Times are virtual nanoseconds; lanes are
/// nodes first (`0..nodes`), then client processes in `processes` order.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Diagram {
    /// Cluster size.
    pub nodes: usize,
    /// The client processes, one lane each after the nodes.
    pub processes: Vec<u64>,
    /// The run's last event.
    pub end: u64,
    /// `[sent, from lane, to lane, arrived or dropped, fate, kind, text]`.
    pub msgs: Vec<[u64; 7]>,
    /// `[arrived, process lane, node lane, handled (or arrived when never), handled?, text]`.
    pub attempts: Vec<[u64; 6]>,
    /// `[at, node lane, process lane, text]`.
    pub replies: Vec<[u64; 4]>,
    /// Logical operations as bars on their process's lane:
    /// `[invoked, completed (or the end), process lane, outcome, text]`,
    /// outcome 0 ok, 1 fail, 2 timed out, 3 no answer.
    pub ops: Vec<[u64; 5]>,
    /// `[at, lane, kind, text]`.
    pub ticks: Vec<[u64; 4]>,
    /// `[lane, from, to, kind, text]`.
    pub bands: Vec<[u64; 5]>,
    /// Message kinds (the first word of a message's text).
    pub kinds: Vec<String>,
    /// Every distinct text.
    pub texts: Vec<String>,
    /// What the codes in the arrays mean.
    pub names: Names,
}

/// Interns texts and kinds.
#[derive(Default)]
struct Table {
    index: BTreeMap<String, u64>,
    texts: Vec<String>,
}

impl Table {
    fn id(&mut self, text: &str) -> u64 {
        if let Some(&i) = self.index.get(text) {
            return i;
        }
        let i = self.texts.len() as u64;
        self.index.insert(text.to_string(), i);
        self.texts.push(text.to_string());
        i
    }
}

/// A message's send, until its copies arrive.
struct Sent {
    at: u64,
    from: u64,
    to: u64,
    kind: u64,
    text: u64,
    ends: u32,
    duplicated: bool,
}

/// The diagram of a recorded engine run; a run without a trace (a madsim
/// run) gets lanes and the plan's bands only.
pub(crate) fn diagram(run: &RunSummary, nodes: usize) -> Diagram {
    let mut d = Diagram {
        nodes,
        processes: processes(run.detail.as_deref()),
        ..Diagram::default()
    };
    let mut texts = Table::default();
    let mut kinds = Table::default();
    match run.trace.as_deref() {
        Some(records) => {
            messages(&mut d, records, &mut texts, &mut kinds);
            ticks_and_bands(&mut d, records, &mut texts);
        }
        None => plan_bands(&mut d, &run.plan, &mut texts),
    }
    d.end = d.end.max(run.failure.as_ref().map_or(0, |f| f.at.0));
    if let Some(detail) = run.detail.as_deref() {
        clients(&mut d, detail, run.trace.as_deref(), &mut texts);
    }
    d.texts = texts.texts;
    d.kinds = kinds.texts;
    d
}

/// Every process of the history, in order.
fn processes(detail: Option<&RunDetail>) -> Vec<u64> {
    let mut ps: Vec<u64> = detail.map_or_else(Vec::new, |d| {
        let mut ps: Vec<u64> = d.ops.iter().map(|o| o.process).collect();
        ps.extend(d.attempts.iter().map(|a| a.process));
        ps
    });
    ps.sort_unstable();
    ps.dedup();
    ps
}

fn lane(node: NodeId) -> u64 {
    node.index() as u64
}

/// Message arrows: one per delivery or drop, and one for a send that never
/// ended before the run did.
fn messages(d: &mut Diagram, records: &[TraceRecord], texts: &mut Table, kinds: &mut Table) {
    let mut open: BTreeMap<u64, Sent> = BTreeMap::new();
    for r in records {
        let at = r.event.at().0;
        d.end = d.end.max(at);
        match &r.event {
            TraceEvent::Send {
                from, to, msg_id, ..
            } => {
                let kind = kinds.id(first_word(&r.detail));
                let sent = Sent {
                    at,
                    from: lane(*from),
                    to: lane(*to),
                    kind,
                    text: texts.id(&r.detail),
                    ends: 0,
                    duplicated: false,
                };
                open.insert(*msg_id, sent);
            }
            TraceEvent::Duplicate { msg_id, .. } => {
                if let Some(s) = open.get_mut(msg_id) {
                    s.duplicated = true;
                }
            }
            TraceEvent::Deliver { msg_id, .. } | TraceEvent::Drop { msg_id, .. } => {
                let Some(s) = open.get_mut(msg_id) else {
                    continue;
                };
                let fate = match (&r.event, s.duplicated) {
                    (TraceEvent::Drop { .. }, _) => DROPPED,
                    (_, true) => DUPLICATE,
                    _ => DELIVERED,
                };
                s.ends += 1;
                d.msgs
                    .push([s.at, s.from, s.to, at, u64::from(fate), s.kind, s.text]);
            }
            _ => {}
        }
    }
    for s in open.values().filter(|s| s.ends == 0) {
        let fate = u64::from(IN_FLIGHT);
        d.msgs
            .push([s.at, s.from, s.to, d.end, fate, s.kind, s.text]);
    }
}

/// A message's kind: its `Debug` text up to the first space, brace or
/// parenthesis.
fn first_word(text: &str) -> &str {
    let end = text.find([' ', '{', '(']).unwrap_or(text.len());
    match &text[..end] {
        "" => "message",
        word => word,
    }
}

/// Timer, start and other fault ticks; crash, pause, partition, clog and
/// leave bands from the faults as they took effect.
fn ticks_and_bands(d: &mut Diagram, records: &[TraceRecord], texts: &mut Table) {
    let mut bands = Bands::new(d.nodes);
    for r in records {
        let at = r.event.at().0;
        match &r.event {
            TraceEvent::Timer { node, .. } => {
                let text = texts.id(&format!("{node} timer {}", r.detail));
                d.ticks.push([at, lane(*node), u64::from(TICK_TIMER), text]);
            }
            TraceEvent::Start { node, .. } => {
                let text = texts.id(&format!("{node} started"));
                d.ticks.push([at, lane(*node), u64::from(TICK_START), text]);
            }
            TraceEvent::Crash { node, .. } => {
                let text = texts.id(&r.event.to_string());
                bands.open(lane(*node), BAND_CRASH, at, text);
            }
            TraceEvent::Fault { fault, .. } => {
                let text = texts.id(&r.event.to_string());
                if !bands.fault(fault, at, text) {
                    for l in fault_lanes(fault, d.nodes) {
                        d.ticks.push([at, l, u64::from(TICK_FAULT), text]);
                    }
                }
            }
            _ => {}
        }
    }
    d.bands = bands.close_all(d.end);
}

/// The lanes a fault that draws no band is ticked on: its node, else all.
fn fault_lanes(fault: &Fault, nodes: usize) -> Vec<u64> {
    match fault {
        Fault::SetClock { node, .. } | Fault::CorruptBlock { node, .. } => vec![lane(*node)],
        _ => (0..nodes as u64).collect(),
    }
}

/// Bands from a madsim run's plan: its faults at their planned times.
fn plan_bands(d: &mut Diagram, plan: &FaultPlan, texts: &mut Table) {
    let mut bands = Bands::new(d.nodes);
    for f in &plan.faults {
        let text = texts.id(&format!(
            "fault {}",
            serde_json::to_string(&f.fault).unwrap_or_default()
        ));
        d.end = d.end.max(f.at.0);
        bands.fault(&f.fault, f.at.0, text);
    }
    d.bands = bands.close_all(d.end);
}

/// The periods in which any fault of `plan` that lasts (a crash, a pause,
/// a partition, a clog, a leave) was in force, merged: what the sweep
/// report shades behind a run's operations.
pub(crate) fn fault_periods(plan: &FaultPlan, nodes: usize) -> Vec<(u64, u64)> {
    let mut d = Diagram {
        nodes,
        ..Diagram::default()
    };
    plan_bands(&mut d, plan, &mut Table::default());
    let mut spans: Vec<(u64, u64)> = d.bands.iter().map(|b| (b[1], b[2])).collect();
    spans.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Client attempts (process to node) and the replies that ended them.
fn clients(
    d: &mut Diagram,
    detail: &RunDetail,
    records: Option<&[TraceRecord]>,
    texts: &mut Table,
) {
    let process_lane: BTreeMap<u64, u64> = d
        .processes
        .iter()
        .enumerate()
        .map(|(i, p)| (*p, (d.nodes + i) as u64))
        .collect();
    let mut op_text: BTreeMap<u64, u64> = BTreeMap::new();
    let mut reply_text: BTreeMap<u64, (u64, u64, u64)> = BTreeMap::new();
    for r in records.unwrap_or_default() {
        match &r.event {
            TraceEvent::ClientOp { op_id, .. } => {
                op_text.insert(*op_id, texts.id(&r.detail));
            }
            TraceEvent::ClientReply {
                at, node, op_id, ..
            } => {
                reply_text.insert(*op_id, (at.0, lane(*node), texts.id(&r.detail)));
            }
            _ => {}
        }
    }
    for op in &detail.ops {
        let outcome = u64::from(match &op.outcome {
            Outcome::Ok(_) => code(&OUTCOMES, "ok"),
            Outcome::Fail => code(&OUTCOMES, "fail"),
            Outcome::Info => code(&OUTCOMES, "info"),
            Outcome::Pending => code(&OUTCOMES, "pending"),
        });
        let shown = op.outcome.shown();
        let text = texts.id(&format!("p{} {} -> {shown}", op.process, op.input));
        let done = op.completed_at.unwrap_or(d.end).max(op.invoked_at);
        d.ops.push([
            op.invoked_at,
            done,
            process_lane[&op.process],
            outcome,
            text,
        ]);
    }
    for &(at, node) in &detail.syncs {
        let text = texts.id(&format!("{node} synced its storage"));
        d.ticks.push([at.0, lane(node), u64::from(TICK_SYNC), text]);
    }
    for a in &detail.attempts {
        let process = process_lane[&a.process];
        let handled = a.handled.map_or(a.arrived.0, |t| t.0);
        let text = op_text
            .get(&a.op_id)
            .copied()
            .unwrap_or_else(|| texts.id(&format!("op #{} to {} never handled", a.op_id, a.node)));
        let was_handled = u64::from(a.handled.is_some());
        d.attempts.push([
            a.arrived.0,
            process,
            lane(a.node),
            handled,
            was_handled,
            text,
        ]);
        if let Some(&(at, node, text)) = reply_text.get(&a.op_id) {
            d.replies.push([at, node, process, text]);
        }
    }
}

/// Open bands per lane, closed by their heals.
struct Bands {
    nodes: usize,
    /// `(lane, kind) -> (from, text, depth)`: overlapping faults of a
    /// kind (two partitions that both cut a node) make one band, which
    /// ends when the last of them does.
    open: BTreeMap<(u64, u8), (u64, u64, u32)>,
    done: Vec<[u64; 5]>,
}

impl Bands {
    fn new(nodes: usize) -> Bands {
        Bands {
            nodes,
            open: BTreeMap::new(),
            done: Vec::new(),
        }
    }

    fn open(&mut self, lane: u64, kind: u8, at: u64, text: u64) {
        self.open.entry((lane, kind)).or_insert((at, text, 0)).2 += 1;
    }

    /// Ends one fault of `kind` on `lane`; the band ends with the last.
    fn close(&mut self, lane: u64, kind: u8, at: u64) {
        let Some(open) = self.open.get_mut(&(lane, kind)) else {
            return;
        };
        open.2 -= 1;
        if open.2 == 0 {
            self.close_band(lane, kind, at);
        }
    }

    fn close_band(&mut self, lane: u64, kind: u8, at: u64) {
        if let Some((from, text, _)) = self.open.remove(&(lane, kind)) {
            self.done.push([lane, from, at, u64::from(kind), text]);
        }
    }

    /// Opens or closes the bands `fault` starts or ends; false for a fault
    /// that draws no band.
    fn fault(&mut self, fault: &Fault, at: u64, text: u64) -> bool {
        match fault {
            // A traced run's crashes come as `TraceEvent::Crash`; a plan's as this.
            Fault::Crash { node, .. } => self.open(lane(*node), BAND_CRASH, at, text),
            Fault::Restart { node } => self.close(lane(*node), BAND_CRASH, at),
            Fault::Pause { node } => self.open(lane(*node), BAND_PAUSE, at, text),
            Fault::Resume { node } => self.close(lane(*node), BAND_PAUSE, at),
            Fault::Clog { from, .. } => self.open(lane(*from), BAND_CLOG, at, text),
            Fault::Unclog { from, .. } => self.close(lane(*from), BAND_CLOG, at),
            Fault::Leave { node, .. } => self.open(lane(*node), BAND_LEFT, at, text),
            Fault::Join { node } => self.close(lane(*node), BAND_LEFT, at),
            Fault::Partition(p) => {
                for l in self.cut_lanes(p) {
                    self.open(l, BAND_PARTITION, at, text);
                }
            }
            Fault::EndPartition(p) => {
                for l in self.cut_lanes(p) {
                    self.close(l, BAND_PARTITION, at);
                }
            }
            Fault::Heal => {
                for l in 0..self.nodes as u64 {
                    self.close_band(l, BAND_PARTITION, at);
                }
            }
            _ => return false,
        }
        true
    }

    /// The nodes a partition cuts off: the isolated node, the minority,
    /// else every node it cuts some link of.
    fn cut_lanes(&self, p: &sim::Partition) -> Vec<u64> {
        match p {
            sim::Partition::Isolate { node } => return vec![lane(*node)],
            sim::Partition::MajorityMinority { minority } => {
                return minority.iter().map(|n| lane(*n)).collect()
            }
            _ => {}
        }
        let cut = p.blocked_links(self.nodes, "fault").unwrap_or_default();
        let mut lanes: Vec<u64> = cut
            .iter()
            .flat_map(|&(a, b)| [a as u64, b as u64])
            .collect();
        lanes.sort_unstable();
        lanes.dedup();
        lanes
    }

    fn close_all(mut self, end: u64) -> Vec<[u64; 5]> {
        let open: Vec<(u64, u8)> = self.open.keys().copied().collect();
        for (lane, kind) in open {
            self.close_band(lane, kind, end);
        }
        self.done.sort_unstable();
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_the_first_word_of_a_message() {
        assert_eq!(first_word("AppendEntries { term: 3 }"), "AppendEntries");
        assert_eq!(first_word("Ping(4)"), "Ping");
        assert_eq!(first_word(""), "message");
    }

    #[test]
    fn a_crash_band_runs_to_its_restart_and_an_unhealed_one_to_the_end() {
        let mut b = Bands::new(3);
        b.open(1, BAND_CRASH, 10, 0);
        assert!(b.fault(&Fault::Restart { node: NodeId(1) }, 25, 0));
        b.open(2, BAND_PAUSE, 30, 0);
        assert_eq!(b.close_all(99), vec![[1, 10, 25, 0, 0], [2, 30, 99, 1, 0]]);
    }

    #[test]
    fn overlapping_partitions_make_one_band_that_ends_with_the_last() {
        let mut b = Bands::new(3);
        let isolate = sim::Partition::Isolate { node: NodeId(0) };
        b.fault(&Fault::Partition(isolate.clone()), 10, 0);
        b.fault(&Fault::Partition(isolate.clone()), 20, 0);
        b.fault(&Fault::EndPartition(isolate.clone()), 30, 0);
        b.fault(&Fault::EndPartition(isolate), 40, 0);
        assert_eq!(
            b.close_all(99),
            vec![[0, 10, 40, u64::from(BAND_PARTITION), 0]]
        );
    }
}
