//! A key-value store of strings: get, put, append. A never-written key reads `""`.
//! Keys are independent, so the checker partitions by key.

use super::SequentialSpec;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The store's contents. The checker keeps one copy of each distinct state
/// and builds one per new transition, so a state is small and cheap to
/// build: no key (the usual case, checking one key's operations alone), one
/// key (one allocation: its value), or several, sorted by key. The forms
/// are canonical (one key is never stored as several), so equal stores are
/// equal values with equal hashes.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct KvState(Entries);

#[derive(Clone, Default, PartialEq, Eq, Hash)]
enum Entries {
    #[default]
    Empty,
    One(Arc<str>, String),
    /// Two or more, sorted by key.
    Many(Vec<(Arc<str>, String)>),
}

impl KvState {
    /// The value of `key`; a never-written key reads `""`.
    pub fn get(&self, key: &str) -> &str {
        match &self.0 {
            Entries::One(k, v) if **k == *key => v,
            Entries::Many(all) => match all.binary_search_by(|(k, _)| (**k).cmp(key)) {
                Ok(i) => &all[i].1,
                Err(_) => "",
            },
            Entries::Empty | Entries::One(..) => "",
        }
    }

    /// Every (key, value), in key order.
    fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        let (one, many) = match &self.0 {
            Entries::Empty => (None, &[][..]),
            Entries::One(k, v) => (Some((&**k, v.as_str())), &[][..]),
            Entries::Many(all) => (None, all.as_slice()),
        };
        one.into_iter()
            .chain(many.iter().map(|(k, v)| (&**k, v.as_str())))
    }

    /// A copy with `key`'s value made by `value` from the old one.
    fn with(&self, key: &str, value: impl FnOnce(&str) -> String) -> KvState {
        let entries = match &self.0 {
            Entries::Empty => Entries::One(Arc::from(key), value("")),
            Entries::One(k, v) if **k == *key => Entries::One(k.clone(), value(v)),
            Entries::One(k, v) => {
                let mut all = vec![(k.clone(), v.clone()), (Arc::from(key), value(""))];
                all.sort_by(|a, b| a.0.cmp(&b.0));
                Entries::Many(all)
            }
            Entries::Many(all) => {
                let mut all = all.clone();
                match all.binary_search_by(|(k, _)| (**k).cmp(key)) {
                    Ok(i) => all[i].1 = value(&all[i].1),
                    Err(i) => all.insert(i, (Arc::from(key), value(""))),
                }
                Entries::Many(all)
            }
        };
        KvState(entries)
    }
}

impl fmt::Debug for KvState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries()).finish()
    }
}

/// Heap bytes of a string as the allocator hands them out (16-byte rounding
/// plus a 16-byte header), zero when empty.
fn string_heap(s: &str) -> usize {
    if s.is_empty() {
        0
    } else {
        s.len().div_ceil(16) * 16 + 16
    }
}

/// A key-value operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KvInput {
    /// Read a key.
    Get(String),
    /// Replace a key's value.
    Put(String, String),
    /// Append to a key's value.
    Append(String, String),
}

impl KvInput {
    /// The key the operation touches.
    pub fn key(&self) -> &str {
        match self {
            KvInput::Get(k) | KvInput::Put(k, _) | KvInput::Append(k, _) => k,
        }
    }
}

/// A key-value result.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KvOutput {
    /// The value read.
    Value(String),
    /// The put or append happened.
    Done,
}

/// The key-value spec.
#[derive(Clone, Copy, Debug, Default)]
pub struct Kv;

impl SequentialSpec for Kv {
    const NAME: &'static str = "kv";
    type State = KvState;
    type Input = KvInput;
    type Output = KvOutput;

    fn init(&self) -> Self::State {
        KvState::default()
    }

    fn is_read_only(&self, input: &KvInput) -> bool {
        matches!(input, KvInput::Get(_))
    }

    fn step(&self, state: &Self::State, input: &KvInput) -> (Self::State, KvOutput) {
        match input {
            KvInput::Get(k) => (state.clone(), KvOutput::Value(state.get(k).to_string())),
            KvInput::Put(k, v) => (state.with(k, |_| v.clone()), KvOutput::Done),
            KvInput::Append(k, v) => {
                let next = state.with(k, |old| {
                    let mut joined = String::with_capacity(old.len() + v.len());
                    joined.push_str(old);
                    joined.push_str(v);
                    joined
                });
                (next, KvOutput::Done)
            }
        }
    }

    const READ_LOOK_AHEAD: bool = true;

    /// From `state`, a key's value can only grow by appends, or restart from
    /// a put's value and grow from there. So a read of `v` is impossible when
    /// neither the key's current value nor any remaining put's value is a
    /// prefix of `v`.
    fn read_still_possible(
        &self,
        state: &KvState,
        read: &KvInput,
        output: &KvOutput,
        remaining: &mut dyn Iterator<Item = &KvInput>,
    ) -> bool {
        let (KvInput::Get(key), KvOutput::Value(v)) = (read, output) else {
            return true;
        };
        if v.starts_with(state.get(key)) {
            return true;
        }
        for op in remaining {
            if matches!(op, KvInput::Put(k, p) if k == key && v.starts_with(p.as_str())) {
                return true;
            }
        }
        false
    }

    fn partition_key<'a>(&self, input: &'a KvInput) -> Option<std::borrow::Cow<'a, str>> {
        Some(std::borrow::Cow::Borrowed(input.key()))
    }

    fn can_restore_reads(&self, input: &KvInput) -> bool {
        matches!(input, KvInput::Put(..))
    }

    fn read_returns(&self, state: &KvState, input: &KvInput, output: &KvOutput) -> bool {
        match (input, output) {
            (KvInput::Get(k), KvOutput::Value(v)) => state.get(k) == v,
            _ => self.step(state, input).1 == *output,
        }
    }

    fn state_bytes(&self, state: &Self::State) -> usize {
        let many = match &state.0 {
            Entries::Many(all) => all.capacity() * std::mem::size_of::<(Arc<str>, String)>() + 16,
            Entries::Empty | Entries::One(..) => 0,
        };
        let values: usize = state.entries().map(|(_, v)| string_heap(v)).sum();
        // Keys are shared between states (reference counted): not counted.
        std::mem::size_of::<KvState>() + many + values
    }
}
