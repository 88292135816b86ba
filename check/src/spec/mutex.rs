//! Knossos's mutex: a lock that one holder at a time acquires and then
//! releases. Acquiring a held lock, or releasing a free one, is not a step
//! a correct mutex takes, so a history that needs one is not linearizable.

use super::SequentialSpec;
use serde::{Deserialize, Serialize};

/// A mutex operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutexInput {
    /// Take the lock.
    Acquire,
    /// Give it back.
    Release,
}

/// A mutex result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutexOutput {
    /// The operation took effect.
    Done,
    /// A correct mutex would not return here: the lock was held (acquire)
    /// or free (release). No recorded completion is this.
    Refused,
}

/// The mutex spec. It starts free.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mutex;

impl SequentialSpec for Mutex {
    const NAME: &'static str = "mutex";
    /// Whether the lock is held.
    type State = bool;
    type Input = MutexInput;
    type Output = MutexOutput;

    fn init(&self) -> bool {
        false
    }

    fn step(&self, held: &bool, input: &MutexInput) -> (bool, MutexOutput) {
        match (input, *held) {
            (MutexInput::Acquire, false) => (true, MutexOutput::Done),
            (MutexInput::Release, true) => (false, MutexOutput::Done),
            (_, held) => (held, MutexOutput::Refused),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::History;
    use crate::linearizability::check;

    #[test]
    fn two_holders_at_once_are_not_linearizable() {
        let mut h: History<MutexInput, MutexOutput> = History::default();
        h.invoke(0, 0, MutexInput::Acquire);
        h.ok(0, 1, MutexOutput::Done);
        h.invoke(1, 2, MutexInput::Acquire);
        h.ok(1, 3, MutexOutput::Done);
        assert!(!check(&Mutex, &h).expect("well formed").is_linearizable());
        h.invoke(0, 4, MutexInput::Release);
        h.ok(0, 5, MutexOutput::Done);
        assert!(!check(&Mutex, &h).expect("well formed").is_linearizable());
        let mut ok: History<MutexInput, MutexOutput> = History::default();
        ok.invoke(0, 0, MutexInput::Acquire);
        ok.invoke(1, 1, MutexInput::Acquire);
        ok.ok(0, 2, MutexOutput::Done);
        ok.invoke(0, 3, MutexInput::Release);
        ok.ok(0, 4, MutexOutput::Done);
        ok.ok(1, 5, MutexOutput::Done);
        assert!(check(&Mutex, &ok).expect("well formed").is_linearizable());
    }
}
