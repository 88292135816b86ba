//! Search beyond random seeds: mutations of fault plans for the
//! coverage-guided search, and proptest strategies for seeds and fault
//! plans.

pub mod mutate;
pub mod strategy;
