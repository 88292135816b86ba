//! The delivery check, for any queue-like model: what producers were told
//! against what reached the sink. Every acknowledged publish must have its
//! effect (checked after healing, when every message had its chance), no
//! effect may be applied twice, no effect may belong to a message never
//! published, and, where the model promises it, each producer's messages
//! take effect in publish order.
//!
//! Messages are named by id (a producer and its sequence number, say).
//! Failures name them, with their publish and effect times.

use crate::time::SimTime;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A publish, as the producer saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Publish {
    /// The message's id.
    pub id: u64,
    /// Its producer (for the order check).
    pub producer: u64,
    /// When the producer published it.
    pub call: u64,
    /// When the broker acknowledged it; `None` if it did not (refused, or
    /// no answer).
    pub acked: Option<u64>,
}

/// An effect, as the sink holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The message's id.
    pub id: u64,
    /// How many times it was applied.
    pub count: u32,
    /// When it was first applied.
    pub at: u64,
}

/// What to check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Every acknowledged publish has its effect (after healing).
    pub complete: bool,
    /// Each producer's acknowledged messages take effect in publish order.
    pub fifo: bool,
}

/// Checks the effects against the publishes; the error names every lost,
/// duplicated and phantom message (up to ten of each) and their times.
pub fn check(publishes: &[Publish], effects: &[Applied], options: Options) -> Result<(), String> {
    let published: BTreeMap<u64, &Publish> = publishes.iter().map(|p| (p.id, p)).collect();
    let applied: BTreeMap<u64, &Applied> = effects.iter().map(|e| (e.id, e)).collect();
    let mut problems = String::new();
    let duplicated: Vec<String> = effects
        .iter()
        .filter(|e| e.count > 1)
        .map(|e| {
            format!(
                "{} applied {} times, first at {}{}",
                e.id,
                e.count,
                SimTime(e.at),
                publish_time(&published, e.id)
            )
        })
        .collect();
    note(&mut problems, "duplicated", &duplicated);
    let phantom: Vec<String> = effects
        .iter()
        .filter(|e| !published.contains_key(&e.id))
        .map(|e| format!("{} applied at {} but never published", e.id, SimTime(e.at)))
        .collect();
    note(&mut problems, "phantom", &phantom);
    if options.complete {
        let lost: Vec<String> = publishes
            .iter()
            .filter(|p| p.acked.is_some() && !applied.contains_key(&p.id))
            .map(|p| {
                format!(
                    "{} (acknowledged at {}) never applied",
                    p.id,
                    SimTime(p.acked.unwrap_or(0))
                )
            })
            .collect();
        note(&mut problems, "lost", &lost);
    }
    if options.fifo {
        note(
            &mut problems,
            "out of order",
            &out_of_order(publishes, &applied),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn publish_time(published: &BTreeMap<u64, &Publish>, id: u64) -> String {
    match published.get(&id) {
        Some(p) => format!(" (published at {})", SimTime(p.call)),
        None => String::new(),
    }
}

/// Adds "lost messages: a; b; c" (at most ten, and a count of the rest).
fn note(out: &mut String, what: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push_str("; ");
    }
    let shown: Vec<&str> = items.iter().take(10).map(String::as_str).collect();
    let _ = write!(
        out,
        "{} {what} message(s): {}",
        items.len(),
        shown.join(", ")
    );
    if items.len() > 10 {
        let _ = write!(out, ", and {} more", items.len() - 10);
    }
}

/// Per producer, an acknowledged message that took effect before an
/// earlier acknowledged one.
fn out_of_order(publishes: &[Publish], applied: &BTreeMap<u64, &Applied>) -> Vec<String> {
    let mut by_producer: BTreeMap<u64, Vec<&Publish>> = BTreeMap::new();
    for p in publishes.iter().filter(|p| p.acked.is_some()) {
        by_producer.entry(p.producer).or_default().push(p);
    }
    let mut found = Vec::new();
    for list in by_producer.values_mut() {
        list.sort_by_key(|p| p.call);
        let times: Vec<(u64, u64)> = list
            .iter()
            .filter_map(|p| applied.get(&p.id).map(|e| (p.id, e.at)))
            .collect();
        for w in times.windows(2) {
            if w[1].1 < w[0].1 {
                found.push(format!(
                    "{} took effect at {}, before {} at {}",
                    w[1].0,
                    SimTime(w[1].1),
                    w[0].0,
                    SimTime(w[0].1)
                ));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(id: u64, acked: Option<u64>) -> Publish {
        Publish {
            id,
            producer: 0,
            call: id * 10,
            acked,
        }
    }

    fn applied(id: u64, count: u32, at: u64) -> Applied {
        Applied { id, count, at }
    }

    #[test]
    fn lost_duplicated_and_phantom_messages_are_named() {
        let publishes = [publish(1, Some(11)), publish(2, Some(21)), publish(3, None)];
        let effects = [applied(1, 2, 30), applied(9, 1, 40)];
        let all = Options {
            complete: true,
            fifo: false,
        };
        let e = check(&publishes, &effects, all).unwrap_err();
        assert!(
            e.contains("1 duplicated message(s): 1 applied 2 times"),
            "{e}"
        );
        assert!(e.contains("1 phantom message(s): 9 applied at"), "{e}");
        assert!(e.contains("1 lost message(s): 2 (acknowledged at"), "{e}");
        assert!(
            !e.contains(" 3 "),
            "an unacknowledged publish may be lost: {e}"
        );
        let safety = Options::default();
        assert!(check(&publishes, &[applied(1, 1, 30)], safety).is_ok());
    }

    #[test]
    fn order_is_checked_only_when_promised() {
        let publishes = [publish(1, Some(11)), publish(2, Some(21))];
        let effects = [applied(1, 1, 50), applied(2, 1, 40)];
        assert!(check(&publishes, &effects, Options::default()).is_ok());
        let fifo = Options {
            complete: true,
            fifo: true,
        };
        let e = check(&publishes, &effects, fifo).unwrap_err();
        assert!(
            e.contains("out of order message(s): 2 took effect at"),
            "{e}"
        );
    }
}
