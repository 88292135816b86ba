//! The consistency models the checker judges against, as Elle defines
//! them: each model implies some weaker ones, and directly proscribes some
//! anomalies; it proscribes those of every model it implies too (see
//! [`super::lattice`] for the anomalies and how a verdict is reached).
//! Sources are Elle's: Adya, Bailis et al., Cerone and Gotsman, Daudjee
//! and Salem.

use std::fmt;
use std::str::FromStr;

/// A consistency model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConsistencyModel {
    /// Adya's PL-1: no G0 (dirty writes).
    ReadUncommitted,
    /// Adya's PL-2: no G1 (aborted, intermediate or circular reads).
    ReadCommitted,
    /// Bailis et al.: read committed, with atomic visibility of each
    /// transaction's writes.
    MonotonicAtomicView,
    /// Adya's PL-CS: no G1, no G-cursor, no lost update.
    CursorStability,
    /// Adya's PL-2L: no G1, no G-monotonic.
    MonotonicView,
    /// Adya's PL-MSR: no G1, no G-MSR.
    MonotonicSnapshotRead,
    /// Adya's PL-2+: no G1, no G-single.
    ConsistentView,
    /// Adya's PL-FCV: no G1, no G-SIb.
    ForwardConsistentView,
    /// Adya's PL-2.99: no G1, no G2-item, no lost update.
    RepeatableRead,
    /// Snapshot isolation: no G1, no G-nonadjacent (Cerone and Gotsman),
    /// no internal inconsistency.
    SnapshotIsolation,
    /// Adya's PL-3U: no G1, no G-update.
    UpdateSerializable,
    /// Adya's PL-3, conflict serializability: no G1, no G2.
    #[default]
    Serializable,
    /// Adya's PL-SS: serializable in an order that respects real time.
    StrictSerializable,
    /// Read uncommitted, and no G0 that process order closes.
    StrongSessionReadUncommitted,
    /// Read committed, and no G1c that process order closes.
    StrongSessionReadCommitted,
    /// Read uncommitted, and no G0 that real time closes.
    StrongReadUncommitted,
    /// Read committed, and no G1c that real time closes.
    StrongReadCommitted,
    /// Snapshot isolation that respects each process's order.
    StrongSessionSnapshotIsolation,
    /// Snapshot isolation that respects real time.
    StrongSnapshotIsolation,
    /// Serializability that respects each process's order.
    StrongSessionSerializable,
}

use ConsistencyModel::*;

impl ConsistencyModel {
    /// Every model, roughly weakest first.
    pub const ALL: [ConsistencyModel; 20] = [
        ReadUncommitted,
        ReadCommitted,
        MonotonicAtomicView,
        CursorStability,
        MonotonicView,
        MonotonicSnapshotRead,
        ConsistentView,
        ForwardConsistentView,
        RepeatableRead,
        SnapshotIsolation,
        UpdateSerializable,
        Serializable,
        StrictSerializable,
        StrongSessionReadUncommitted,
        StrongSessionReadCommitted,
        StrongReadUncommitted,
        StrongReadCommitted,
        StrongSessionSnapshotIsolation,
        StrongSnapshotIsolation,
        StrongSessionSerializable,
    ];

