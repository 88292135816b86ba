//! The event queue: a min-heap on (virtual time, sequence number).
//!
//! The sequence number is assigned at push time and strictly increases, so events
//! due at the same instant run in the order they were scheduled. That makes the
//! order total and independent of the heap's internal layout.

use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Clone)]
struct Entry<E> {
    at: SimTime,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at && self.seq == other.seq
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed, so the std max-heap pops the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// Pending events in deterministic order.
#[derive(Clone)]
pub(crate) struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

impl<E> EventQueue<E> {
    pub(crate) fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(1024),
            next_seq: 0,
        }
    }

    /// Schedules `event` at `at`.
    #[inline]
    pub(crate) fn push(&mut self, at: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry { at, seq, event });
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap.pop().map(|e| (e.at, e.event))
    }

    /// The time of the earliest event.
    #[inline]
    pub(crate) fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.at)
    }

    /// Every pending event, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &E> {
        self.heap.iter().map(|e| &e.event)
    }

    /// Every pending event with its time and sequence number, in no
    /// particular order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (SimTime, u64, &E)> {
        self.heap.iter().map(|e| (e.at, e.seq, &e.event))
    }

    /// Removes and returns the event with sequence number `seq`, whatever
    /// its time (an explorer choosing which event runs next). Linear in
    /// the queue's length.
    pub(crate) fn remove(&mut self, seq: u64) -> Option<(SimTime, E)> {
        let mut entries = std::mem::take(&mut self.heap).into_vec();
        let taken = entries
            .iter()
            .position(|e| e.seq == seq)
            .map(|i| entries.swap_remove(i));
        self.heap = BinaryHeap::from(entries);
        taken.map(|e| (e.at, e.event))
    }

    /// How many events are pending.
    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_break_by_insertion_order() {
        let mut q = EventQueue::new();
        q.push(SimTime(5), "b");
        q.push(SimTime(1), "a");
        q.push(SimTime(5), "c");
        q.push(SimTime(5), "d");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["a", "b", "c", "d"]);
    }

    #[test]
    fn an_event_is_removed_by_its_sequence_number_whatever_its_time() {
        let mut q = EventQueue::new();
        q.push(SimTime(1), "a");
        q.push(SimTime(9), "b");
        q.push(SimTime(5), "c");
        assert_eq!(q.remove(1), Some((SimTime(9), "b")));
        assert_eq!(q.remove(1), None);
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["a", "c"]);
    }
}
