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
/// P 0.88 R 0.95; en P 0.87 R 0.94, fr P 0.89 R 0.96; hard cases en P 0.91 R 0.95, fr P 0.90
/// R 0.96).
#[test]
fn test_split_meets_floors() {
    let test = corpus::test_split();
    assert!(test.len() >= 300, "the test split has {} lines", test.len());
    let all = measure(test.iter());
    assert!(all.recall() >= 0.92 && all.precision() >= 0.84, "{all:?}");
    for language in [Language::En, Language::Fr] {
        let all = measure(test.iter().filter(|e| e.language == language));
        let hard = measure(
            test.iter()
                .filter(|e| e.language == language && e.hard == Some(true)),
        );
        let code = language.code();
        println!(
            "test {code}: P {:.3} R {:.3}; hard P {:.3} R {:.3}",
            all.precision(),
            all.recall(),
            hard.precision(),
            hard.recall()
        );
        assert!(all.recall() >= 0.92, "{code} recall {:?}", all);
        assert!(all.precision() >= 0.82, "{code} precision {:?}", all);
        assert!(hard.recall() >= 0.92, "{code} hard recall {:?}", hard);
        assert!(hard.precision() >= 0.84, "{code} hard precision {:?}", hard);
    }
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
    assert_eq!(model.weights.len(), 2, "negligible weights are pruned");
    assert_eq!(model.weights.get("w2:pays for"), Some(&-0.5));
    assert!(Model::parse("w:x\t1\n").is_err(), "a threshold is required");
    assert!(Model::parse("# threshold: 0.5\nw:x 1\n").is_err());
}

/// The issue's sentences: claims with no marker are found; chatty sentences with one are not.
#[test]
fn the_issues_examples_get_the_right_verdicts() {
    let claims = [
        ("Acme pays for its employees' glasses.", Language::En),
        ("Nos locaux sont certifiés HQE.", Language::Fr),
        (
            "Our canteen sources all its vegetables from local farms.",
            Language::En,
        ),
        ("Les horaires sont libres pour tout le monde.", Language::Fr),
        (
            "Every request for remote work has been granted.",
            Language::En,
        ),
    ];
    let chatter = [
        ("Every Friday we share what we learned.", Language::En),
        ("Day 100 at Acme and still smiling.", Language::En),
        ("I'm the first in my family to work in tech.", Language::En),
        ("Toujours partant pour un café !", Language::Fr),
    ];
    for (sentence, language) in claims {
        let found = detect(sentence, language);
        assert_eq!(
            found.len(),
            1,
            "{sentence}: {:.3}",
            score(sentence, language)
        );
        assert!(found[0].score >= threshold());
    }
    for (sentence, language) in chatter {
        assert!(
            detect(sentence, language).is_empty(),
            "{sentence}: {:.3}",
            score(sentence, language)
        );
    }
}

#[test]
fn explanations_name_the_rule_or_the_evidence() {
    let ruled = detect("We offer 25 days of paid leave.", Language::En);
    assert_eq!(ruled.len(), 1);
    assert_eq!(ruled[0].kind, ClaimKind::Promise);
    assert_eq!(ruled[0].why, ["rule “promise”"]);

    let stated = detect("Acme pays for its employees' glasses.", Language::En);
    assert_eq!(stated.len(), 1);
    assert_eq!(stated[0].kind, ClaimKind::Statement);
    let why = &stated[0].why;
    assert!(!why.is_empty() && why.len() <= 3, "{why:?}");
    assert!(why.iter().all(|w| !w.contains(':')), "readable: {why:?}");
    assert!(
        why.iter().any(|w| w.contains("pays") || w.contains("pay")),
        "{why:?}"
    );
    assert_eq!(model::describe("w2:pays for"), "words “pays for”");
    assert_eq!(model::describe("s:rembours"), "stem “rembours”");
    assert_eq!(model::describe("c:<remb"), "letters “remb…”");
    assert_eq!(model::describe("c:ays"), "letters “…ays…”");
    assert_eq!(
        model::describe("form:subject_company"),
        "the company as subject"
    );
}

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
