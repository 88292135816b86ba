//! Read guarantees of a replicated store whose replicas are *meant* to lag:
//! bounded staleness, the four session guarantees of Terry et al. (1994),
//! and prefix consistency. Linearizability is the wrong yardstick for such
//! a service; these are the promises it actually makes.
//!
//! The history is a [`ReadHistory`]: writes, each with the version (log
//! index) the service gave it when it acknowledged it, and reads, each with
//! the version of the state it was served at (`at`: the replica had applied
//! the log up to there) and the value it returned. Write values are unique
//! per key, so a read's value names the write it saw.
//!
//! What each guarantee means here:
//! - **prefix consistency**: a read at version `a` returns the value of its
//!   key in the log's prefix `1..=a`: the last write to the key at or below
//!   `a` (the initial value, `None`, if there is none);
//! - **read-your-writes**: a read that promised it ([`Promise::Session`]),
//!   after one of its session's acknowledged writes, is at that write's
//!   version or later;
//! - **monotonic reads**: a read that promised it ([`Promise::Session`] or
//!   [`Promise::Monotonic`]), after another of its session's reads, is at
//!   that read's version or later;
//! - **monotonic writes**: a write after another of its session's
//!   acknowledged writes gets a later version;
//! - **writes-follow-reads**: a write after one of its session's reads gets
//!   a version after the state that read saw;
//! - **bounded staleness** (bound `b`): every version commits at an instant
//!   inside its write's `[invoke, return]`, in version order, and every read
//!   at version `a` saw the committed state at some instant in
//!   `[invoke − b, return]`: after version `a` committed and before `a + 1`
//!   did. A read that promised no bound ([`Promise::Monotonic`]) is held to
//!   an infinite one: `[−∞, return]`. [`check`] decides whether *some* choice of commit instants
//!   satisfies every read: the least instants that meet every lower bound
//!   (they only grow along the log) are computed in one pass and held
//!   against the upper bounds. Times are whole nanoseconds, and many
//!   events share one (a simulator's instant holds a sequence of events),
//!   so versions may commit in the same nanosecond as each other and as a
//!   read between them: a read of version `a` fits at a nanosecond `t` when
//!   `a` committed at or before `t` and `a + 1` at or after it.
//!
//! "After" in a session means the earlier operation *returned* before the
//! later one was invoked. Operations that returned no answer (`ret` of
//! `None`) promise nothing: their effect is unknown.
//!
//! [`check`] answers unknown rather than guess when two writes to one key
//! wrote the same value (a read's value would not name its write).
//! [`reference`] is the brute-force definition the tests hold it against.

mod bound;
mod describe;
mod prefix;
pub mod reference;
mod session;

use crate::time::SimDuration;
use std::collections::BTreeMap;
use std::fmt;

/// A write, as the client saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    /// The client session (its token's owner).
    pub session: u64,
    /// When it was invoked (virtual nanoseconds).
    pub call: u64,
    /// When it was acknowledged; `None` when the client never learned.
    pub ret: Option<u64>,
    /// The key.
    pub key: u64,
    /// The value: unique among the key's writes.
    pub value: u64,
    /// The version the acknowledgement gave it.
    pub version: Option<u64>,
}

/// A read that returned a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    /// The client session.
    pub session: u64,
    /// When it was invoked.
    pub call: u64,
    /// When it returned.
    pub ret: u64,
    /// The key.
    pub key: u64,
    /// The value, or `None` for the initial (never written) value.
    pub value: Option<u64>,
    /// The version of the state it was served at.
    pub at: u64,
    /// What it promised beyond prefix consistency.
    pub promise: Promise,
}

/// What a read promises beyond prefix consistency (every read promises
/// that). Whatever it promised, a read counts as one its session saw, for
/// the session's reads and writes after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Promise {
    /// It carried the session token: read-your-writes, monotonic reads, and
    /// the staleness bound.
    Session,
    /// The staleness bound only.
    Bounded,
    /// No bound and no token, but never back in time for its session:
    /// monotonic reads only. It may be arbitrarily stale, though not see a
    /// version committed after it returned.
    Monotonic,
}

impl Promise {
    /// Whether it promised read-your-writes.
    pub fn reads_own_writes(self) -> bool {
        self == Promise::Session
    }

    /// Whether it promised monotonic reads.
    pub fn monotonic(self) -> bool {
        self != Promise::Bounded
    }

