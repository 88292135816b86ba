//! `Scenario::run_seeds` and the regression file (see
//! [`crate::regression`]): a test's kept failures are re-run before its
//! sweep, and a new failure is kept.

use super::report::{Failure, RunReport};
use super::Scenario;
use crate::node::Node;
use crate::regression::{self, Regression};
use crate::smallest::Smallest;
use crate::trace::hash_hex;

impl<N: Node + 'static> Scenario<N>
where
    N::Op: Clone,
    N::Reply: Clone,
{
    /// Re-runs the regression file's entries for `test`: one that fails
    /// again fails the test, one that passes is reported as fixed.
    /// Skipped when `FAULTLINE_SEED` asks for one seed.
    pub(super) fn rerun_regressions(&self, test: &str) {
        let one_seed = std::env::var_os(crate::seed::SEED_VAR).is_some_and(|v| !v.is_empty());
        let Some(path) = regression::path().filter(|_| !one_seed) else {
            return;
        };
        let file = regression::load(&path).unwrap_or_else(|e| panic!("{}: {e}", regression::VAR));
        for entry in file
            .entries
            .iter()
            .filter(|e| e.test.as_deref() == Some(test))
        {
            if entry.exhaustive.is_some() {
                panic!(
                    "{}: seed {}: an exhaustive search's behaviour is kept for `faultline \
                     explore`, not for a test: remove it or its `test`",
                    path.display(),
                    entry.seed
                );
            }
            let plan = entry.rerun_plan().clone();
            if let Err(e) = plan.validate_for(
                self.describe().nodes,
                self.newest_version(),
                Some(self.describe().run_end()),
            ) {
                panic!(
                    "{}: seed {}: the plan does not fit this scenario: {e}",
                    path.display(),
                    entry.seed
                );
            }
            if let Err(e) = entry.trim.validate(self.clients, self.safety_for) {
                panic!("{}: seed {}: {e}", path.display(), entry.seed);
            }
            if let Err(e) = self.checks().check_sites(test, &entry.buggify_sites()) {
                panic!("{}: seed {}: {e}", path.display(), entry.seed);
            }
            let report = self.run_with(entry.seed, plan, &entry.buggify_sites(), entry.trim);
            match &report.failure {
                Some(failure) => panic!(
                    "a kept failure fails again ({}, seed {}, {} faults):\n{failure}",
                    path.display(),
                    entry.seed,
                    entry.rerun_plan().len()
                ),
                None => eprintln!(
                    "faultline: {test}: the kept failure of seed {} is fixed: it no longer fails \
                     ({} keeps it until you remove it)",
                    entry.seed,
                    path.display()
                ),
            }
        }
    }

    /// Keeps a new failure in the regression file; a line for the panic text.
    pub(super) fn record_regression(
        &self,
        test: &str,
        report: &RunReport<N::Op, N::Reply>,
        failure: &Failure,
        shrunk: &Smallest<RunReport<N::Op, N::Reply>>,
    ) -> String {
        let Some(path) = regression::path() else {
            return String::new();
        };
        let entry = Regression {
            model: self.label.model.clone(),
            test: Some(test.to_string()),
            bug: self.label.bug.clone(),
            faults: self
                .label
                .faults
                .clone()
                .unwrap_or_else(|| crate::artifact::CUSTOM_FAULTS.into()),
            seed: report.seed,
            plan: report.plan.clone(),
            trace_hash: hash_hex(report.trace_hash),
            shrunk_plan: (shrunk.plan != report.plan).then(|| shrunk.plan.clone()),
            failure: failure
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
            buggify: shrunk.sites.clone(),
            trim: shrunk.trim,
            exhaustive: None,
        };
        match regression::record(&path, entry) {
            Ok(true) => format!("\nkept in {} (re-run first from now on)", path.display()),
            Ok(false) => String::new(),
            Err(e) => format!("\n(not kept in the regression file: {e})"),
        }
    }
}
