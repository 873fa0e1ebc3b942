use super::adjust::corpus_recall;
use super::corpus::{self, Example};
use super::model::{Model, GLOBAL, WEIGHTS};
use super::*;
use crate::claims::detector::{detect, detect_adjusted, ClaimKind, Language};

#[derive(Default, Debug)]
struct Score {
    tp: f64,
    fp: f64,
    fn_: f64,
}

impl Score {
    fn precision(&self) -> f64 {
        self.tp / (self.tp + self.fp).max(1.0)
    }
    fn recall(&self) -> f64 {
        self.tp / (self.tp + self.fn_).max(1.0)
    }
}

fn measure<'a>(examples: impl Iterator<Item = &'a Example>) -> Score {
    let mut s = Score::default();
    for e in examples {
        match (e.claim, !detect(&e.sentence, e.language).is_empty()) {
            (true, true) => s.tp += 1.0,
            (false, true) => s.fp += 1.0,
            (true, false) => s.fn_ += 1.0,
            (false, false) => {}
        }
    }
    s
}

/// Floors a few points under what the model measured when it was trained (test split: all
/// P 0.82 R 0.94; en P 0.83 R 0.93, fr P 0.81 R 0.94; hard cases en P 0.86 R 0.97, fr P 0.73
/// R 0.94). Below the aim of P 0.85 at the old recall (0.947): see the README.
/// Scores of `examples` by language: all of them, and the hard cases; printed under `name`.
fn by_language(name: &str, examples: &[Example]) -> Vec<(&'static str, Score, Score)> {
    [Language::En, Language::Fr]
        .into_iter()
        .map(|language| {
            let all = measure(examples.iter().filter(|e| e.language == language));
            let hard = measure(
                examples
                    .iter()
                    .filter(|e| e.language == language && e.hard == Some(true)),
            );
            let code = language.code();
            println!(
                "{name} {code}: P {:.3} R {:.3}; hard P {:.3} R {:.3}",
                all.precision(),
                all.recall(),
                hard.precision(),
                hard.recall()
            );
            (code, all, hard)
        })
        .collect()
}

#[test]
fn test_split_meets_floors() {
    let test = corpus::test_split();
    assert!(test.len() >= 300, "the test split has {} lines", test.len());
    let all = measure(test.iter());
    assert!(all.recall() >= 0.92 && all.precision() >= 0.79, "{all:?}");
    for (code, all, hard) in by_language("test", &test) {
        assert!(all.recall() >= 0.91, "{code} recall {:?}", all);
        assert!(all.precision() >= 0.78, "{code} precision {:?}", all);
        assert!(hard.recall() >= 0.91, "{code} hard recall {:?}", hard);
        assert!(hard.precision() >= 0.70, "{code} hard precision {:?}", hard);
    }
}

/// The held-out set of another author, measured once the model was frozen (en P 0.78 R 0.91,
/// fr P 0.80 R 0.91; hard en P 0.76 R 0.93, fr P 0.80 R 0.91). It is never trained, tuned or
/// thresholded on: these floors only keep a change from making it worse unnoticed. The
/// issue's aim (R 0.92 and P 0.85 by language, hard R 0.85 and P 0.8) is not met yet.
#[test]
fn heldout_set_keeps_its_measured_floors() {
    let heldout = corpus::heldout();
    assert!(
        heldout.len() >= 600,
        "the held-out set has {} lines",
        heldout.len()
    );
    assert!(heldout.iter().all(|e| e.split == corpus::Split::Heldout));
    for (code, all, hard) in by_language("held-out", &heldout) {
        assert!(
            all.recall() >= 0.89 && all.precision() >= 0.76,
            "{code} {all:?}"
        );
        assert!(
            hard.recall() >= 0.89 && hard.precision() >= 0.74,
            "{code} hard {hard:?}"
        );
    }
    // Nothing of it reaches training.
    let training: std::collections::HashSet<String> =
        corpus::training().into_iter().map(|e| e.sentence).collect();
    assert!(heldout.iter().all(|e| !training.contains(&e.sentence)));
}

