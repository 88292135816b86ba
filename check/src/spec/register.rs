//! A read/write/compare-and-set register of integers. Never written, it reads `nil`.

use super::SequentialSpec;
use serde::{Deserialize, Serialize};

/// A register operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterInput {
    /// Read the value.
    Read,
    /// Set the value.
    Write(i64),
    /// Set the value to `to` if it is `from`.
    Cas {
        /// Expected value.
        from: i64,
        /// New value.
        to: i64,
    },
}

/// A register result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterOutput {
    /// The value read (`None`: never written).
    Read(Option<i64>),
    /// The write happened.
    Written,
    /// Whether the compare-and-set swapped.
    Cas(bool),
}

/// The register spec: never written, it reads `nil`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Register;

/// The register spec starting at a value of its own (Knossos's
/// `cas-register` starts at 0) instead of `nil`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RegisterFrom(pub Option<i64>);

impl SequentialSpec for RegisterFrom {
    const NAME: &'static str = "register";
    type State = Option<i64>;
    type Input = RegisterInput;
    type Output = RegisterOutput;

    fn init(&self) -> Option<i64> {
        self.0
    }

    fn is_read_only(&self, input: &RegisterInput) -> bool {
        Register.is_read_only(input)
    }

    fn step(&self, state: &Option<i64>, input: &RegisterInput) -> (Option<i64>, RegisterOutput) {
        Register.step(state, input)
    }
}

impl SequentialSpec for Register {
    const NAME: &'static str = "register";
    type State = Option<i64>;
    type Input = RegisterInput;
    type Output = RegisterOutput;

    fn init(&self) -> Option<i64> {
        None
    }

    fn is_read_only(&self, input: &RegisterInput) -> bool {
        matches!(input, RegisterInput::Read)
    }

    fn step(&self, state: &Option<i64>, input: &RegisterInput) -> (Option<i64>, RegisterOutput) {
        match *input {
            RegisterInput::Read => (*state, RegisterOutput::Read(*state)),
            RegisterInput::Write(v) => (Some(v), RegisterOutput::Written),
            RegisterInput::Cas { from, to } if *state == Some(from) => {
                (Some(to), RegisterOutput::Cas(true))
            }
            RegisterInput::Cas { .. } => (*state, RegisterOutput::Cas(false)),
        }
    }
}
