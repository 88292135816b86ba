//! A key-value store of strings: get, put, append. A never-written key reads `""`.
//! Keys are independent, so the checker partitions by key.

use super::SequentialSpec;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The store's contents: `(key, value)` pairs sorted by key. A sorted vector
/// rather than a `BTreeMap`, because the checker keeps one copy per distinct
/// state, and a map's smallest node costs over 500 bytes.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct KvState(Vec<(String, String)>);

impl KvState {
    /// The value of `key`; a never-written key reads `""`.
    pub fn get(&self, key: &str) -> &str {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
            Ok(i) => &self.0[i].1,
            Err(_) => "",
        }
    }

    fn slot(&mut self, key: &str) -> &mut String {
        let i = match self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key.to_string(), String::new()));
                i
            }
        };
        &mut self.0[i].1
    }
}

impl fmt::Debug for KvState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v)))
            .finish()
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
            KvInput::Put(k, v) => {
                let mut next = state.clone();
                *next.slot(k) = v.clone();
                (next, KvOutput::Done)
            }
            KvInput::Append(k, v) => {
                let mut next = state.clone();
                next.slot(k).push_str(v);
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

    fn partition_key(&self, input: &KvInput) -> Option<String> {
        Some(input.key().to_string())
    }

    fn state_bytes(&self, state: &Self::State) -> usize {
        let entries = state.0.capacity() * std::mem::size_of::<(String, String)>();
        let header = if entries > 0 { 16 } else { 0 };
        std::mem::size_of::<KvState>()
            + entries
            + header
            + state
                .0
                .iter()
                .map(|(k, v)| string_heap(k) + string_heap(v))
                .sum::<usize>()
    }
}
