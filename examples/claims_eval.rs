//! Measures the claim detector.
//!
//!   cargo run --release --example claims_eval -- sentences.tsv
//! Your own labelled sentences: `lang<TAB>claim|none<TAB>sentence`, the old corpus's 4-column
//! form with a kind, or the new corpus's 8 columns; `#` lines are comments. Prints precision
//! and recall per language and lists every miss, so a comms team can see where to add claims
//! by hand.
//!
//!   cargo run --release --example claims_eval -- --report
//! The whole picture in one go, the rules alone beside the learned model: cross-validation on
//! the training data (by language, hard/plain, labelled kind, genre), the untouched test split,
//! the old corpus and the holdout, and the mean time of `detect` per sentence in this build.

use std::collections::BTreeMap;
use std::time::Instant;

use vouch::claims::detector::learned::{corpus, train};
use vouch::claims::detector::{detect, detect_rules, Language};

#[derive(Default)]
struct Score {
    tp: u32,
    fp: u32,
    fn_: u32,
    n: u32,
}

impl Score {
    fn add(&mut self, expected: bool, found: bool) {
        self.n += 1;
        match (expected, found) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }
    fn precision(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fp).max(1))
    }
    fn recall(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1))
    }
}

fn main() -> anyhow::Result<()> {
    let arg = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: claims_eval <file.tsv> | --report"))?;
    if arg == "--report" {
        report();
        return Ok(());
    }
    let text = std::fs::read_to_string(&arg)?;
    let examples = corpus::parse(&text).map_err(|e| anyhow::anyhow!(e))?;
    let mut scores: BTreeMap<&str, Score> = BTreeMap::new();
    for e in &examples {
        let lang = e.language.code();
        let found = !detect(&e.sentence, e.language).is_empty();
        scores.entry(lang).or_default().add(e.claim, found);
        match (e.claim, found) {
            (false, true) => println!("false alarm [{lang}]: {}", e.sentence),
            (true, false) => println!("missed      [{lang}]: {}", e.sentence),
            _ => {}
        }
    }
    for (lang, s) in &scores {
        println!(
            "{lang}: precision {:.2} recall {:.2} (n={})",
            s.precision(),
            s.recall(),
            s.n
        );
    }
    Ok(())
}

/// One labelled sentence with both verdicts.
struct Judged<'a> {
    example: &'a corpus::Example,
    rules: bool,
    learned: bool,
}

/// Rows of `(group, rules, learned)` scores, printed as an aligned table.
fn table(title: &str, rows: &[(String, Vec<&Judged>)], recall_only: bool) {
    println!("\n{title}");
    println!(
        "  {:<24} {:>9} {:>9}   {:>9} {:>9}   {:>5}",
        "", "rules P", "rules R", "model P", "model R", "n"
    );
    for (group, judged) in rows {
        let (mut rules, mut learned) = (Score::default(), Score::default());
        for j in judged {
            rules.add(j.example.claim, j.rules);
            learned.add(j.example.claim, j.learned);
        }
        let p = |s: &Score| {
            if recall_only {
                "-".to_string()
            } else {
                format!("{:.3}", s.precision())
            }
        };
        println!(
            "  {:<24} {:>9} {:>9.3}   {:>9} {:>9.3}   {:>5}",
            group,
            p(&rules),
            rules.recall(),
            p(&learned),
            learned.recall(),
            learned.n
        );
    }
}

fn lang_rows<'a>(judged: &'a [Judged<'a>], with_hard: bool) -> Vec<(String, Vec<&'a Judged<'a>>)> {
    let mut rows: Vec<(String, Vec<&Judged>)> = vec![("all".to_string(), judged.iter().collect())];
    for language in [Language::En, Language::Fr] {
        let of = |hard: Option<bool>| -> Vec<&Judged> {
            judged
                .iter()
                .filter(|j| j.example.language == language)
                .filter(|j| hard.is_none() || j.example.hard == hard)
                .collect()
        };
        rows.push((language.code().to_string(), of(None)));
        if with_hard {
            rows.push((format!("{} hard", language.code()), of(Some(true))));
            rows.push((format!("{} plain", language.code()), of(Some(false))));
        }
    }
    if with_hard {
        for (name, hard) in [("all hard", true), ("all plain", false)] {
            rows.push((
                name.to_string(),
                judged
                    .iter()
                    .filter(|j| j.example.hard == Some(hard))
                    .collect(),
            ));
        }
    }
    rows.retain(|(_, j)| !j.is_empty());
    rows
}

