//! Whether a sweep's settings fit its model: a fault mix it takes, and a
//! liveness mode it can run. A setting that cannot fit is refused before
//! the sweep starts, as bad input.

use sim::core::Liveness;
use sim::model::Description;

/// Refuses a mix the model takes none of, and warns of the kinds a mix has
/// that the model skips (not for `all`: every kind a model takes).
pub(crate) fn takes_the_mix(description: &Description, mix: sim::Mix) -> Result<(), String> {
    let skipped = description.skipped_of(mix)?;
    if !skipped.is_empty() && mix != sim::Mix::All {
        eprintln!(
            "{me} explore: warning: {} takes no {} faults; `{mix}` runs without them",
            description.name,
            skipped.join(" or "),
            me = crate::arg::program()
        );
    }
    Ok(())
}

/// Refuses the core liveness mode for a model that defines no core.
pub(crate) fn has_a_core(description: &Description, liveness: Liveness) -> Result<(), String> {
    match (liveness, &description.checks.core) {
        (Liveness::Core, None) => Err(format!(
            "--liveness core: model `{}` defines no core (a quorum that can make progress \
             alone), so only heal-all applies to it",
            description.name
        )),
        _ => Ok(()),
    }
}
