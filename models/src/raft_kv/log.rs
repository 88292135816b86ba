//! The Raft log: entries indexed from 1, each with a running hash of the
//! prefix it ends, so that "these two logs agree up to index i" is one
//! comparison. The hashes are for the invariant checks; the protocol itself
//! compares terms only, as in the paper.

use crate::kv::KvRequest;

/// A log entry: the term it was created in and its command (`None` is the
/// no-op a new leader appends to commit its predecessors' entries).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The leader's term when it appended the entry.
    pub term: u64,
    /// The client request, or `None` for a leader's no-op.
    pub request: Option<KvRequest>,
}

/// A fixed, portable 64-bit mixer (splitmix64's finaliser); the prefix hashes
/// must not depend on the process or the toolchain.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn entry_hash(e: &Entry) -> u64 {
    let command = match e.request {
        None => 0,
        Some(r) => {
            let (tag, key, value) = match r.command {
                crate::kv::KvCommand::Get { key } => (1u64, key, 0),
                crate::kv::KvCommand::Put { key, value } => (2, key, value),
                crate::kv::KvCommand::Append { key, value } => (3, key, value),
            };
            mix(tag ^ (u64::from(key) << 8) ^ (u64::from(value) << 16))
                ^ mix(u64::from(r.client) << 32 | u64::from(r.seq))
        }
    };
    mix(e.term ^ mix(command))
}

/// A node's log.
#[derive(Clone, Debug, Default, Hash)]
pub struct Log {
    entries: Vec<Entry>,
    /// `prefix[i]`: the hash of entries `1..=i+1`.
    prefix: Vec<u64>,
}

impl Log {
    /// The index of the last entry (0 when empty).
    pub fn last_index(&self) -> u64 {
        self.entries.len() as u64
    }

    /// The term of the last entry (0 when empty).
    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.term)
    }

    /// The term at `index`; 0 for index 0; `None` past the end.
    pub fn term_at(&self, index: u64) -> Option<u64> {
        match index {
            0 => Some(0),
            i => self.entries.get(i as usize - 1).map(|e| e.term),
        }
    }

    /// The entry at `index` (from 1).
    pub fn entry(&self, index: u64) -> Option<&Entry> {
        index
            .checked_sub(1)
            .and_then(|i| self.entries.get(i as usize))
    }

    /// The hash of the prefix that ends at `index` (0 for index 0); `None`
    /// past the end.
    pub fn prefix_hash(&self, index: u64) -> Option<u64> {
        match index {
            0 => Some(0),
            i => self.prefix.get(i as usize - 1).copied(),
        }
    }

    /// Appends an entry and returns its index.
    pub fn push(&mut self, entry: Entry) -> u64 {
        let before = self.prefix.last().copied().unwrap_or(0);
        self.prefix.push(mix(before ^ entry_hash(&entry)));
        self.entries.push(entry);
        self.last_index()
    }

    /// Drops every entry after `index`.
    pub fn truncate(&mut self, index: u64) {
        self.entries.truncate(index as usize);
        self.prefix.truncate(index as usize);
    }

    /// Up to `max` entries starting at `from` (from 1).
    pub fn slice(&self, from: u64, max: usize) -> &[Entry] {
        let start = (from.max(1) - 1) as usize;
        let start = start.min(self.entries.len());
        let end = (start + max).min(self.entries.len());
        &self.entries[start..end]
    }

    /// The index of the first entry of `term` at or before `index` (the
    /// start of that term's run), for the fast conflict skip.
    pub fn first_index_of_term_run(&self, index: u64) -> u64 {
        let term = self.term_at(index);
        let mut i = index;
        while i > 1 && self.term_at(i - 1) == term {
            i -= 1;
        }
        i
    }

    /// True when a candidate whose log ends at (`last_term`, `last_index`) is
    /// at least as up to date as this log (§5.4.1).
    pub fn candidate_up_to_date(&self, last_term: u64, last_index: u64) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_hashes_agree_exactly_when_prefixes_do() {
        let mut a = Log::default();
        let mut b = Log::default();
        for t in [1, 1, 2] {
            a.push(Entry {
                term: t,
                request: None,
            });
            b.push(Entry {
                term: t,
                request: None,
            });
        }
        assert_eq!(a.prefix_hash(3), b.prefix_hash(3));
        b.truncate(2);
        b.push(Entry {
            term: 3,
            request: None,
        });
        assert_eq!(a.prefix_hash(2), b.prefix_hash(2));
        assert_ne!(a.prefix_hash(3), b.prefix_hash(3));
        assert_eq!(b.first_index_of_term_run(2), 1);
        assert_eq!(a.slice(2, 10).len(), 2);
        assert!(a.candidate_up_to_date(2, 3) && !a.candidate_up_to_date(1, 9));
    }
}
