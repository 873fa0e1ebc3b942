//! Retrains the claim detector's learned model and rewrites its weights file:
//!   cargo run --release --example detector_train
//! Training data: the new corpus's train split (src/claims/detector/corpus/*.tsv) and the old
//! corpus.tsv, as embedded at build time; the test split and holdout.tsv are never read.
//! Deterministic: the same data and settings write the same file.

use vouch::claims::detector::learned::{corpus, train};

fn main() -> anyhow::Result<()> {
    let examples = corpus::training();
    let config = train::Config::default();
    let started = std::time::Instant::now();
    let trained = train::train(&examples, &config);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/claims/detector/learned/weights.tsv"
    );
    std::fs::write(path, train::weights_file(&trained))?;
    println!(
        "trained on {} sentences ({} claims) in {:.1}s: {} of {} features kept; threshold {:.4}; \
         cross-validated recall {:.3} precision {:.3}\nwrote {path}",
        trained.examples,
        trained.claims,
        started.elapsed().as_secs_f64(),
        trained.kept,
        trained.seen,
        trained.threshold,
        trained.cv_recall,
        trained.cv_precision,
    );
    Ok(())
}
