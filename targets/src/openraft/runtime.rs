//! [`MadsimRt`]: openraft's runtime trait on madsim.
//!
//! - Tasks, sleeps and timeouts are madsim's, on virtual time.
//! - The instant is madsim's clock, which its simulation mode makes virtual.
//! - The random source ([`SimRng`]) draws from the runtime's seeded stream,
//!   so election timeouts replay from the seed.
//! - Channels and the mutex are openraft's tokio wrappers: tokio's
//!   synchronisation primitives wake through the task's waker and need no
//!   tokio runtime, so under madsim's executor they are as deterministic
//!   as it is. The watch channel is the exception (it draws from tokio's
//!   own random stream): [`super::watch::SimWatch`] replaces it.

use std::convert::Infallible;
use std::future::Future;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::rt::{AsyncRuntime, OptionalSend};

/// madsim's clock: virtual under `--cfg madsim`, where madsim intercepts
/// the process clock (this module is built only then).
#[allow(clippy::disallowed_types)]
type Clock = madsim::time::Instant;

/// The runtime: one madsim runtime, seeded.
pub struct MadsimRt {
    runtime: madsim::runtime::Runtime,
}

impl MadsimRt {
    /// A runtime whose every random draw and schedule follows `seed`.
    pub fn with_seed(seed: u64) -> MadsimRt {
        let runtime =
            madsim::runtime::Runtime::with_seed_and_config(seed, madsim::Config::default());
        MadsimRt { runtime }
    }
}

impl std::fmt::Debug for MadsimRt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MadsimRt")
    }
}

/// A moment of madsim's virtual time.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Ord, PartialOrd)]
pub struct SimInstant(Clock);

impl Add<Duration> for SimInstant {
    type Output = Self;
    fn add(self, d: Duration) -> Self {
        SimInstant(self.0 + d)
    }
}

impl AddAssign<Duration> for SimInstant {
    fn add_assign(&mut self, d: Duration) {
        self.0 += d
    }
}

impl Sub<Duration> for SimInstant {
    type Output = Self;
    fn sub(self, d: Duration) -> Self {
        SimInstant(self.0 - d)
    }
}

impl Sub<Self> for SimInstant {
    type Output = Duration;
    fn sub(self, earlier: Self) -> Duration {
        self.0 - earlier.0
    }
}

impl SubAssign<Duration> for SimInstant {
    fn sub_assign(&mut self, d: Duration) {
        self.0 -= d
    }
}

impl super::rt::Instant for SimInstant {
    #[allow(clippy::disallowed_methods)] // virtual: see `Clock`
    fn now() -> Self {
        SimInstant(Clock::now())
    }
}

/// The runtime's seeded stream, in the form rand 0.10 (openraft's) takes.
#[derive(Debug, Default)]
pub struct SimRng;

impl super::rand_core::TryRng for SimRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(madsim::rand::random::<u32>())
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(madsim::rand::random::<u64>())
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        dst.iter_mut()
            .for_each(|b| *b = madsim::rand::random::<u8>());
        Ok(())
    }
}

/// A future raced against a madsim sleep; the future is polled first.
/// (madsim's own `timeout` returns an unnameable future, and openraft needs
/// a type.)
pub struct SimTimeout<F> {
    future: Pin<Box<F>>,
    sleep: Pin<Box<madsim::time::Sleep>>,
}

impl<F> SimTimeout<F> {
    fn new(future: F, sleep: madsim::time::Sleep) -> Self {
        SimTimeout {
            future: Box::pin(future),
            sleep: Box::pin(sleep),
        }
    }
}

impl<R, F: Future<Output = R>> Future for SimTimeout<F> {
    type Output = Result<R, madsim::time::error::Elapsed>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(v) = self.future.as_mut().poll(cx) {
            return Poll::Ready(Ok(v));
        }
        self.sleep
            .as_mut()
            .poll(cx)
            .map(|()| Err(madsim::time::error::Elapsed))
    }
}

impl AsyncRuntime for MadsimRt {
    type JoinError = madsim::task::JoinError;
    type JoinHandle<T: OptionalSend + 'static> = madsim::task::JoinHandle<T>;
    type Sleep = madsim::time::Sleep;
    type Instant = SimInstant;
    type TimeoutError = madsim::time::error::Elapsed;
    type Timeout<R, T: Future<Output = R> + OptionalSend> = SimTimeout<T>;
    type ThreadLocalRng = SimRng;
    type Mpsc = super::rt_tokio::TokioMpsc;
    type Watch = super::watch::SimWatch;
    type Oneshot = super::rt_tokio::TokioOneshot;
    type Mutex<T: OptionalSend + 'static> = super::rt_tokio::TokioMutex<T>;

    fn spawn<T>(future: T) -> Self::JoinHandle<T::Output>
    where
        T: Future + OptionalSend + 'static,
        T::Output: OptionalSend + 'static,
    {
        madsim::task::spawn(future)
    }

    fn sleep(duration: Duration) -> Self::Sleep {
        madsim::time::sleep(duration)
    }

    fn sleep_until(deadline: SimInstant) -> Self::Sleep {
        madsim::time::sleep_until(deadline.0)
    }

    fn timeout<R, F: Future<Output = R> + OptionalSend>(d: Duration, future: F) -> SimTimeout<F> {
        SimTimeout::new(future, madsim::time::sleep(d))
    }

    fn timeout_at<R, F: Future<Output = R> + OptionalSend>(
        deadline: SimInstant,
        future: F,
    ) -> SimTimeout<F> {
        SimTimeout::new(future, madsim::time::sleep_until(deadline.0))
    }

    fn is_panic(error: &Self::JoinError) -> bool {
        error.is_panic()
    }

    fn thread_rng() -> SimRng {
        SimRng
    }

    /// A runtime of seed 0 (the trait gives no seed; [`MadsimRt::with_seed`]
    /// takes one). madsim runs every task on one simulated thread.
    fn new(_threads: usize) -> Self {
        MadsimRt::with_seed(0)
    }

    fn block_on<F, T>(&mut self, future: F) -> T
    where
        F: Future<Output = T>,
    {
        self.runtime.block_on(future)
    }
}