    /// Its name on the command line, as Elle spells it.
    pub fn name(self) -> &'static str {
        match self {
            ReadUncommitted => "read-uncommitted",
            ReadCommitted => "read-committed",
            MonotonicAtomicView => "monotonic-atomic-view",
            CursorStability => "cursor-stability",
            MonotonicView => "monotonic-view",
            MonotonicSnapshotRead => "monotonic-snapshot-read",
            ConsistentView => "consistent-view",
            ForwardConsistentView => "forward-consistent-view",
            RepeatableRead => "repeatable-read",
            SnapshotIsolation => "snapshot-isolation",
            UpdateSerializable => "update-serializable",
            Serializable => "serializable",
            StrictSerializable => "strict-serializable",
            StrongSessionReadUncommitted => "strong-session-read-uncommitted",
            StrongSessionReadCommitted => "strong-session-read-committed",
            StrongReadUncommitted => "strong-read-uncommitted",
            StrongReadCommitted => "strong-read-committed",
            StrongSessionSnapshotIsolation => "strong-session-snapshot-isolation",
            StrongSnapshotIsolation => "strong-snapshot-isolation",
            StrongSessionSerializable => "strong-session-serializable",
        }
    }

    /// Other names Elle accepts for a model: `conflict-serializable` is
    /// serializable (Elle means conflict serializability by it), and
    /// `strong-serializable` is strict serializable (Elle calls them one).
    const ALIASES: [(&'static str, ConsistencyModel); 2] = [
        ("conflict-serializable", Serializable),
        ("strong-serializable", StrictSerializable),
    ];

    /// The models this one implies directly (a history that satisfies it
    /// satisfies them), as Elle's model graph has them.
    pub fn implies(self) -> &'static [ConsistencyModel] {
        match self {
            ReadUncommitted => &[],
            ReadCommitted => &[ReadUncommitted],
            MonotonicAtomicView | MonotonicView | MonotonicSnapshotRead => &[ReadCommitted],
            CursorStability => &[ReadCommitted],
            ConsistentView => &[CursorStability, MonotonicView],
            ForwardConsistentView => &[ConsistentView],
            RepeatableRead => &[CursorStability, MonotonicAtomicView],
            SnapshotIsolation => &[
                ForwardConsistentView,
                MonotonicAtomicView,
                MonotonicSnapshotRead,
            ],
            UpdateSerializable => &[ForwardConsistentView],
            Serializable => &[RepeatableRead, UpdateSerializable, SnapshotIsolation],
            StrictSerializable => &[
                Serializable,
                StrongSnapshotIsolation,
                StrongSessionSerializable,
            ],
            StrongSessionReadUncommitted => &[ReadUncommitted],
            StrongSessionReadCommitted => &[ReadCommitted, StrongSessionReadUncommitted],
            StrongReadUncommitted => &[StrongSessionReadUncommitted],
            StrongReadCommitted => &[StrongSessionReadCommitted, StrongReadUncommitted],
            StrongSessionSnapshotIsolation => &[SnapshotIsolation, StrongSessionReadCommitted],
            StrongSnapshotIsolation => &[StrongSessionSnapshotIsolation, StrongReadCommitted],
            StrongSessionSerializable => &[Serializable, StrongSessionSnapshotIsolation],
        }
    }

    /// The anomalies this model proscribes beyond those of the models it
    /// implies, by Elle's names (see [`super::lattice`]).
    pub fn proscribes(self) -> &'static [&'static str] {
        match self {
            // A read of a value no transaction wrote is faultline's own
            // class, and no model allows it.
            ReadUncommitted => &[
                "G0",
                "duplicate-elements",
                "cyclic-versions",
                "garbage-read",
            ],
            ReadCommitted => &["G1"],
            // Elle names no anomaly of monotonic atomic view's own; a
            // fractured read is one, and faultline does not search for it.
            MonotonicAtomicView => &["G1", "fractured-read"],
            CursorStability => &["G1", "G-cursor", "lost-update"],
            MonotonicView => &["G1", "G-monotonic"],
            MonotonicSnapshotRead => &["G1", "G-MSR"],
            ConsistentView => &["G1", "G-single"],
            ForwardConsistentView => &["G1", "G-SIb"],
            RepeatableRead => &["G1", "G2-item", "lost-update"],
            SnapshotIsolation => &["internal", "G1", "G-nonadjacent"],
            UpdateSerializable => &["G1", "G-update"],
            Serializable => &["internal", "G1", "G2"],
            StrictSerializable => &["G1", "G1c-realtime", "G2-realtime"],
            StrongSessionReadUncommitted => &["G0-process"],
            StrongSessionReadCommitted => &["G1c-process"],
            StrongReadUncommitted => &["G0-realtime"],
            StrongReadCommitted => &["G1c-realtime"],
            StrongSessionSnapshotIsolation => &["internal", "G1-process", "G-nonadjacent-process"],
            StrongSnapshotIsolation => &["internal", "G1-realtime", "G-nonadjacent-realtime"],
            StrongSessionSerializable => &["G1-process", "G2-process"],
        }
    }
}

impl fmt::Display for ConsistencyModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A model name that is not one of Elle's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown consistency model `{0}`: expected one of {list}", list = model_list())]
pub struct UnknownModel(pub String);

fn model_list() -> String {
    let names: Vec<&str> = ConsistencyModel::ALL.iter().map(|m| m.name()).collect();
    names.join(", ")
}

impl FromStr for ConsistencyModel {
    type Err = UnknownModel;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ConsistencyModel::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .or_else(|| {
                ConsistencyModel::ALIASES
                    .iter()
                    .find(|(a, _)| *a == s)
                    .map(|(_, m)| *m)
            })
            .ok_or_else(|| UnknownModel(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_reads_back_from_its_name() {
        for m in ConsistencyModel::ALL {
            assert_eq!(m.name().parse::<ConsistencyModel>(), Ok(m));
        }
        assert_eq!("strong-serializable".parse(), Ok(StrictSerializable));
        assert_eq!("conflict-serializable".parse(), Ok(Serializable));
        assert!("causal".parse::<ConsistencyModel>().is_err());
    }

    #[test]
    fn strict_serializability_implies_every_model() {
        let mut seen = vec![StrictSerializable];
        let mut i = 0;
        while i < seen.len() {
            for &m in seen[i].implies() {
                if !seen.contains(&m) {
                    seen.push(m);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), ConsistencyModel::ALL.len());
    }
}
