//! [`SimWatch`]: openraft's watch channel, waking its receivers in the
//! order they began to wait.
//!
//! tokio's watch channel spreads its waiters over eight queues, picking
//! one with tokio's thread-local random stream, which tokio seeds from a
//! process-wide counter. Under madsim that is the one draw madsim does not
//! own: the second run of a seed in a process woke openraft's tasks in
//! another order than the first, and the history differed. This channel
//! keeps one queue, so a seed replays in any process and after any run.

use super::rt::watch::{RecvError, SendError, Watch, WatchReceiver, WatchSender};
use super::rt::{OptionalSend, OptionalSync};
use std::future::poll_fn;
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};
use std::task::{Poll, Waker};

/// The watch channel of [`super::runtime::MadsimRt`].
#[derive(Debug)]
pub struct SimWatch;

/// The channel: its value, and who sends, who receives, and who waits.
struct Channel<T> {
    value: RwLock<T>,
    state: Mutex<State>,
}

struct State {
    version: u64,
    senders: usize,
    receivers: usize,
    waiting: Vec<Waker>,
}

impl<T> Channel<T> {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("one thread")
    }

    fn read(&self) -> RwLockReadGuard<'_, T> {
        self.value.read().expect("one thread")
    }

    /// A new value: every waiting receiver wakes, first waiter first.
    fn changed(&self) {
        let waiting = {
            let mut state = self.state();
            state.version += 1;
            std::mem::take(&mut state.waiting)
        };
        waiting.into_iter().for_each(Waker::wake);
    }
}

/// The sending half.
pub struct SimSender<T>(Arc<Channel<T>>);

/// The receiving half, with the version it has seen.
pub struct SimReceiver<T> {
    channel: Arc<Channel<T>>,
    seen: u64,
}

impl<T> Clone for SimSender<T> {
    fn clone(&self) -> Self {
        self.0.state().senders += 1;
        SimSender(self.0.clone())
    }
}

impl<T> Drop for SimSender<T> {
    fn drop(&mut self) {
        let waiting = {
            let mut state = self.0.state();
            state.senders -= 1;
            if state.senders > 0 {
                return;
            }
            std::mem::take(&mut state.waiting)
        };
        // The last sender is gone: waiters learn that the channel closed.
        waiting.into_iter().for_each(Waker::wake);
    }
}

impl<T> Clone for SimReceiver<T> {
    fn clone(&self) -> Self {
        self.channel.state().receivers += 1;
        SimReceiver {
            channel: self.channel.clone(),
            seen: self.seen,
        }
    }
}

impl<T> Drop for SimReceiver<T> {
    fn drop(&mut self) {
        self.channel.state().receivers -= 1;
    }
}

impl Watch for SimWatch {
    type Sender<T: OptionalSend + OptionalSync> = SimSender<T>;
    type Receiver<T: OptionalSend + OptionalSync> = SimReceiver<T>;
    type Ref<'a, T: OptionalSend + 'a> = RwLockReadGuard<'a, T>;

    fn channel<T: OptionalSend + OptionalSync>(init: T) -> (SimSender<T>, SimReceiver<T>) {
        let channel = Arc::new(Channel {
            value: RwLock::new(init),
            state: Mutex::new(State {
                version: 0,
                senders: 1,
                receivers: 1,
                waiting: Vec::new(),
            }),
        });
        let receiver = SimReceiver {
            channel: channel.clone(),
            seen: 0,
        };
        (SimSender(channel), receiver)
    }
}

impl<T: OptionalSend + OptionalSync> WatchSender<SimWatch, T> for SimSender<T> {
    fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.0.state().receivers == 0 {
            return Err(SendError(value));
        }
        *self.0.value.write().expect("one thread") = value;
        self.0.changed();
        Ok(())
    }

    fn send_if_modified<F>(&self, modify: F) -> bool
    where
        F: FnOnce(&mut T) -> bool,
    {
        let modified = modify(&mut self.0.value.write().expect("one thread"));
        if modified {
            self.0.changed();
        }
        modified
    }

    fn borrow_watched(&self) -> RwLockReadGuard<'_, T> {
        self.0.read()
    }

    fn subscribe(&self) -> SimReceiver<T> {
        let mut state = self.0.state();
        state.receivers += 1;
        SimReceiver {
            channel: self.0.clone(),
            seen: state.version,
        }
    }
}

impl<T: OptionalSend + OptionalSync> WatchReceiver<SimWatch, T> for SimReceiver<T> {
    async fn changed(&mut self) -> Result<(), RecvError> {
        poll_fn(|cx| {
            let mut state = self.channel.state();
            if state.version != self.seen {
                self.seen = state.version;
                return Poll::Ready(Ok(()));
            }
            if state.senders == 0 {
                return Poll::Ready(Err(RecvError(())));
            }
            if !state.waiting.iter().any(|w| w.will_wake(cx.waker())) {
                state.waiting.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }

    fn borrow_watched(&self) -> RwLockReadGuard<'_, T> {
        self.channel.read()
    }

    super::borrow_and_update!();
}
