//! Transactional histories and their checker: serializability and the Adya
//! anomalies over list-append and read-write-register histories, as Jepsen's
//! Elle checks them.
//!
//! A history is a list of transactions, each a list of micro-operations
//! ([`Mop`]): `[:append k v]` and `[:r k [v1 v2 …]]` (list-append), or
//! `[:w k v]` and `[:r k v]` (rw-register), with Jepsen's completions: ok
//! (committed), fail (certainly not) and info (unknown).
//!
//! The check infers dependencies between transactions from the values they
//! read and wrote (every append or write of a key must write a value of its
//! own): *ww* (one version follows another), *wr* (a read saw a write) and
//! *rw* (a read missed the write that came next); adds *process-order* and
//! *real-time* edges; finds the strongly connected components; and names
//! each cycle by its edges (Adya's G0, G1c, G-single, G-nonadjacent,
//! G2-item, and their process and real-time forms). Anomalies visible without a cycle are found on
//! the way: aborted reads (G1a), intermediate reads (G1b), reads that
//! contradict the transaction's own writes (internal), reads of values
//! never written (garbage), duplicated elements, reads that are not
//! prefixes of one order (incompatible order), and lost updates.
//!
//! Files: [`atoms`] (keys and values, interned), [`history`] (transactions),
//! [`format`](mod@format) (Jepsen EDN and elle-cli JSON, in and out), [`infer`] (what
//! inference shares), [`internal`] (reads within one transaction),
//! [`key_order`] (promises about each key's version order),
//! [`list_append`] and [`register`] (dependency inference), [`graph`] (the
//! dependency graph, its components and shortest paths), [`cycles`] (cycles,
//! named), [`orders`] (process order and real time), [`anomaly`] (what was
//! found), [`consistency`] (Elle's models and what each proscribes),
//! [`lattice`] (from anomalies to every model's answer), [`verdict`] (the answer), [`report`] (text and JSON) and [`generate`]
//! (random histories).

pub mod anomaly;
pub mod atoms;
pub mod consistency;
pub mod cycles;
pub mod format;
pub mod generate;
pub mod graph;
pub mod history;
pub mod infer;
pub mod internal;
pub mod key_order;
pub mod lattice;
pub mod list_append;
pub mod orders;
pub mod register;
pub mod report;
pub mod verdict;
mod witness;

pub use anomaly::{Anomaly, AnomalyKind};
pub use atoms::{Atom, Atoms};
pub use consistency::ConsistencyModel;
pub use history::{Mop, Status, Txn, TxnHistory};
pub use verdict::{check, CheckOptions, TxnVerdict};
