//! From the anomalies found to a verdict for every model, as Elle reasons:
//! an anomaly implies weaker ones (a G0 cycle is also a G1c, and one that
//! process order closes is also one real time closes), and a model is
//! ruled out when anything found implies an anomaly it proscribes, or one
//! proscribed by a model it implies.
//!
//! faultline does not search for every anomaly Elle names: G-cursor,
//! G-monotonic, G-MSR, G-SIb, G-update and fractured reads need orders a
//! history of reads and writes does not show. A model whose own
//! definition names one of them is never called valid on its own: it is
//! valid only when a stronger model that implies it is, and otherwise
//! unknown. Every other model's own anomalies characterise it (Adya's
//! PL-1, PL-2, PL-2+, PL-2.99, PL-3 and PL-SS; Cerone and Gotsman's
//! snapshot isolation), so the absence of what it proscribes, its own and
//! its weaker models', is its validity.
//!
//! Two choices differ from Elle's tables. Snapshot isolation's G-SI is
//! decided by Cerone and Gotsman's characterisation (no G1, no cycle whose
//! rw edges are all non-adjacent), which needs no start times. And the
//! G-SIb that G-single implies is the one forward consistent view
//! proscribes (Elle spells the two differently, so G-single never rules
//! out forward consistent view there).

use super::consistency::ConsistencyModel;
use std::collections::BTreeSet;

/// What one model's answer is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The history satisfies the model.
    Valid,
    /// It does not.
    Invalid,
    /// Cannot tell, and why.
    Unknown(String),
}

/// Which anomalies each anomaly implies, directly (Elle's
/// `implied-anomalies`, with faultline's `garbage-read`).
const IMPLIED: &[(&str, &[&str])] = &[
    ("G0", &["G1c", "G0-process"]),
    ("G0-process", &["G1c-process", "G0-realtime"]),
    ("G0-realtime", &["G1c-realtime"]),
    ("G1a", &["G1"]),
    ("G1b", &["G1"]),
    ("G1c", &["G1", "G1c-process"]),
    ("G1c-process", &["G1c-realtime", "G1-process"]),
    ("G1c-realtime", &["G1-realtime"]),
    ("G1", &["G1-process"]),
    ("G1-process", &["G1-realtime"]),
    (
        "G-single-item",
        &["G-single", "G-single-item-process", "G-nonadjacent-item"],
    ),
    (
        "G-single-item-process",
        &[
            "G-single-process",
            "G-single-item-realtime",
            "G-nonadjacent-item-process",
        ],
    ),
    (
        "G-single-item-realtime",
        &["G-single-realtime", "G-nonadjacent-item-realtime"],
    ),
    ("G-single", &["G-nonadjacent", "G-SIb", "G-single-process"]),
    (
        "G-single-process",
        &["G-nonadjacent-process", "G-single-realtime"],
    ),
    ("G-single-realtime", &["G-nonadjacent-realtime"]),
    (
        "G-nonadjacent-item",
        &["G-nonadjacent", "G2-item", "G-nonadjacent-item-process"],
    ),
    (
        "G-nonadjacent-item-process",
        &[
            "G-nonadjacent-process",
            "G2-item-process",
            "G-nonadjacent-item-realtime",
        ],
    ),
    (
        "G-nonadjacent-item-realtime",
        &["G2-item-realtime", "G-nonadjacent-realtime"],
    ),
    ("G-nonadjacent", &["G2", "G-nonadjacent-process"]),
    (
        "G-nonadjacent-process",
        &["G2-process", "G-nonadjacent-realtime"],
    ),
    ("G-nonadjacent-realtime", &["G2-realtime"]),
    ("G2", &["G2-process"]),
    ("G2-item", &["G2", "G2-item-process"]),
    ("G2-item-process", &["G2-process", "G2-item-realtime"]),
    ("G2-item-realtime", &["G2-realtime"]),
    ("G2-process", &["G2-realtime"]),
    ("incompatible-order", &["G1a"]),
    ("future-read", &["G1c"]),
    ("dirty-update", &["G1a"]),
    ("lost-update", &["write-skew", "G2-item"]),
    ("write-skew", &["G2"]),
];

/// The anomalies faultline does not search for.
pub const UNSEARCHED: [&str; 6] = [
    "G-cursor",
    "G-monotonic",
    "G-MSR",
    "G-SIb",
    "G-update",
    "fractured-read",
];