#[test]
fn corpus_files_parse_and_splits_do_not_overlap() {
    for (name, text) in [
        ("corpus.tsv", corpus::OLD_CORPUS),
        ("holdout.tsv", corpus::HOLDOUT),
        ("corpus/en.tsv", corpus::CORPUS_EN),
        ("corpus/fr.tsv", corpus::CORPUS_FR),
    ] {
        let parsed = corpus::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!parsed.is_empty(), "{name}");
    }
    let training: std::collections::HashSet<String> =
        corpus::training().into_iter().map(|e| e.sentence).collect();
    for e in corpus::test_split().iter().chain(&corpus::holdout()) {
        assert!(
            !training.contains(&e.sentence),
            "a test or holdout sentence is also a training sentence: {}",
            e.sentence
        );
    }
}

/// The embedded weights were fitted on the corpus as it is now: change a training line and
/// this fails until `cargo run --release --example detector_train` is run again.
#[test]
fn weights_file_matches_the_corpus() {
    let model = Model::parse(WEIGHTS).unwrap_or_else(|e| panic!("weights.tsv: {e}"));
    assert_eq!(
        model.training_sha256,
        corpus::sha256(&corpus::training()),
        "the corpus changed since the weights were trained: run \
         `cargo run --release --example detector_train`"
    );
    assert!(model.weights.len() > 1_000, "a trained model, not a stub");
    assert_eq!(*GLOBAL, model);
}

