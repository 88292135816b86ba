//! The async primary-backup service's invariants, `primary-backup`'s two. The
//! replicas report to this observer as they act; it is test instrumentation,
//! outside the service, and survives their crashes.
//!
//! - One primary per epoch: no two replicas begin serving in the same epoch.
//! - Acknowledged writes survive: when a primary begins serving an epoch, its
//!   store holds, for every client, the latest write any primary acknowledged
//!   in an earlier epoch. (A deposed primary's round can succeed just after
//!   a newer epoch began, with followers that had not yet heard of it; it
//!   begins serving its old epoch then, but answers nothing more, since its
//!   next round is refused. Writes of newer epochs are not its to hold.)

use super::Machine;
use crate::violation::Violation;
use crate::wire::since;
use madsim::time::Instant;
use std::collections::BTreeMap;

/// The properties, by name; a failure starts with the one that broke.
pub const PROPERTIES: [&str; 2] = ["one primary per epoch", "acknowledged writes survive"];

/// What the observer has seen.
#[derive(Debug)]
pub struct Invariants {
    epoch: Instant,
    /// Per epoch: the replica that began serving it.
    primaries: BTreeMap<u64, usize>,
    /// Per client and epoch: the latest write acknowledged in that epoch,
    /// and who acknowledged it.
    acked: BTreeMap<(u32, u64), (u32, usize)>,
    /// The first violation.
    violation: Option<Violation>,
}

impl Invariants {
    /// An observer for a run that began at `epoch`.
    pub fn new(epoch: Instant) -> Invariants {
        Invariants {
            epoch,
            primaries: BTreeMap::new(),
            acked: BTreeMap::new(),
            violation: None,
        }
    }

    /// The first violation, if any.
    pub fn violation(&self) -> Option<&Violation> {
        self.violation.as_ref()
    }

    fn fail(&mut self, message: String) {
        if self.violation.is_none() {
            self.violation = Some(Violation {
                at: since(self.epoch),
                message,
            });
        }
    }

    /// `replica`, primary of `epoch`, acknowledged `client`'s write number
    /// `seq`.
    pub fn acknowledged(&mut self, replica: usize, epoch: u64, client: u32, seq: u32) {
        let slot = self.acked.entry((client, epoch)).or_insert((seq, replica));
        if seq >= slot.0 {
            *slot = (seq, replica);
        }
    }

    /// `replica` begins serving `epoch` with `store`.
    pub fn serving<M: Machine>(&mut self, replica: usize, epoch: u64, store: &M) {
        let first = *self.primaries.entry(epoch).or_insert(replica);
        if first != replica {
            self.fail(format!(
                "{}: n{first} and n{replica} both served as primary in epoch {epoch}",
                PROPERTIES[0]
            ));
        }
        let lost = self
            .acked
            .iter()
            .filter(|(&(_, acked_in), _)| acked_in < epoch)
            .find(|(&(client, _), &(seq, _))| store.last_seq(client).unwrap_or(0) < seq)
            .map(|(&(client, _), &(seq, by))| (client, seq, by));
        if let Some((client, seq, by)) = lost {
            self.fail(format!(
                "{}: n{replica}, primary of epoch {epoch}, lacks client {client}'s write {seq}, \
                 which n{by} acknowledged",
                PROPERTIES[1]
            ));
        }
    }
}
