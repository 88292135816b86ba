//! Sequential specifications: what a correct single copy of a service does.
//!
//! A linearizability checker asks whether a concurrent history could have come
//! from some sequential order of its operations run against a spec. Specs here are
//! deterministic: `step` gives the one result a correct object returns.
//!
//! Built-in specs, with the conventions of the common public test histories:
//! - [`register::Register`]: read, write, compare-and-set; never written reads `nil`;
//! - [`kv::Kv`]: get, put, append per key; a never-written key reads `""`;
//!   `append` concatenates strings and `put` replaces the value;
//! - [`counter::Counter`]: add and read;
//! - [`queue::Queue`]: FIFO enqueue and dequeue;
//! - [`set::Set`]: add and read the whole set;
//! - [`mutex::Mutex`]: acquire and release one lock (Knossos's `mutex`).
//!
//! [`one_object::OneObject`] checks any of them without partitions.

pub mod counter;
pub mod kv;
pub mod mutex;
pub mod one_object;
pub mod queue;
pub mod register;
pub mod set;

use std::borrow::Cow;
use std::fmt::Debug;
use std::hash::Hash;

/// A sequential specification.
pub trait SequentialSpec: Sync {
    /// The spec's name, as reports and `faultline list` show it.
    const NAME: &'static str;
    /// The object's state. `Hash + Eq` so the checker can memoize states.
    type State: Clone + Eq + Hash + Debug + Send;
    /// An operation's input.
    type Input: Clone + Debug + Send + Sync;
    /// An operation's result.
    type Output: Clone + Debug + PartialEq + Send + Sync;

    /// The initial state.
    fn init(&self) -> Self::State;

    /// Applies `input` to `state`: the next state and the result a correct object
    /// returns.
    fn step(&self, state: &Self::State, input: &Self::Input) -> (Self::State, Self::Output);

    /// The partition an operation belongs to, for P-compositionality: operations
    /// on different keys are independent, so each key is checked alone. `None`
    /// (the default) puts every operation in one partition.
    fn partition_key<'a>(&self, input: &'a Self::Input) -> Option<Cow<'a, str>> {
        let _ = input;
        None
    }

    /// Whether a read-only `input` returns `output` in `state` (its next
    /// state is `state` itself). The default calls
    /// [`SequentialSpec::step`]; a spec whose states are costly to clone can
    /// answer without building one.
    fn read_returns(
        &self,
        state: &Self::State,
        input: &Self::Input,
        output: &Self::Output,
    ) -> bool {
        self.step(state, input).1 == *output
    }

    /// True when `input` never changes any state (a read). The checker places a
    /// read-only operation as soon as its result matches, and never tries it
    /// later (moving a read earlier cannot break a valid order). Saying `true`
    /// for an operation that can change some state makes the checker wrong; the
    /// default, `false`, is always safe.
    fn is_read_only(&self, input: &Self::Input) -> bool {
        let _ = input;
        false
    }

    /// Whether this spec answers [`SequentialSpec::read_still_possible`]
    /// usefully; the checker skips its look-ahead entirely when not.
    const READ_LOOK_AHEAD: bool = false;

    /// Whether `input` can make a read that is impossible from some state
    /// possible again (for the kv spec, a put can; an append cannot). Only
    /// such operations are offered to [`SequentialSpec::read_still_possible`]
    /// as `remaining`. The default, every operation that is not read-only,
    /// is always safe.
    fn can_restore_reads(&self, input: &Self::Input) -> bool {
        !self.is_read_only(input)
    }

    /// Whether a read-only operation `read`, recorded as returning `output`,
    /// can still return it if it is placed after `state`, when only the
    /// operations of `remaining` may be placed before it: every operation not
    /// yet placed that [`SequentialSpec::can_restore_reads`], in no
    /// particular order (the others cannot undo what makes a read impossible). The checker asks this of
    /// reads ahead in the history after placing a write, and abandons the
    /// write's placement at once when some read has become impossible,
    /// instead of discovering it at that read's return. Answering `false`
    /// wrongly makes the checker wrong; the default, `true`, is always safe.
    fn read_still_possible(
        &self,
        state: &Self::State,
        read: &Self::Input,
        output: &Self::Output,
        remaining: &mut dyn Iterator<Item = &Self::Input>,
    ) -> bool {
        let _ = (state, read, output, remaining);
        true
    }

    /// Approximate bytes a state occupies, for the checker's memory budget.
    fn state_bytes(&self, state: &Self::State) -> usize {
        let _ = state;
        std::mem::size_of::<Self::State>()
    }
}
