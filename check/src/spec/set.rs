//! A grow-only set of integers: add an element, read the whole set.

use super::SequentialSpec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A set operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetInput {
    /// Add an element.
    Add(i64),
    /// Read every element.
    Read,
}

/// A set result.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetOutput {
    /// The add happened.
    Done,
    /// The elements read.
    Value(BTreeSet<i64>),
}

/// The set spec.
#[derive(Clone, Copy, Debug, Default)]
pub struct Set;

impl SequentialSpec for Set {
    const NAME: &'static str = "set";
    type State = BTreeSet<i64>;
    type Input = SetInput;
    type Output = SetOutput;

    fn init(&self) -> BTreeSet<i64> {
        BTreeSet::new()
    }

    fn is_read_only(&self, input: &SetInput) -> bool {
        matches!(input, SetInput::Read)
    }

    fn step(&self, state: &BTreeSet<i64>, input: &SetInput) -> (BTreeSet<i64>, SetOutput) {
        match *input {
            SetInput::Add(v) => {
                let mut next = state.clone();
                next.insert(v);
                (next, SetOutput::Done)
            }
            SetInput::Read => (state.clone(), SetOutput::Value(state.clone())),
        }
    }

    fn state_bytes(&self, state: &BTreeSet<i64>) -> usize {
        48 + 40 * state.len()
    }
}