/// Every anomaly name the lattice knows: those found, those implied, and
/// those a model proscribes.
pub fn known_anomalies() -> BTreeSet<&'static str> {
    let implied = IMPLIED
        .iter()
        .flat_map(|(k, v)| std::iter::once(*k).chain(v.iter().copied()));
    let found = super::anomaly::AnomalyKind::ALL.iter().map(|k| k.name());
    let proscribed = ConsistencyModel::ALL
        .iter()
        .flat_map(|m| m.proscribes().iter().copied());
    implied
        .chain(found)
        .chain(proscribed)
        .chain(UNSEARCHED)
        .collect()
}

/// Every anomaly that `found` implies, `found` included.
pub fn implied_anomalies<'a>(found: impl IntoIterator<Item = &'a str>) -> BTreeSet<&'a str> {
    let mut all: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<&str> = found.into_iter().collect();
    while let Some(a) = todo.pop() {
        if all.insert(a) {
            let next = IMPLIED
                .iter()
                .find(|(k, _)| *k == a)
                .map_or(&[][..], |(_, v)| v);
            todo.extend(next.iter().copied());
        }
    }
    all
}

/// `model` and every model it implies.
pub fn implied_models(model: ConsistencyModel) -> BTreeSet<ConsistencyModel> {
    let mut all = BTreeSet::new();
    let mut todo = vec![model];
    while let Some(m) = todo.pop() {
        if all.insert(m) {
            todo.extend_from_slice(m.implies());
        }
    }
    all
}

/// Every anomaly `model` proscribes, with those of the models it implies.
pub fn proscribed(model: ConsistencyModel) -> BTreeSet<&'static str> {
    implied_models(model)
        .into_iter()
        .flat_map(|m| m.proscribes().iter().copied())
        .collect()
}

/// Whether judging `model` needs real-time order.
pub fn needs_real_time(model: ConsistencyModel) -> bool {
    proscribed(model).iter().any(|a| a.ends_with("-realtime"))
}

/// Whether `model` allows some cycles of the dependency graph and
/// forbids others (snapshot isolation allows two adjacent rw edges and
/// forbids a G-single): then which cycles a history has depends on the
/// order of writes its reads do not reveal, and valid needs that order.
/// A model that forbids every cycle, or only cycles without rw edges, is
/// judged soundly on the partial order (orient the rest along a
/// topological order and no cycle closes).
pub fn allows_some_cycles(model: ConsistencyModel) -> bool {
    let banned = proscribed(model);
    let partial = banned
        .iter()
        .any(|a| a.starts_with("G-single") || a.starts_with("G-nonadjacent"));
    partial && !banned.contains("G2") && !banned.contains("G2-item")
}

/// Each model's outcome, given every anomaly the history is known to have
/// (`present`, closed under [`implied_anomalies`]) and why a model that
/// nothing rules out is still unknown (`open`: the graph or the budget).
pub fn judge(
    present: &BTreeSet<&str>,
    open: impl Fn(ConsistencyModel) -> Option<String>,
) -> Vec<(ConsistencyModel, Outcome)> {
    let first: Vec<(ConsistencyModel, Option<Outcome>)> = ConsistencyModel::ALL
        .iter()
        .map(|&m| {
            let banned = proscribed(m);
            let outcome = if banned.iter().any(|a| present.contains(a)) {
                Some(Outcome::Invalid)
            } else if m.proscribes().iter().any(|a| UNSEARCHED.contains(a)) {
                None // decided below, from the models that imply it
            } else {
                Some(open(m).map_or(Outcome::Valid, Outcome::Unknown))
            };
            (m, outcome)
        })
        .collect();
    let valid = |m: ConsistencyModel| {
        first
            .iter()
            .any(|(s, o)| *o == Some(Outcome::Valid) && *s != m && implied_models(*s).contains(&m))
    };
    first
        .iter()
        .map(|&(m, ref o)| {
            let outcome = o.clone().unwrap_or_else(|| match valid(m) {
                true => Outcome::Valid,
                false => Outcome::Unknown(unsearched_reason(m)),
            });
            (m, outcome)
        })
        .collect()
}

/// Why a model with an anomaly faultline does not search for is unknown.
fn unsearched_reason(model: ConsistencyModel) -> String {
    let banned = proscribed(model);
    let missing: Vec<&str> = UNSEARCHED
        .iter()
        .copied()
        .filter(|a| banned.contains(a))
        .collect();
    format!(
        "faultline does not search for {}, which {model} proscribes; it holds when a stronger \
         model that implies it holds, and none is known to here",
        missing.join(" or ")
    )
}

