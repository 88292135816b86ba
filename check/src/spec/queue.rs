//! A FIFO queue of integers. Dequeuing an empty queue returns `nil`.

use super::SequentialSpec;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// A queue operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueInput {
    /// Add to the tail.
    Enqueue(i64),
    /// Take from the head.
    Dequeue,
}

/// A queue result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueOutput {
    /// The enqueue happened.
    Done,
    /// The head, or `None` when empty.
    Value(Option<i64>),
}

/// The queue spec.
#[derive(Clone, Copy, Debug, Default)]
pub struct Queue;

impl SequentialSpec for Queue {
    const NAME: &'static str = "queue";
    type State = VecDeque<i64>;
    type Input = QueueInput;
    type Output = QueueOutput;

    fn init(&self) -> VecDeque<i64> {
        VecDeque::new()
    }

    fn step(&self, state: &VecDeque<i64>, input: &QueueInput) -> (VecDeque<i64>, QueueOutput) {
        let mut next = state.clone();
        match *input {
            QueueInput::Enqueue(v) => {
                next.push_back(v);
                (next, QueueOutput::Done)
            }
            QueueInput::Dequeue => {
                let head = next.pop_front();
                (next, QueueOutput::Value(head))
            }
        }
    }

    fn state_bytes(&self, state: &VecDeque<i64>) -> usize {
        32 + 8 * state.len()
    }
}
