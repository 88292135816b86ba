//! [`OneObject`]: any spec checked as one object, without partitions.
//!
//! P-compositionality lets the checker split a keyed spec by key, which is
//! far faster; checking as one object is for comparisons (Porcupine's
//! `KvNoPartition` benchmarks) and for specs whose keys are not independent.

use super::SequentialSpec;
use std::borrow::Cow;

/// `S`, with every operation in one partition.
#[derive(Clone, Copy, Debug, Default)]
pub struct OneObject<S>(pub S);

impl<S: SequentialSpec> SequentialSpec for OneObject<S> {
    const NAME: &'static str = S::NAME;
    type State = S::State;
    type Input = S::Input;
    type Output = S::Output;

    fn init(&self) -> S::State {
        self.0.init()
    }

    fn step(&self, state: &S::State, input: &S::Input) -> (S::State, S::Output) {
        self.0.step(state, input)
    }

    fn partition_key<'a>(&self, _input: &'a S::Input) -> Option<Cow<'a, str>> {
        None
    }

    fn read_returns(&self, state: &S::State, input: &S::Input, output: &S::Output) -> bool {
        self.0.read_returns(state, input, output)
    }

    fn is_read_only(&self, input: &S::Input) -> bool {
        self.0.is_read_only(input)
    }

    const READ_LOOK_AHEAD: bool = S::READ_LOOK_AHEAD;

    fn can_restore_reads(&self, input: &S::Input) -> bool {
        self.0.can_restore_reads(input)
    }

    fn read_still_possible(
        &self,
        state: &S::State,
        read: &S::Input,
        output: &S::Output,
        remaining: &mut dyn Iterator<Item = &S::Input>,
    ) -> bool {
        self.0.read_still_possible(state, read, output, remaining)
    }

    fn state_bytes(&self, state: &S::State) -> usize {
        self.0.state_bytes(state)
    }
}
