//! Two-phase commit's vocabulary: what clients ask, what the coordinator and
//! the participants say to each other, their timers and their disk blocks.

pub use super::shard::{Part, PartResult, ShardData};
use sim::NodeId;

/// A transaction's id: the client operation that started it (unique per run).
pub type TxnId = u64;

/// One step of a client's transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// Append `value` to the list at `key`.
    Append {
        /// The key.
        key: u32,
        /// The value (unique in the run).
        value: u32,
    },
    /// Read the list at `key`.
    Read {
        /// The key.
        key: u32,
    },
    /// Move `amount` from one account to another.
    Transfer {
        /// The account debited.
        from: u32,
        /// The account credited.
        to: u32,
        /// How much.
        amount: u32,
    },
    /// Read an account's balance.
    Balance {
        /// The account.
        account: u32,
    },
}

/// What a step returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StepResult {
    /// An append or a transfer happened.
    Done,
    /// A list read; `None` when the shard did not answer (only under the
    /// `commit-without-all-votes` bug).
    List(Option<Vec<u32>>),
    /// A balance read.
    Balance(Option<i64>),
}

/// A client's transaction.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TxnRequest {
    /// Its steps, in order.
    pub steps: Vec<Step>,
}

/// The answer to a transaction.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TxnReply {
    /// Committed, with each step's result.
    Committed(Vec<StepResult>),
    /// Aborted: it took no effect.
    Aborted,
}

/// A decision, or an outcome at a participant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decision {
    /// Apply it.
    Commit,
    /// Forget it.
    Abort,
}

/// A message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TpcMsg {
    /// Coordinator to participant: prepare your parts of `txn`.
    Prepare {
        /// The transaction.
        txn: TxnId,
        /// This shard's parts, in order, each with its step's index.
        parts: Vec<(u32, Part)>,
        /// Every participant of the transaction (for cooperative termination).
        participants: Vec<NodeId>,
    },
    /// Participant to coordinator: the vote, with what the parts read.
    Vote {
        /// The transaction.
        txn: TxnId,
        /// Yes (prepared) or no.
        yes: bool,
        /// Each part's result, with its step's index.
        results: Vec<(u32, PartResult)>,
    },
    /// The decision (from the coordinator, or a peer's answer to a query).
    Decide {
        /// The transaction.
        txn: TxnId,
        /// The decision.
        decision: Decision,
    },
    /// Participant to coordinator: the decision was applied.
    Ack {
        /// The transaction.
        txn: TxnId,
    },
    /// An in-doubt participant asks the coordinator, or a peer, for the decision.
    Query {
        /// The transaction.
        txn: TxnId,
    },
}

/// What a participant that voted yes keeps (durably, before it votes).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PrepareRecord {
    /// This shard's parts, each with its step's index.
    pub parts: Vec<(u32, Part)>,
    /// Every participant of the transaction.
    pub participants: Vec<NodeId>,
    /// What the parts read (sent again if the vote is asked again).
    pub results: Vec<(u32, PartResult)>,
}

/// A timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TpcTimer {
    /// Coordinator: the votes of `txn` are late.
    VoteTimeout {
        /// The transaction.
        txn: TxnId,
    },
    /// Coordinator: the decision's write reached the disk (the
    /// `decide-before-log` bug's slow log).
    Logged {
        /// The transaction.
        txn: TxnId,
    },
    /// Coordinator: re-send unacknowledged decisions; participant: ask
    /// about in-doubt transactions.
    Tick,
}

/// A disk block.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TpcBlock {
    /// Coordinator: a logged decision.
    Decision {
        /// The decision.
        decision: Decision,
        /// Its participants.
        participants: Vec<NodeId>,
    },
    /// Participant: a prepare record.
    Prepared(PrepareRecord),
    /// Participant: a transaction's outcome here.
    Outcome(Decision),
    /// Participant: its data (lists and balances).
    Data(ShardData),
}
