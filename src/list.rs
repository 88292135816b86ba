//! `faultline list [--json]`: the models of the catalog (name, host,
//! cluster, checks, bug switches and how each is caught) and the fault
//! mixes, all read from their descriptions.

use crate::catalog::Catalog;
use crate::exit;
use serde::Serialize;
use sim::mix::MIXES;
use sim::model::Description;

/// `faultline list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print the same as one JSON object: `{"models": [...], "mixes": [...]}`.
    #[arg(long)]
    pub json: bool,
}

/// A fault mix, as `list --json` shows it.
#[derive(Debug, Serialize)]
struct MixRow {
    name: &'static str,
    about: &'static str,
}

/// What `list --json` prints.
#[derive(Debug, Serialize)]
struct Listing {
    models: Vec<Description>,
    mixes: Vec<MixRow>,
}

impl ListArgs {
    /// Prints the listing.
    pub fn run(self, catalog: &Catalog<'_>) -> i32 {
        let listing = Listing {
            models: catalog.models().map(|m| m.describe()).collect(),
            mixes: MIXES
                .iter()
                .map(|m| MixRow {
                    name: m.name,
                    about: m.about,
                })
                .collect(),
        };
        if self.json {
            println!("{}", serde_json::to_string(&listing).expect("serialises"));
        } else {
            print!("{}", render(&listing));
        }
        exit::OK
    }
}

fn render(listing: &Listing) -> String {
    let mut out = String::new();
    for d in &listing.models {
        render_model(&mut out, d);
    }
    out.push_str("fault mixes (--faults):\n");
    for m in &listing.mixes {
        out.push_str(&format!("  {}: {}\n", m.name, m.about));
    }
    out
}

fn render_model(out: &mut String, d: &Description) {
    let c = &d.config;
    let or_none = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    out.push_str(&format!("{}: {}\n", d.name, d.summary));
    out.push_str(&format!("  host: {}\n", d.host.name()));
    out.push_str(&format!(
        "  nodes: {}, clients: {}, safety {}, liveness {}\n",
        c.nodes,
        c.clients,
        seconds(c.safety_for),
        seconds(c.liveness_for)
    ));
    out.push_str(&format!(
        "  invariants (after every event): {}\n",
        or_none(&d.checks.invariants)
    ));
    out.push_str(&format!("  checks: {}\n", or_none(&d.checks.checks)));
    if let Some(focus) = &d.checks.focus {
        out.push_str(&format!("  focus (what focused faults hit): {focus}\n"));
    }
    if d.checks.versions > 1 {
        let upgrade = sim::Mix::Upgrade.name();
        out.push_str(&format!(
            "  versions: 1 to {} (the `{upgrade}` mix upgrades and rolls back)\n",
            d.checks.versions
        ));
    }
    if let Some(core) = &d.checks.core {
        out.push_str(&format!(
            "  cores (`--liveness core` heals one, keeps a fault on each other node): {core}\n"
        ));
    }
    if d.exhaustive {
        out.push_str("  exhaustive search: yes (`explore --exhaustive`)\n");
    }
    out.push_str(&format!("  bug switches: {}\n", d.bug_names()));
    for b in &d.bugs {
        let verdict = if b.harmless {
            "harmless alone: passes"
        } else {
            "caught"
        };
        out.push_str(&format!(
            "    {}: {} ({verdict} under `{}` within {} seeds)\n",
            b.name,
            b.about,
            b.faults(),
            b.within_seeds
        ));
    }
}

/// A phase's length as people write it: `10 s`, `2.5 s`, `0 s`.
fn seconds(d: sim::SimDuration) -> String {
    let nanos = d.as_nanos();
    if nanos.is_multiple_of(1_000_000_000) {
        format!("{} s", nanos / 1_000_000_000)
    } else {
        format!("{} s", nanos as f64 / 1e9)
    }
}