fn rules_fire(e: &corpus::Example) -> bool {
    !detect_rules(&e.sentence, e.language).is_empty()
}

fn report() {
    let config = train::Config::default();

    // Cross-validation on the training data: the new corpus's train split and the old corpus.
    let training = corpus::training();
    let rows = train::featurize(&training);
    let labels: Vec<bool> = training.iter().map(|e| e.claim).collect();
    let oof = train::out_of_fold(&rows, &labels, &config);
    let threshold = train::choose_threshold(&oof, &labels, config.target_recall);
    let judged: Vec<Judged> = training
        .iter()
        .zip(&oof)
        .map(|(e, &s)| Judged {
            example: e,
            rules: rules_fire(e),
            learned: s >= threshold,
        })
        .collect();
    println!(
        "{}-fold cross-validation on the training data ({} sentences; out-of-fold threshold {:.3})",
        config.folds,
        training.len(),
        threshold
    );
    table(
        "by language (hard/plain: new corpus only)",
        &lang_rows(&judged, true),
        false,
    );
    let mut kinds: BTreeMap<String, Vec<&Judged>> = BTreeMap::new();
    let mut genres: BTreeMap<String, Vec<&Judged>> = BTreeMap::new();
    for j in &judged {
        if let Some(kind) = &j.example.kind {
            kinds.entry(kind.clone()).or_default().push(j);
        }
        if let Some(genre) = &j.example.genre {
            genres.entry(genre.clone()).or_default().push(j);
        }
    }
    table(
        "by labelled claim kind (old corpus claims; recall only)",
        &kinds.into_iter().collect::<Vec<_>>(),
        true,
    );
    table(
        "by genre (new corpus train split)",
        &genres.into_iter().collect::<Vec<_>>(),
        false,
    );

    // The embedded model on sets it did not train on, and on the old corpus it did.
    let on_detect = |examples: &[corpus::Example]| -> Vec<(bool, bool)> {
        examples
            .iter()
            .map(|e| (rules_fire(e), !detect(&e.sentence, e.language).is_empty()))
            .collect()
    };
    for (title, examples, with_hard) in [
        (
            "test split (never trained or tuned on), detect() with the embedded model",
            corpus::test_split(),
            true,
        ),
        (
            "old corpus.tsv (in the training data: the rules were tuned on it too)",
            corpus::old_corpus(),
            false,
        ),
        ("holdout.tsv (never trained on)", corpus::holdout(), false),
    ] {
        let verdicts = on_detect(&examples);
        let judged: Vec<Judged> = examples
            .iter()
            .zip(verdicts)
            .map(|(e, (rules, learned))| Judged {
                example: e,
                rules,
                learned,
            })
            .collect();
        table(title, &lang_rows(&judged, with_hard), false);
    }

    // Speed of the whole detector, in this build.
    let sentences: Vec<corpus::Example> = corpus::new_corpus();
    let _ = detect("warm up the lazily built tables.", Language::En);
    let rounds = 3;
    let started = Instant::now();
    let mut found = 0usize;
    for _ in 0..rounds {
        for e in &sentences {
            found += detect(&e.sentence, e.language).len();
        }
    }
    let per = started.elapsed().as_secs_f64() / (rounds * sentences.len()) as f64;
    println!(
        "\ndetect(): {:.1} µs per sentence (mean over {} sentences, {} claims found)",
        per * 1e6,
        rounds * sentences.len(),
        found
    );
}
