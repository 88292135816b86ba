//! The verdict as a reader sees it: text for the terminal, and JSON in the
//! spirit of elle-cli's (`valid?`, `anomaly-types`, `anomalies`, `not`).

use super::anomaly::{Anomaly, Edge, EdgeKind, INITIAL};
use super::consistency::ConsistencyModel;
use super::history::{Mop, ReadValue, TxnHistory};
use super::infer::{name, show};
use super::verdict::{Outcome, TxnVerdict};
use serde_json::{json, Value as Json};
use std::fmt::Write as _;

fn outcome_word(o: &Outcome) -> String {
    match o {
        Outcome::Valid => "valid".to_string(),
        Outcome::Invalid => "invalid".to_string(),
        Outcome::Unknown(why) => format!("unknown ({why})"),
    }
}

/// A transaction's micro-operations, as EDN.
pub fn mops(history: &TxnHistory, t: u32) -> String {
    let atom = |v: u32| history.atoms.get(v).to_string();
    let items: Vec<String> = history.txns[t as usize]
        .mops
        .iter()
        .map(|m| match m {
            Mop::Append { key, value } => format!("[:append {} {}]", atom(*key), atom(*value)),
            Mop::Write { key, value } => format!("[:w {} {}]", atom(*key), atom(*value)),
            Mop::Read { key, value } => {
                let v = match value {
                    ReadValue::Nil => "nil".to_string(),
                    ReadValue::One(v) => atom(*v),
                    ReadValue::List(vs) => show(history, vs),
                };
                format!("[:r {} {v}]", atom(*key))
            }
        })
        .collect();
    items.join(" ")
}

/// One step of a cycle, in words.
pub fn step(history: &TxnHistory, e: &Edge) -> String {
    let atom = |v: u32| {
        if v == INITIAL {
            "the initial state".to_string()
        } else {
            history.atoms.get(v).to_string()
        }
    };
    let key = history.atoms.get(e.key);
    let next = name(history, e.to);
    match e.kind {
        EdgeKind::Ww => format!(
            "ww: it wrote {} to key {key}, and {next} wrote {} after it",
            atom(e.value),
            atom(e.next)
        ),
        EdgeKind::Wr => format!(
            "wr: it wrote {} to key {key}, which {next} read",
            atom(e.value)
        ),
        EdgeKind::Rw => format!(
            "rw: it read key {key} at {}, and {next} wrote {} after that",
            atom(e.value),
            atom(e.next)
        ),
        EdgeKind::Realtime => format!("realtime: it completed before {next} began"),
        EdgeKind::Process => format!("process: its process went on to {next}"),
        EdgeKind::Via => format!("via: and so before {next}"),
    }
}

fn anomaly_text(history: &TxnHistory, a: &Anomaly, out: &mut String) {
    let _ = writeln!(out, "{}:", a.kind.name());
    if a.cycle.is_empty() {
        let _ = writeln!(out, "  {}", a.detail);
        return;
    }
    for e in &a.cycle {
        let _ = writeln!(
            out,
            "  {}  {}",
            name(history, e.from),
            mops(history, e.from)
        );
        let _ = writeln!(out, "    {}", step(history, e));
    }
    let _ = writeln!(out, "  (back to {})", name(history, a.cycle[0].from));
}

/// One step of a cycle, for pictures of it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CycleStep {
    /// The transaction the step leaves, named.
    pub txn: String,
    /// Its process.
    pub process: u64,
    /// Its micro-operations, as EDN.
    pub mops: String,
    /// The dependency's kind: `ww`, `wr`, `rw` or `realtime`.
    pub edge: &'static str,
    /// Why the next transaction depends on this one, in words.
    pub why: String,
}

/// An anomaly's cycle: each transaction and the dependency to the next,
/// the last leading back to the first.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CycleReport {
    /// The anomaly's kind (G0, G1c, G-single, G2-item, ...).
    pub kind: &'static str,
    /// The steps, in the cycle's order.
    pub steps: Vec<CycleStep>,
}

