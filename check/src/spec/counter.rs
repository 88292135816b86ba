//! A counter: add a (possibly negative) amount, read the total.

use super::SequentialSpec;
use serde::{Deserialize, Serialize};

/// A counter operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CounterInput {
    /// Add an amount.
    Add(i64),
    /// Read the total.
    Read,
}

/// A counter result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CounterOutput {
    /// The add happened.
    Done,
    /// The total read.
    Value(i64),
}

/// The counter spec. It starts at zero.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counter;

impl SequentialSpec for Counter {
    const NAME: &'static str = "counter";
    type State = i64;
    type Input = CounterInput;
    type Output = CounterOutput;

    fn init(&self) -> i64 {
        0
    }

    fn is_read_only(&self, input: &CounterInput) -> bool {
        matches!(input, CounterInput::Read)
    }

    fn step(&self, state: &i64, input: &CounterInput) -> (i64, CounterOutput) {
        match *input {
            CounterInput::Add(n) => (state.wrapping_add(n), CounterOutput::Done),
            CounterInput::Read => (*state, CounterOutput::Value(*state)),
        }
    }
}
