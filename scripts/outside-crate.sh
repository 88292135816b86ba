#!/usr/bin/env bash
# A user's crate outside this workspace, end to end: copies examples/chain to
# a temporary directory as a crate of its own, with one dependency line
# (`faultline = { path = ... }`) and a lock file of its own, then runs its
# command line (`list`) and its tests, which run `explore`, `shrink` and
# `replay` as processes, hold its bug switch to its budget
# (`faultline::testing`), and render its report in a browser.
#
# Usage: scripts/outside-crate.sh   (CI runs it; CARGO_TARGET_DIR may point at
# a target directory to reuse, as .ci/run points it at targets/target)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$(mktemp -d "${TMPDIR:-/tmp}/faultline-outside-XXXXXX")"
trap 'rm -rf "$dir"' EXIT

cp -r "$root/examples/chain/src" "$root/examples/chain/tests" "$dir/"
# The report test borrows the browser helpers of faultline's own tests.
sed -i "s|\"\.\./\.\./\.\./tests/cli/common/|\"$root/tests/cli/common/|" "$dir/tests/report.rs"
cat > "$dir/Cargo.toml" <<TOML
[package]
name = "chain"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
faultline = { path = "$root" }

[dev-dependencies]
proptest = "1"
serde_json = "1"
TOML

cd "$dir"
cargo generate-lockfile --quiet
echo "== outside crate: cargo run -- list"
cargo run --quiet -- list | tee "$dir/list.txt"
grep -q "skip-sync" "$dir/list.txt"
echo "== outside crate: cargo test"
cargo test --quiet
