//! Timer handles: a slab of generation-checked slots.
//!
//! Setting a timer takes a slot and pushes one queue entry that names the slot and
//! its generation. Cancelling bumps the generation, so the queue entry finds a
//! stale generation when it comes due and is skipped: cancellation is O(1) and
//! never searches the queue.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A handle to a pending timer, for cancelling it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimerId {
    slot: u32,
    generation: u32,
}

impl fmt::Display for TimerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timer{}.{}", self.slot, self.generation)
    }
}

/// The engine's table of live timers.
#[derive(Clone, Debug, Default)]
pub(crate) struct TimerSlab {
    generations: Vec<u32>,
    live: Vec<bool>,
    free: Vec<u32>,
}

impl TimerSlab {
    /// Takes a slot for a new timer.
    #[inline]
    pub(crate) fn arm(&mut self) -> TimerId {
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.generations.push(0);
                self.live.push(false);
                u32::try_from(self.generations.len() - 1).expect("fewer than 2^32 live timers")
            }
        };
        let i = slot as usize;
        debug_assert!(!self.live[i], "armed a live timer slot");
        self.live[i] = true;
        TimerId {
            slot,
            generation: self.generations[i],
        }
    }

    /// Frees every pending timer (a crash): none of them will fire.
    pub(crate) fn disarm_all(&mut self) {
        for i in 0..self.live.len() {
            if self.live[i] {
                let id = TimerId {
                    slot: i as u32,
                    generation: self.generations[i],
                };
                self.disarm(id);
            }
        }
    }

    /// True if the timer is still pending (not fired, not cancelled).
    #[inline]
    pub(crate) fn is_live(&self, id: TimerId) -> bool {
        let i = id.slot as usize;
        self.live[i] && self.generations[i] == id.generation
    }

    /// Frees a pending timer's slot (it fired or was cancelled). Returns false if it
    /// was no longer pending.
    #[inline]
    pub(crate) fn disarm(&mut self, id: TimerId) -> bool {
        if !self.is_live(id) {
            return false;
        }
        let i = id.slot as usize;
        self.live[i] = false;
        self.generations[i] = self.generations[i].wrapping_add(1);
        self.free.push(id.slot);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancelled_slots_are_reused_with_a_new_generation() {
        let mut s = TimerSlab::default();
        let a = s.arm();
        assert!(s.is_live(a));
        assert!(s.disarm(a));
        assert!(!s.disarm(a));
        let b = s.arm();
        assert_ne!(a, b);
        assert!(!s.is_live(a) && s.is_live(b));
    }
}
