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
//! the old corpus, the holdout, the held-out set of another author (by language, hard/plain
//! and the labelling guide's kinds), a reliability table of the calibrated score, and the
//! mean time of `detect` per sentence in this build.

use std::collections::BTreeMap;
use std::time::Instant;

use vouch::claims::detector::learned::model::hint_floor;
use vouch::claims::detector::learned::{corpus, score, threshold, train};
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
    if arg == "--bench" {
        bench();
        return Ok(());
    }
    if arg == "--try" {
        let path = std::env::args().nth(2).unwrap_or_default();
        return try_config(&path);
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
    let rows = train::featurize(&training, &config);
    let labels: Vec<bool> = training.iter().map(|e| e.claim).collect();
    let train::CrossValidated {
        scores: oof,
        threshold,
        ..
    } = train::cross_validate(&rows, &labels, &config);
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
        (
            "held-out set of another author (heldout/*.tsv: never trained, tuned or thresholded on)",
            corpus::heldout(),
            true,
        ),
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

    let heldout = corpus::heldout();
    kind_table(&heldout);
    let mut unseen = corpus::test_split();
    unseen.extend(heldout);
    reliability(&unseen);

    bench();
}

/// Speed of the whole detector, in this build: the mean time of `detect` over every sentence
/// of the corpus and the held-out set, three rounds (`--bench` alone, or the end of the report).
fn bench() {
    let mut sentences: Vec<corpus::Example> = corpus::new_corpus();
    sentences.extend(corpus::heldout());
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
    // The hand-written rules alone, in the same run: what the structure and the model cost.
    let started = Instant::now();
    let mut ruled = 0usize;
    for _ in 0..rounds {
        for e in &sentences {
            ruled += detect_rules(&e.sentence, e.language).len();
        }
    }
    let rules = started.elapsed().as_secs_f64() / (rounds * sentences.len()) as f64;
    println!(
        "\ndetect(): {:.1} µs per sentence (mean over {} sentences, {} claims found); the rules \
         alone {:.1} µs ({ruled} flagged), so the whole detector costs {:.1} x the rules",
        per * 1e6,
        rounds * sentences.len(),
        found,
        rules * 1e6,
        per / rules.max(1e-12)
    );
}

/// By the labelling guide's kind: for kinds of claims the share found (recall), for kinds of
/// non-claims the share flagged (false alarms), the rules alone beside the whole detector.
fn kind_table(examples: &[corpus::Example]) {
    let mut kinds: BTreeMap<(bool, String), (u32, u32, u32)> = BTreeMap::new();
    for e in examples {
        let Some(kind) = &e.kind else { continue };
        let entry = kinds.entry((!e.claim, kind.clone())).or_default();
        entry.0 += 1;
        entry.1 += u32::from(rules_fire(e));
        entry.2 += u32::from(!detect(&e.sentence, e.language).is_empty());
    }
    println!("\nheld-out set by kind: share flagged (claims: recall; non-claims: false alarms)");
    println!("  {:<24} {:>9} {:>9}   {:>5}", "", "rules", "model", "n");
    for ((none, kind), (n, rules, model)) in kinds {
        let label = format!("{} {kind}", if none { "none" } else { "claim" });
        println!(
            "  {:<24} {:>9.3} {:>9.3}   {:>5}",
            label,
            f64::from(rules) / f64::from(n.max(1)),
            f64::from(model) / f64::from(n.max(1)),
            n
        );
    }
}

/// Reliability of the score on sentences never trained on: in each band of the calibrated
/// probability, the share that really are claims.
fn reliability(examples: &[corpus::Example]) {
    let mut bands = [(0u32, 0u32, 0.0f64); 10];
    for e in examples {
        let p = f64::from(score(&e.sentence, e.language));
        let band = ((p * 10.0) as usize).min(9);
        bands[band].0 += 1;
        bands[band].1 += u32::from(e.claim);
        bands[band].2 += p;
    }
    println!(
        "\nreliability on the test split and the held-out set (threshold {:.3}, hints from {:.3})",
        threshold(),
        hint_floor()
    );
    println!(
        "  {:<12} {:>10} {:>12} {:>6}",
        "score", "mean score", "claims share", "n"
    );
    for (i, (n, claims, sum)) in bands.iter().enumerate() {
        if *n == 0 {
            continue;
        }
        println!(
            "  {:<12} {:>10.3} {:>12.3} {:>6}",
            format!("{:.1}–{:.1}", i as f64 / 10.0, (i + 1) as f64 / 10.0),
            sum / f64::from(*n),
            f64::from(*claims) / f64::from(*n),
            n
        );
    }
}