impl TxnVerdict {
    /// The first anomaly that is a cycle, as steps.
    pub fn first_cycle(&self, history: &TxnHistory) -> Option<CycleReport> {
        let a = self.anomalies.iter().find(|a| !a.cycle.is_empty())?;
        let steps = a
            .cycle
            .iter()
            .map(|e| CycleStep {
                txn: name(history, e.from),
                process: history.txns[e.from as usize].process,
                mops: mops(history, e.from),
                edge: e.kind.name(),
                why: step(history, e),
            })
            .collect();
        Some(CycleReport {
            kind: a.kind.name(),
            steps,
        })
    }

    /// The verdict as text: the answer, where the history stands against
    /// every model, and each anomaly explained.
    pub fn render(&self, history: &TxnHistory) -> String {
        let mut out = String::new();
        let found: Vec<String> = self
            .counts
            .iter()
            .map(|(k, n)| format!("{} ({n})", k.name()))
            .collect();
        let outcome = outcome_word(&self.outcome);
        let _ = write!(
            out,
            "{}: {outcome} ({} transactions)",
            self.model, self.transactions
        );
        if !found.is_empty() {
            let _ = write!(out, "; anomalies: {}", found.join(", "));
        }
        out.push('\n');
        if !self.unshown.is_empty() {
            let _ = writeln!(
                out,
                "also present, with no example found within the search budget: {}",
                self.unshown.join(", ")
            );
        }
        let names =
            |ms: Vec<ConsistencyModel>| ms.iter().map(|m| m.name()).collect::<Vec<_>>().join(", ");
        let not = self.weakest_violated();
        if !not.is_empty() {
            let _ = writeln!(out, "ruled out (the weakest): {}", names(not));
        }
        let holds = self.strongest_satisfied();
        if !holds.is_empty() {
            let _ = writeln!(out, "holds (the strongest): {}", names(holds));
        }
        let (unasked, unknown): (Vec<ConsistencyModel>, Vec<ConsistencyModel>) = self
            .per_model
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Unknown(_)))
            .map(|(m, _)| *m)
            .partition(|&m| self.orders.missing_for(m).is_some());
        if !unknown.is_empty() {
            let _ = writeln!(out, "unknown: {}", names(unknown));
        }
        if !unasked.is_empty() {
            let _ = writeln!(
                out,
                "not judged (their process or real-time order was not searched; ask with --model): {}",
                names(unasked)
            );
        }
        for a in &self.anomalies {
            out.push('\n');
            anomaly_text(history, a, &mut out);
        }
        out
    }

    /// The verdict as JSON.
    pub fn to_json(&self, history: &TxnHistory) -> Json {
        let valid = match self.outcome {
            Outcome::Valid => json!(true),
            Outcome::Invalid => json!(false),
            Outcome::Unknown(_) => json!("unknown"),
        };
        let anomalies: Vec<Json> = self
            .anomalies
            .iter()
            .map(|a| {
                json!({
                    "type": a.kind.name(),
                    "transactions": a.txns.iter().map(|&t| json!({
                        "line": history.txns[t as usize].line,
                        "process": super::history::named_process(history.txns[t as usize].process),
                        "index": history.txns[t as usize].index,
                        "value": mops(history, t),
                    })).collect::<Vec<_>>(),
                    "steps": a.cycle.iter().map(|e| step(history, e)).collect::<Vec<_>>(),
                    "detail": a.detail,
                })
            })
            .collect();
        let per_model: serde_json::Map<String, Json> = self
            .per_model
            .iter()
            .map(|(m, o)| (m.name().to_string(), json!(outcome_word(o))))
            .collect();
        json!({
            "model": self.model.name(),
            "valid?": valid,
            "reason": match &self.outcome { Outcome::Unknown(why) => json!(why), _ => Json::Null },
            "anomaly-types": self.counts.iter().map(|(k, _)| k.name()).collect::<Vec<_>>(),
            "present-without-example": self.unshown,
            "anomaly-counts": self.counts.iter().map(|(k, n)| (k.name().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "anomalies": anomalies,
            "models": per_model,
            "not": self.weakest_violated().iter().map(|m| m.name()).collect::<Vec<_>>(),
            "strongest-satisfied": self.strongest_satisfied().iter().map(|m| m.name()).collect::<Vec<_>>(),
            "transactions": self.transactions,
        })
    }
}
