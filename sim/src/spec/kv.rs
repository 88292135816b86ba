//! A key-value store of strings: get, put, append. A never-written key reads `""`.
//! Keys are independent, so the checker partitions by key.

use super::SequentialSpec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    type State = BTreeMap<String, String>;
    type Input = KvInput;
    type Output = KvOutput;

    fn init(&self) -> Self::State {
        BTreeMap::new()
    }

    fn is_read_only(&self, input: &KvInput) -> bool {
        matches!(input, KvInput::Get(_))
    }

    fn step(&self, state: &Self::State, input: &KvInput) -> (Self::State, KvOutput) {
        match input {
            KvInput::Get(k) => (
                state.clone(),
                KvOutput::Value(state.get(k).cloned().unwrap_or_default()),
            ),
            KvInput::Put(k, v) => {
                let mut next = state.clone();
                next.insert(k.clone(), v.clone());
                (next, KvOutput::Done)
            }
            KvInput::Append(k, v) => {
                let mut next = state.clone();
                next.entry(k.clone()).or_default().push_str(v);
                (next, KvOutput::Done)
            }
        }
    }

    fn partition_key(&self, input: &KvInput) -> Option<String> {
        Some(input.key().to_string())
    }

    fn state_bytes(&self, state: &Self::State) -> usize {
        48 + state
            .iter()
            .map(|(k, v)| 64 + k.len() + v.len())
            .sum::<usize>()
    }
}
