//! A shrunk failure as a story a reader takes in at a glance: the few
//! faults that remain, each episode on one line with when it began and
//! ended, the fault points that fired, how much client work there was, and
//! the first event at which a check failed.
//!
//! ```text
//! the story:
//!   2555.768 ms .. never      isolate the focus, n0 (n2 when planned)
//!   2750.735 ms .. 2752.573 ms  isolate the focus, n1 (n3 when planned)
//!   fault points that fired: raft-kv: election timeout cut short
//!   412 client operations, 398 ok
//!   3757.185 ms: state machine safety: n4 committed a different log …
//! ```

use crate::core::CoreLiveness;
use crate::episode::episodes;
use crate::fault::Fault;
use crate::partition::Partition;
use crate::plan::{FaultPlan, TimedFault};
use crate::scenario::Failure;
use crate::time::SimTime;
use crate::trace::{TraceEvent, TraceRecord};
use crate::NodeId;

/// What the story tells besides the plan.
#[derive(Clone, Copy, Debug)]
pub struct Told<'a> {
    /// The failure.
    pub failure: &'a Failure,
    /// The fault points that fired.
    pub buggified: &'a [String],
    /// Client operations, and those that completed ok.
    pub ops: (usize, usize),
    /// Per fault of the plan, the node it hit when it was aimed at the
    /// focus (see [`focus_hits`]); empty when the run was not recorded.
    pub hits: &'a [Option<NodeId>],
}

/// The node each focused fault of `plan` hit, read off a recorded run's
/// trace: the fault the trace shows at the same instant is the plan's,
/// aimed at that node. `None` for a fault not aimed at the focus, and for
/// one that hit no node (no node was the focus when its episode began).
pub fn focus_hits(plan: &FaultPlan, trace: &[TraceRecord], nodes: usize) -> Vec<Option<NodeId>> {
    let applied = |at: SimTime| {
        trace.iter().filter_map(move |r| match &r.event {
            TraceEvent::Fault { at: when, fault } if *when == at => Some(fault),
            _ => None,
        })
    };
    let hit = |timed: &TimedFault| {
        timed.focus_episode?;
        applied(timed.at).find_map(|fault| {
            (0..nodes)
                .map(NodeId::from)
                .find(|&n| timed.fault.aimed_at(n) == *fault)
        })
    };
    plan.faults.iter().map(hit).collect()
}

/// The story of `plan`'s run, one line per episode.
pub fn render(plan: &FaultPlan, told: Told<'_>) -> String {
    let mut out = String::from("the story:\n");
    for unit in episodes(plan) {
        let first = &plan.faults[unit[0]];
        let hit = told.hits.get(unit[0]).copied().flatten();
        let end = match unit.get(1) {
            Some(&j) => ms(plan.faults[j].at),
            None if is_instant(&first.fault) => "instant".to_string(),
            None => "never (healed for liveness)".to_string(),
        };
        out.push_str(&format!(
            "  {} .. {end}  {}\n",
            ms(first.at),
            describe(first, hit)
        ));
    }
    if let Some(core) = &plan.core {
        out.push_str(&core_line(core));
    } else if plan.is_empty() {
        out.push_str("  no faults: the bug needs none\n");
    }
    if !told.buggified.is_empty() {
        let sites = told.buggified.join(", ");
        out.push_str(&format!("  fault points that fired: {sites}\n"));
    }
    let (ops, ok) = told.ops;
    out.push_str(&format!("  {ops} client operations, {ok} ok\n"));
    let first_line = told.failure.message.lines().next().unwrap_or_default();
    out.push_str(&format!("  {}: {first_line}\n", ms(told.failure.at)));
    out
}

/// The core liveness phase in words: the core healed, then each fault
/// kept on the rest, from the heal on.
fn core_line(core: &CoreLiveness) -> String {
    let mut out = format!(
        "  at the heal: only the core {{{}}} is healed\n",
        names(&core.core)
    );
    for fault in &core.kept {
        let timed = TimedFault {
            at: SimTime::ZERO,
            fault: fault.clone(),
            focus_episode: None,
        };
        out.push_str(&format!(
            "  at the heal .. never  {}\n",
            describe(&timed, None)
        ));
    }
    out
}

fn ms(at: SimTime) -> String {
    format!("{}.{:03} ms", at.0 / 1_000_000, (at.0 / 1_000) % 1_000)
}

fn is_instant(fault: &Fault) -> bool {
    match fault {
        Fault::Disk { fault, .. } => fault.is_instant(),
        _ => matches!(
            fault,
            Fault::Operate { .. }
                | Fault::CorruptBlock { .. }
                | Fault::Heal
                | Fault::Upgrade { .. }
        ),
    }
}

