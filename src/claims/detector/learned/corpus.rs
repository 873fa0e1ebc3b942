//! The labelled sentences, embedded so training, the recall floor of `refit` and the tests
//! read the same bytes the binary was built from. Three file forms are read: the old corpus
//! (`lang label kind sentence`), the holdout and user files (`lang label sentence`), and the
//! new corpus (`id lang label hard genre split source sentence`).

use sha2::{Digest, Sha256};

use crate::claims::detector::Language;

/// The 412 sentences the hand-written rules were tuned on.
pub const OLD_CORPUS: &str = include_str!("../corpus.tsv");
/// Scored blind once after the rules were built; never trained on.
pub const HOLDOUT: &str = include_str!("../holdout.tsv");
/// The new corpus, English half.
pub const CORPUS_EN: &str = include_str!("../corpus/en.tsv");
/// The new corpus, French half.
pub const CORPUS_FR: &str = include_str!("../corpus/fr.tsv");
/// The held-out set, English half: written by another author from the labelling guide alone,
/// never read by training, features or thresholds.
pub const HELDOUT_EN: &str = include_str!("../heldout/en.tsv");
/// The held-out set, French half.
pub const HELDOUT_FR: &str = include_str!("../heldout/fr.tsv");

/// Where a labelled sentence may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Training, cross-validation, feature and threshold choices.
    Train,
    /// The final report only.
    Test,
    /// The held-out set of another author: the final report only.
    Heldout,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub language: Language,
    pub claim: bool,
    pub sentence: String,
    pub split: Split,
    /// `Some(true)` for a claim without a marker or a non-claim with one (new corpus only).
    pub hard: Option<bool>,
    /// careers_page, linkedin_post, … (new corpus only).
    pub genre: Option<String>,
    /// The kind the labeller chose: the old corpus's claim kinds, or the labelling guide's
    /// kinds of claims and non-claims in the held-out set.
    pub kind: Option<String>,
}

/// Parses a labelled file in any of the three forms, one form per line. `#` lines and blank
/// lines are skipped. Lines without a split column are `Train`.
pub fn parse(text: &str) -> Result<Vec<Example>, String> {
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let at = |what: &str| format!("line {}: {what}: {line}", number + 1);
        let (lang, label, sentence, kind, hard, genre, split) = match cols.as_slice() {
            [lang, label, sentence] => (*lang, *label, *sentence, None, None, None, "train"),
            [lang, label, kind, sentence] => {
                (*lang, *label, *sentence, Some(*kind), None, None, "train")
            }
            [_id, lang, label, hard, kind, genre, sentence] => (
                *lang,
                *label,
                *sentence,
                Some(*kind),
                Some(*hard),
                Some(*genre),
                "heldout",
            ),
            [_id, lang, label, hard, genre, split, _source, sentence] => (
                *lang,
                *label,
                *sentence,
                None,
                Some(*hard),
                Some(*genre),
                *split,
            ),
            _ => return Err(at("expected 3, 4, 7 or 8 tab-separated columns")),
        };
        let language = Language::parse(lang).ok_or_else(|| at("unknown language"))?;
        let claim = match label {
            "claim" => true,
            "none" => false,
            _ => return Err(at("label is neither claim nor none")),
        };
        let hard = match hard {
            None => None,
            Some("hard") => Some(true),
            Some("plain") => Some(false),
            Some(_) => return Err(at("hard is neither hard nor plain")),
        };
        let split = match split {
            "train" => Split::Train,
            "test" => Split::Test,
            "heldout" => Split::Heldout,
            _ => return Err(at("split is neither train nor test")),
        };
        out.push(Example {
            language,
            claim,
            sentence: sentence.trim().to_string(),
            split,
            hard,
            genre: genre.map(str::to_string),
            // The old corpus names a kind for claims only; the held-out set for every line.
            kind: kind
                .filter(|k| (claim || split == Split::Heldout) && !k.is_empty() && *k != "-")
                .map(str::to_string),
        });
    }
    Ok(out)
}

fn parsed(text: &str) -> Vec<Example> {
    // The embedded files are checked by the tests; a broken line is skipped, not a panic.
    parse(text).unwrap_or_default()
}

/// The new corpus, both languages, both splits.
pub fn new_corpus() -> Vec<Example> {
    let mut all = parsed(CORPUS_EN);
    all.extend(parsed(CORPUS_FR));
    all
}

/// The old corpus the rules were tuned on.
pub fn old_corpus() -> Vec<Example> {
    parsed(OLD_CORPUS)
}

pub fn holdout() -> Vec<Example> {
    parsed(HOLDOUT)
}

/// The held-out set of another author, both languages: for the report, never for training.
pub fn heldout() -> Vec<Example> {
    let mut all = parsed(HELDOUT_EN);
    all.extend(parsed(HELDOUT_FR));
    all
}

/// What the model is trained on: the new corpus's train split, then the old corpus, less any
/// sentence that is also in the test split or the holdout (corpus.tsv shares one line with
/// holdout.tsv), so neither is ever trained on.
pub fn training() -> Vec<Example> {
    let (train, test): (Vec<Example>, Vec<Example>) = new_corpus()
        .into_iter()
        .partition(|e| e.split == Split::Train);
    let kept_out: std::collections::HashSet<String> = test
        .into_iter()
        .chain(holdout())
        .chain(heldout())
        .map(|e| e.sentence)
        .collect();
    train
        .into_iter()
        .chain(old_corpus())
        .filter(|e| !kept_out.contains(&e.sentence))
        .collect()
}

/// The new corpus's test split: for the final report, never for training or tuning.
pub fn test_split() -> Vec<Example> {
    new_corpus()
        .into_iter()
        .filter(|e| e.split == Split::Test)
        .collect()
}

/// SHA-256 of the training data as the trainer sees it (`lang TAB label TAB sentence` lines,
/// in order), so a weights file can say which data it was fitted on.
pub fn sha256(examples: &[Example]) -> String {
    let mut hasher = Sha256::new();
    for e in examples {
        hasher.update(e.language.code().as_bytes());
        hasher.update(b"\t");
        hasher.update(if e.claim { b"claim" as &[u8] } else { b"none" });
        hasher.update(b"\t");
        hasher.update(e.sentence.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}
