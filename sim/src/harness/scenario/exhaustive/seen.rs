//! The set of fingerprints a search has seen: open addressing over one
//! vector of `u64`, linear probing, doubled at half full. `HashSet` would
//! do as well, but the simulator's crates keep every hashed collection
//! out (their iteration order is the process's), and this one never
//! iterates.

/// The fingerprints seen so far.
#[derive(Debug)]
pub(super) struct Seen {
    slots: Vec<u64>,
    len: usize,
}

/// An empty slot. A fingerprint of 0 is stored as [`ZERO`].
const EMPTY: u64 = 0;
/// Where a fingerprint of 0 goes (so 0 can mean empty).
const ZERO: u64 = 0x9e37_79b9_7f4a_7c15;

impl Seen {
    /// An empty set.
    pub(super) fn new() -> Self {
        Seen {
            slots: vec![EMPTY; 1 << 10],
            len: 0,
        }
    }

    /// How many fingerprints it holds.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Adds `fingerprint`; true if it was not there.
    pub(super) fn insert(&mut self, fingerprint: u64) -> bool {
        let f = if fingerprint == EMPTY {
            ZERO
        } else {
            fingerprint
        };
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let added = place(&mut self.slots, f);
        self.len += usize::from(added);
        added
    }

    fn grow(&mut self) {
        let doubled = vec![EMPTY; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        for f in old.into_iter().filter(|&f| f != EMPTY) {
            place(&mut self.slots, f);
        }
    }
}

/// Puts `f` in the first free slot from its home; false if it is there.
fn place(slots: &mut [u64], f: u64) -> bool {
    debug_assert!(slots.len().is_power_of_two() && f != EMPTY);
    let mask = slots.len() - 1;
    // The fingerprint is a hash already; its high bits pick the home.
    let mut i = (f >> 32) as usize & mask;
    loop {
        match slots[i] {
            EMPTY => {
                slots[i] = f;
                return true;
            }
            s if s == f => return false,
            _ => i = (i + 1) & mask,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_each_fingerprint_once_through_growth() {
        let mut seen = Seen::new();
        for f in 1..=5_000u64 {
            assert!(seen.insert(f.wrapping_mul(0x2545_f491_4f6c_dd1d)));
        }
        assert!(seen.insert(0), "zero is a fingerprint like any other");
        assert!(!seen.insert(0));
        for f in 1..=5_000u64 {
            assert!(!seen.insert(f.wrapping_mul(0x2545_f491_4f6c_dd1d)));
        }
        assert_eq!(seen.len(), 5_001);
    }
}