#[test]
fn weights_file_round_trips_through_the_parser() {
    let mut trained_weights = std::collections::BTreeMap::new();
    trained_weights.insert("w:pays".to_string(), 1.25);
    trained_weights.insert("w2:pays for".to_string(), -0.5);
    trained_weights.insert("c:tiny".to_string(), 0.00001);
    let trained = train::Trained {
        linear: train::Linear {
            bias: -0.75,
            weights: trained_weights,
        },
        threshold: 0.3,
        calibration: (0.8, -0.25),
        sha256: "abc".to_string(),
        examples: 10,
        claims: 4,
        seen: 20,
        kept: 3,
        cv_recall: 1.0,
        cv_precision: 0.5,
        config: train::Config::default(),
    };
    let model = Model::parse(&train::weights_file(&trained)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(model.bias, -0.75);
    assert_eq!(model.threshold, 0.3);
    assert_eq!(model.training_sha256, "abc");
    assert_eq!(model.calibration, (0.8, -0.25));
    assert_eq!(model.weights.len(), 2, "negligible weights are pruned");
    assert_eq!(model.weights.get("w2:pays for"), Some(&-0.5));
    assert!(Model::parse("w:x\t1\n").is_err(), "a threshold is required");
    assert!(Model::parse("# threshold: 0.5\nw:x 1\n").is_err());
}

#[test]
fn explanations_give_reasons_a_reviewer_can_act_on() {
    let ruled = detect("We offer 25 days of paid leave.", Language::En);
    assert_eq!(ruled.len(), 1);
    assert_eq!(ruled[0].kind, ClaimKind::Promise);
    assert!(
        ruled[0]
            .why
            .contains(&"pay, leave or a benefit stated as fact".to_string()),
        "{:?}",
        ruled[0].why
    );

    let stated = detect("Acme pays for its employees' glasses.", Language::En);
    assert_eq!(stated.len(), 1);
    let why = &stated[0].why;
    assert!(!why.is_empty() && why.len() <= 3, "{why:?}");
    // Reasons, never the words or letter pieces that happened to weigh.
    assert!(why.iter().all(|w| REASONS.contains(&w.as_str())), "{why:?}");

    assert_eq!(model::reason("c:ays"), None);
    assert_eq!(model::reason("w:pays"), None);
    assert_eq!(model::reason("s:rembours"), None);
    assert_eq!(
        model::reason("st:numbers=employer&mood=statement").map(|r| r.0),
        Some("a figure about the employer")
    );
    assert_eq!(
        model::reason("rule:award").map(|r| r.1),
        Some(ClaimKind::Award)
    );
}

/// Every reason `model::reason` can give.
const REASONS: &[&str] = &[
    "an award, label or certification",
    "a ranking against others",
    "pay, leave or a benefit stated as fact",
    "a figure about the employer",
    "a rule said to hold for everyone",
    "a figure about colleagues, inside a feeling",
    "a practice of the employer, done every time",
    "a fact about the business: customers, sites, results",
    "the employer said to do, give or have done something",
    "something the reader is said to get",
    "a verb of fact: offers, pays, runs, has won",
    "a fact about the employer, negated",
    "what the employer is or has, stated as fact",
    "reads as a statement of fact about the employer",
];

#[test]
fn statement_is_the_lowest_priority_kind() {
    assert_eq!(ClaimKind::Statement.as_str(), "statement");
    assert!(ClaimKind::Statement.priority() < ClaimKind::Number.priority());
    assert_eq!(
        serde_json::to_string(&ClaimKind::Statement).unwrap_or_default(),
        "\"statement\""
    );
}

fn claims_of(text: &str) -> Vec<(String, Language, bool)> {
    text.lines()
        .map(|s| (s.trim().to_string(), Language::En, false))
        .collect()
}

/// An organisation that dismisses its interns' updates stops seeing them, and similar ones,
/// while the rest of the detector keeps working.
#[test]
fn refit_on_dismissals_lowers_that_patterns_score() {
    let dismissed = claims_of(
        "Our interns presented their projects to the board today.
         Our interns presented their research to the leadership team.
         Our apprentices presented their projects to the board this week.",
    );
    let adj = refit(&dismissed);
    assert!(!adj.is_empty());
    for (sentence, language, _) in &dismissed {
        let before = score(sentence, *language);
        let after = score_with(sentence, *language, Some(&adj));
        assert!(after < before, "{sentence}: {before:.3} -> {after:.3}");
        assert!(after < threshold(), "{sentence}: {after:.3}");
    }
    let similar = "Our interns presented their designs to the board.";
    assert!(
        score_with(similar, Language::En, Some(&adj)) < score(similar, Language::En),
        "generalises to the pattern"
    );
    assert!(detect_adjusted(similar, Language::En, Some(&adj)).is_empty());
    let claim = "We offer 25 days of paid leave.";
    assert_eq!(detect_adjusted(claim, Language::En, Some(&adj)).len(), 1);
    assert!(corpus_recall(Some(&adj)) >= RECALL_FLOOR);

    // Adding claims by hand raises their pattern.
    let manual = vec![(
        "The rooftop garden is open to every tenant's staff.".to_string(),
        Language::En,
        true,
    )];
    let up = refit(&manual);
    let s = &manual[0].0;
    assert!(score_with(s, Language::En, Some(&up)) > score(s, Language::En));

    // Stored as JSON by the caller.
    let json = serde_json::to_string(&adj).unwrap_or_default();
    let back: Adjustment = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(back, adj);
    assert!(refit(&[]).is_empty());
}

/// Dismissing real claims wholesale cannot switch the detector off.
#[test]
fn refit_never_takes_corpus_recall_below_the_floor() {
    let global = corpus_recall(None);
    assert!(
        global > RECALL_FLOOR,
        "the global model's own recall {global:.3} is above the floor"
    );
    let adversarial: Vec<(String, Language, bool)> = corpus::training()
        .into_iter()
        .filter(|e| e.claim)
        .take(200)
        .map(|e| (e.sentence, e.language, false))
        .collect();
    assert_eq!(adversarial.len(), 200);
    let adj = refit(&adversarial);
    let recall = corpus_recall(Some(&adj));
    assert!(recall >= RECALL_FLOOR, "recall {recall:.3}");
    // Also with every claim of the corpus labelled "not a claim".
    let all: Vec<(String, Language, bool)> = corpus::training()
        .into_iter()
        .filter(|e| e.claim)
        .map(|e| (e.sentence, e.language, false))
        .collect();
    let adj = refit(&all);
    assert!(corpus_recall(Some(&adj)) >= RECALL_FLOOR);
}

#[test]
fn training_is_deterministic() {
    let examples: Vec<Example> = corpus::training().into_iter().step_by(9).collect();
    let config = train::Config {
        iterations: 60,
        folds: 3,
        ..train::Config::default()
    };
    let a = train::weights_file(&train::train(&examples, &config));
    let b = train::weights_file(&train::train(&examples, &config));
    assert_eq!(a, b);
    assert!(Model::parse(&a).is_ok());
    let folds = train::folds(&[true, false, true, true, false, false, true], 3, 7);
    assert_eq!(
        folds,
        train::folds(&[true, false, true, true, false, false, true], 3, 7)
    );
}

#[test]
fn a_rules_only_model_agrees_with_the_rules() {
    let rules = Model::rules_only();
    for e in corpus::old_corpus().iter().take(60) {
        let f = features(&e.sentence, e.language);
        let fired = f.iter().any(|n| n == "rule:any");
        let p = model::sigmoid(rules.logit(&f, None));
        assert_eq!(p >= rules.threshold, fired, "{}", e.sentence);
    }
}