/// One fault in words; a focused one says it hit the focus, and which
/// node that was when the run says (`hit`).
fn describe(timed: &TimedFault, hit: Option<NodeId>) -> String {
    let focus = |what: &str, node: &NodeId| match (timed.focus_episode, hit) {
        (Some(_), Some(hit)) => format!("{what} the focus, {hit} ({node} when planned)"),
        (Some(_), None) => format!("{what} the focus ({node} when planned)"),
        (None, _) => format!("{what} {node}"),
    };
    match &timed.fault {
        Fault::Partition(Partition::Isolate { node }) => focus("isolate", node),
        // A heal whose fault was shrunk away ends an earlier one early.
        Fault::EndPartition(Partition::Isolate { node }) => focus("end an isolation of", node),
        Fault::Restart { node } => focus("restart", node),
        Fault::Resume { node } => focus("resume", node),
        Fault::Crash { node, torn_writes } => {
            let torn = if *torn_writes {
                ", tearing unsynced writes"
            } else {
                ""
            };
            format!("{}{torn}", focus("crash", node))
        }
        Fault::Pause { node } => focus("pause", node),
        Fault::SetLink { from, to, config } => {
            format!(
                "slow {from} -> {to} to {}",
                serde_json::to_string(&config.latency).unwrap_or_default()
            )
        }
        Fault::Clog { from, to } => format!("clog {from} -> {to}"),
        Fault::Partition(Partition::OneWay { from, to }) => {
            format!("cut {} -> {} (one way)", names(from), names(to))
        }
        Fault::SetClock {
            node,
            offset_ns,
            drift_ppm,
        } => format!("skew {node}'s clock by {offset_ns} ns, drift {drift_ppm} ppm"),
        Fault::Leave { node, graceful } => {
            let how = if *graceful { "gracefully" } else { "abruptly" };
            format!("{node} leaves {how}")
        }
        Fault::Surge { factor } => format!("clients surge {factor}x"),
        Fault::Upgrade { node, version } => format!("{node} restarts as version {version}"),
        Fault::Disk { node, fault } => format!("{node}'s disk: {}", fault.describe()),
        other => serde_json::to_string(other).unwrap_or_else(|_| format!("{other:?}")),
    }
}

/// Nodes as a list: `n0, n2`.
fn names(nodes: &[crate::NodeId]) -> String {
    let names: Vec<String> = nodes.iter().map(ToString::to_string).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::FailureKind;

    #[test]
    fn an_episode_is_one_line_and_the_failure_closes_the_story() {
        let mut plan = FaultPlan::new();
        let isolate = Partition::Isolate { node: NodeId(2) };
        plan.push_focused(SimTime(2_555_767_098), Fault::Partition(isolate.clone()), 7);
        plan.push_focused(SimTime(2_752_572_656), Fault::EndPartition(isolate), 7);
        plan.push(SimTime(3_000_000_000), Fault::Pause { node: NodeId(1) });
        let one_way = Partition::OneWay {
            from: vec![NodeId(3)],
            to: vec![NodeId(0), NodeId(4)],
        };
        plan.push(SimTime(3_100_000_000), Fault::Partition(one_way.clone()));
        plan.push(SimTime(3_200_000_000), Fault::EndPartition(one_way));
        let failure = Failure {
            kind: FailureKind::Invariant,
            message: "leader completeness: n3 lacks entries".into(),
            at: SimTime(3_757_184_664),
        };
        let told = Told {
            failure: &failure,
            buggified: &[],
            ops: (412, 398),
            hits: &[],
        };
        let text = render(&plan, told);
        let expected = "the story:\n  2555.767 ms .. 2752.572 ms  isolate the focus (n2 when planned)\n  3000.000 ms .. never (healed for liveness)  pause n1\n  3100.000 ms .. 3200.000 ms  cut n3 -> n0, n4 (one way)\n  412 client operations, 398 ok\n  3757.184 ms: leader completeness: n3 lacks entries\n";
        assert_eq!(text, expected);
    }

    /// A focused fault is told with the node it hit, read off the trace,
    /// beside the node it was planned for.
    #[test]
    fn a_focused_fault_names_the_node_it_hit() {
        let mut plan = FaultPlan::new();
        let planned = Fault::Crash {
            node: NodeId(3),
            torn_writes: false,
        };
        plan.push_focused(SimTime(1_000_000), planned.clone(), 1);
        plan.push(SimTime(2_000_000), Fault::Pause { node: NodeId(1) });
        let applied = |fault: Fault, at: u64| TraceRecord {
            event: TraceEvent::Fault {
                at: SimTime(at),
                fault,
            },
            detail: String::new(),
        };
        let trace = [
            applied(planned.aimed_at(NodeId(0)), 1_000_000),
            applied(Fault::Pause { node: NodeId(1) }, 2_000_000),
        ];
        let hits = focus_hits(&plan, &trace, 5);
        assert_eq!(hits, [Some(NodeId(0)), None]);
        let failure = Failure {
            kind: FailureKind::Invariant,
            message: "lost".into(),
            at: SimTime(3_000_000),
        };
        let told = Told {
            failure: &failure,
            buggified: &[],
            ops: (1, 1),
            hits: &hits,
        };
        let text = render(&plan, told);
        assert!(
            text.contains("crash the focus, n0 (n3 when planned)"),
            "{text}"
        );
        assert!(text.contains("pause n1"), "{text}");
    }
}