/// The weakest models ruled out: each invalid model none of whose
/// implied models is invalid (Elle's `:not`).
pub fn weakest_invalid(per_model: &[(ConsistencyModel, Outcome)]) -> Vec<ConsistencyModel> {
    let invalid = |m: &ConsistencyModel| {
        per_model
            .iter()
            .any(|(s, o)| s == m && *o == Outcome::Invalid)
    };
    per_model
        .iter()
        .filter(|(m, o)| *o == Outcome::Invalid && !m.implies().iter().any(invalid))
        .map(|(m, _)| *m)
        .collect()
}

/// The strongest models that hold: each valid model that no valid model
/// implies directly.
pub fn strongest_valid(per_model: &[(ConsistencyModel, Outcome)]) -> Vec<ConsistencyModel> {
    let valid: Vec<ConsistencyModel> = per_model
        .iter()
        .filter(|(_, o)| *o == Outcome::Valid)
        .map(|(m, _)| *m)
        .collect();
    valid
        .iter()
        .copied()
        .filter(|m| !valid.iter().any(|s| s.implies().contains(m)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConsistencyModel::*;

    fn outcomes(found: &[&str]) -> Vec<(ConsistencyModel, Outcome)> {
        judge(&implied_anomalies(found.iter().copied()), |_| None)
    }

    fn outcome(found: &[&str], model: ConsistencyModel) -> Outcome {
        let all = outcomes(found);
        all.into_iter()
            .find(|(m, _)| *m == model)
            .map(|(_, o)| o)
            .expect("every model")
    }

    #[test]
    fn nothing_found_makes_every_model_valid() {
        assert!(outcomes(&[]).iter().all(|(_, o)| *o == Outcome::Valid));
        assert_eq!(strongest_valid(&outcomes(&[])), [StrictSerializable]);
    }

    #[test]
    fn an_anomaly_rules_out_every_model_that_proscribes_what_it_implies() {
        let all = outcomes(&["G-single-item"]);
        assert_eq!(weakest_invalid(&all), [ConsistentView, RepeatableRead]);
        assert_eq!(
            outcome(&["G-single-item"], RepeatableRead),
            Outcome::Invalid
        );
        assert_eq!(outcome(&["G-single-item"], ReadCommitted), Outcome::Valid);
        // Cursor stability's own G-cursor is not searched for, and the
        // models that imply it are ruled out: unknown, not valid.
        assert!(matches!(
            outcome(&["G-single-item"], CursorStability),
            Outcome::Unknown(_)
        ));
        assert_eq!(
            outcome(&["G0"], StrongSessionReadUncommitted),
            Outcome::Invalid
        );
        assert_eq!(
            outcome(&["G0-realtime"], StrongSessionReadUncommitted),
            Outcome::Valid
        );
        assert_eq!(
            outcome(&["G0-realtime"], StrongReadUncommitted),
            Outcome::Invalid
        );
        assert_eq!(outcome(&["internal"], ReadCommitted), Outcome::Valid);
        assert_eq!(outcome(&["internal"], SnapshotIsolation), Outcome::Invalid);
        assert_eq!(
            outcome(&["garbage-read"], ReadUncommitted),
            Outcome::Invalid
        );
    }

    #[test]
    fn write_skew_keeps_snapshot_isolation_and_breaks_repeatable_read() {
        assert_eq!(outcome(&["G2-item"], SnapshotIsolation), Outcome::Valid);
        assert_eq!(outcome(&["G2-item"], RepeatableRead), Outcome::Invalid);
        // Forward consistent view is implied by snapshot isolation, which holds.
        assert_eq!(outcome(&["G2-item"], ForwardConsistentView), Outcome::Valid);
        assert_eq!(outcome(&["G2-item"], MonotonicAtomicView), Outcome::Valid);
        // Cursor stability is implied by consistent view, which holds.
        assert_eq!(outcome(&["G2-item"], CursorStability), Outcome::Valid);
    }

    #[test]
    fn an_open_question_leaves_models_unknown_and_their_weaker_ones_too() {
        let all = judge(&BTreeSet::new(), |m| {
            needs_real_time(m).then(|| "no real time".to_string())
        });
        let of = |model| {
            all.iter()
                .find(|(m, _)| *m == model)
                .map(|(_, o)| o.clone())
        };
        assert!(matches!(of(StrictSerializable), Some(Outcome::Unknown(_))));
        assert_eq!(of(Serializable), Some(Outcome::Valid));
        assert_eq!(of(CursorStability), Some(Outcome::Valid));
        assert_eq!(of(StrongSessionSerializable), Some(Outcome::Valid));
    }
}