    /// Whether it promised the staleness bound.
    pub fn bounded(self) -> bool {
        self != Promise::Monotonic
    }
}

/// A history of writes and reads. Failed reads and reads with no answer
/// say nothing and are left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadHistory {
    /// The writes.
    pub writes: Vec<Write>,
    /// The reads that returned.
    pub reads: Vec<Read>,
}

/// A guarantee a read or write can break, in the order [`check`] reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Guarantee {
    /// A read sees a prefix of the write order.
    PrefixConsistency,
    /// A session reads its own acknowledged writes.
    ReadYourWrites,
    /// A session's reads never go back in the write order.
    MonotonicReads,
    /// A session's writes are ordered as it made them.
    MonotonicWrites,
    /// A session's write is ordered after what it read.
    WritesFollowReads,
    /// A read saw a state committed within the bound.
    BoundedStaleness,
}

impl Guarantee {
    /// Every guarantee, in report order.
    pub const ALL: [Guarantee; 6] = [
        Guarantee::PrefixConsistency,
        Guarantee::ReadYourWrites,
        Guarantee::MonotonicReads,
        Guarantee::MonotonicWrites,
        Guarantee::WritesFollowReads,
        Guarantee::BoundedStaleness,
    ];

    /// Its name, as failures show it.
    pub fn name(self) -> &'static str {
        match self {
            Guarantee::PrefixConsistency => "prefix consistency",
            Guarantee::ReadYourWrites => "read-your-writes",
            Guarantee::MonotonicReads => "monotonic reads",
            Guarantee::MonotonicWrites => "monotonic writes",
            Guarantee::WritesFollowReads => "writes-follow-reads",
            Guarantee::BoundedStaleness => "bounded staleness",
        }
    }
}

/// A broken guarantee, with the operations involved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which guarantee.
    pub guarantee: Guarantee,
    /// The session, the reads and the writes involved, and why.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.guarantee.name(), self.message)
    }
}

/// The checker's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every guarantee holds.
    Valid,
    /// These guarantees broke, one violation each, in [`Guarantee::ALL`]'s order.
    Invalid(Vec<Violation>),
    /// Cannot tell, and why.
    Unknown(String),
}

impl Verdict {
    /// `Ok` unless a guarantee broke; the first violation otherwise.
    pub fn into_result(self) -> Result<(), String> {
        match self {
            Verdict::Invalid(v) => Err(v[0].to_string()),
            _ => Ok(()),
        }
    }
}

/// Checks every guarantee, with staleness bound `bound`.
pub fn check(history: &ReadHistory, bound: SimDuration) -> Verdict {
    let index = match WriteIndex::new(history) {
        Ok(index) => index,
        Err(why) => return Verdict::Unknown(why),
    };
    let mut violations: Vec<Violation> = session::check(history);
    violations.extend(prefix::check(history, &index));
    violations.extend(bound::check(history, &index, bound.as_nanos()));
    if violations.is_empty() {
        return Verdict::Valid;
    }
    violations.sort_by_key(|v| v.guarantee);
    violations.dedup_by_key(|v| v.guarantee);
    Verdict::Invalid(violations)
}

/// The writes by (key, value) and by version.
pub(crate) struct WriteIndex {
    /// Write by key and value.
    pub by_value: BTreeMap<(u64, u64), usize>,
    /// Acknowledged versions per key, ascending, with the write.
    pub versions_of_key: BTreeMap<u64, Vec<(u64, usize)>>,
}

impl WriteIndex {
    fn new(history: &ReadHistory) -> Result<WriteIndex, String> {
        let mut by_value = BTreeMap::new();
        let mut versions_of_key: BTreeMap<u64, Vec<(u64, usize)>> = BTreeMap::new();
        for (i, w) in history.writes.iter().enumerate() {
            if let Some(j) = by_value.insert((w.key, w.value), i) {
                return Err(format!(
                    "writes {j} and {i} both wrote {} to key {}: a read of it would not say which it saw",
                    w.value, w.key
                ));
            }
            if let Some(v) = w.version {
                versions_of_key.entry(w.key).or_default().push((v, i));
            }
        }
        for list in versions_of_key.values_mut() {
            list.sort_unstable();
        }
        Ok(WriteIndex {
            by_value,
            versions_of_key,
        })
    }
}