/// `--try FILE`: trains with the settings of the environment (`TRY_DROP=c,w2`,
/// `TRY_WORDS=2.0`, `TRY_DENSE=0.1`, `TRY_LAMBDA=0.001`, `TRY_RECALL=0.96`) without writing
/// weights, and scores FILE with that model, sentence by sentence: for choosing settings on
/// text of your own before retraining for real.
fn try_config(path: &str) -> anyhow::Result<()> {
    let env = |name: &str| std::env::var(name).ok();
    let mut config = train::Config::default();
    if let Some(drop) = env("TRY_DROP") {
        config.dropped = drop
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
    }
    if let Some(v) = env("TRY_WORDS") {
        config.word_penalty = v.parse()?;
    }
    if let Some(v) = env("TRY_DENSE") {
        config.dense_penalty = v.parse()?;
    }
    if let Some(v) = env("TRY_LAMBDA") {
        config.lambda = v.parse()?;
    }
    if let Some(v) = env("TRY_RECALL") {
        config.target_recall = v.parse()?;
    }
    let mut training = corpus::training();
    // Leave one author out: train without the sentences of the file scored, so the score says
    // how the model reads a voice it never saw.
    let scored_text = std::fs::read_to_string(path)?;
    if env("TRY_LEAVE_OUT").is_some() {
        let out: std::collections::HashSet<String> = corpus::parse(&scored_text)
            .map_err(|e| anyhow::anyhow!(e))?
            .into_iter()
            .map(|e| e.sentence)
            .collect();
        training.retain(|e| !out.contains(&e.sentence));
    }
    let trained = train::train(&training, &config);
    if env("TRY_CV").is_some() {
        let rows = train::featurize(&training, &config);
        let labels: Vec<bool> = training.iter().map(|e| e.claim).collect();
        let cv = train::cross_validate(&rows, &labels, &config);
        for (e, s) in training.iter().zip(&cv.scores) {
            let s = *s;
            let found = s >= cv.threshold;
            if found != e.claim {
                println!(
                    "CV {} [{s:.2}] {}",
                    if found { "FA  " } else { "MISS" },
                    e.sentence
                );
            }
        }
    }
    println!(
        "cv recall {:.3} precision {:.3} threshold {:.3} ({:?})",
        trained.cv_recall, trained.cv_precision, trained.threshold, config.dropped
    );
    let examples = corpus::parse(&scored_text).map_err(|e| anyhow::anyhow!(e))?;
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    let verbose = env("TRY_VERBOSE").is_some();
    let needs_reason = env("TRY_REASON").is_some();
    let reason_min: f64 = env("TRY_REASON")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.05);
    for e in &examples {
        let f: Vec<String> = vouch::claims::detector::learned::features(&e.sentence, e.language)
            .into_iter()
            .filter(|f| config.keeps(f))
            .collect();
        let z = train::logit(trained.linear.probability(&f));
        let p = if vouch::claims::detector::learned::structure::outside_the_employer(&f) {
            0.0
        } else {
            train::sigmoid_pub(trained.calibration.0 * z + trained.calibration.1)
        };
        let threshold = env("TRY_THRESHOLD")
            .and_then(|t| t.parse::<f64>().ok())
            .unwrap_or(trained.threshold);
        let reasoned = f.iter().any(|n| {
            vouch::claims::detector::learned::model::reason(n).is_some()
                && trained
                    .linear
                    .weights
                    .get(n)
                    .is_some_and(|w| *w > reason_min)
        });
        let found = p >= threshold && (!needs_reason || reasoned);
        for key in [e.language.code().to_string(), "all".to_string()] {
            scores.entry(key).or_default().add(e.claim, found);
        }
        if verbose && e.claim != found {
            println!(
                "{} [{p:.2}] {}",
                if found { "FA  " } else { "MISS" },
                e.sentence
            );
            if env("TRY_WEIGHTS").is_some() {
                let mut w: Vec<(f64, &String)> = f
                    .iter()
                    .filter_map(|n| Some((*trained.linear.weights.get(n)?, n)))
                    .collect();
                w.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
                let top: Vec<String> = w
                    .iter()
                    .take(12)
                    .map(|(x, n)| format!("{n}={x:.2}"))
                    .collect();
                println!("       {}", top.join(" "));
            }
        }
    }
    for (k, s) in &scores {
        println!("{k}: P {:.3} R {:.3} n {}", s.precision(), s.recall(), s.n);
    }
    Ok(())
}
