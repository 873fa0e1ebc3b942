#!/usr/bin/env bash
# The claim detector's speed: the mean time of detect() per sentence over the corpus and the
# held-out set (about 13,800 sentences a round, three rounds), in a release build. The aim is
# under 1 ms a sentence on one core.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run -q --release --example claims_eval -- --bench
