//! A broken invariant, as a madsim run's observers report it.

/// A broken invariant found while the run went on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Violation {
    /// Virtual time since the run began.
    pub at: sim::SimTime,
    /// What broke.
    pub message: String,
}
