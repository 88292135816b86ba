//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub(crate) mod browser;
pub(crate) mod cli;
pub(crate) mod tools;
