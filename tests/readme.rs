//! The README's tables are made from the descriptions, and this test keeps
//! them so: every fault mix's row (name and line) is the table's, and every
//! bug switch of every built-in model has a row in the bug table with its
//! mix and seed budget as its description states.

use sim::mix::MIXES;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn the_fault_mix_table_is_the_mixes_table() {
    let readme = readme();
    for mix in MIXES {
        let row = format!("| `{}` | {} |", mix.name, mix.about);
        assert!(readme.contains(&row), "the README lacks the row\n{row}");
    }
}

#[test]
fn every_bug_switch_has_its_row_with_its_mix_and_budget() {
    let readme = readme();
    for model in faultline::catalog::built_in() {
        let d = model.describe();
        for bug in &d.bugs {
            let row = format!(
                "| {} | `{}` | `{}` | {} |",
                d.name, bug.name, bug.mix, bug.within_seeds
            );
            assert!(
                readme.contains(&row),
                "the README lacks a row starting\n{row}"
            );
        }
        let listed = format!("| `{}` |", d.name);
        assert!(
            readme.contains(&listed),
            "the models table lacks {}",
            d.name
        );
    }
}
