//! What several commands share about their arguments: value parsers, and
//! the name the program was run as.

use sim::mix::{Mix, MIXES};

/// A seed written in decimal or `0x` hex.
pub(crate) fn parse_seed(s: &str) -> Result<u64, String> {
    sim::seed::parse_seed(s).ok_or_else(|| {
        format!("`{s}` is not a seed: expected a non-negative integer (decimal, or hex with 0x)")
    })
}

/// A fault mix, by one of the names in the one table of mixes (each with
/// its line of help).
pub(crate) fn mix() -> impl clap::builder::TypedValueParser<Value = Mix> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let values = MIXES
        .iter()
        .map(|m| PossibleValue::new(m.name).help(m.about));
    PossibleValuesParser::new(values).map(|name| name.parse::<Mix>().expect("a listed mix"))
}

/// A liveness mode, by one of its names (each with its line of help).
pub(crate) fn liveness() -> impl clap::builder::TypedValueParser<Value = sim::core::Liveness> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let values = sim::core::Liveness::ALL
        .iter()
        .map(|(_, name, about)| PossibleValue::new(*name).help(*about));
    PossibleValuesParser::new(values).map(|name| name.parse().expect("a listed mode"))
}

/// The name this program was run as (`faultline`, or a user's own binary
/// built on [`crate::cli::main`]), for the commands it prints.
pub(crate) fn program() -> String {
    let argv0 = std::env::args_os().next();
    let name = argv0
        .as_deref()
        .map(std::path::Path::new)
        .and_then(|p| p.file_stem())
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty());
    name.unwrap_or("faultline").to_string()
}
