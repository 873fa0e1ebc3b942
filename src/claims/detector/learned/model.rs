//! The global model: weights embedded from `weights.tsv` (written by the trainer), parsed
//! once, and how a score is explained to a moderator.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::adjust::Adjustment;
use super::features::extract;
use crate::claims::detector::classify::analyse;
use crate::claims::detector::{ClaimKind, Language};

/// Written by `cargo run --release --example detector_train`.
pub const WEIGHTS: &str = include_str!("weights.tsv");

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub bias: f32,
    /// A sentence is a claim when its probability is at least this.
    pub threshold: f32,
    pub weights: HashMap<String, f32>,
    /// SHA-256 of the data the weights were fitted on (see `corpus::sha256`).
    pub training_sha256: String,
}

impl Model {
    /// Reads a weights file: `# key: value` headers (threshold, bias, training-sha256), other
    /// `#` lines as comments, then `feature<TAB>weight` lines.
    pub fn parse(text: &str) -> Result<Model, String> {
        let mut model = Model {
            bias: 0.0,
            threshold: f32::NAN,
            weights: HashMap::new(),
            training_sha256: String::new(),
        };
        let number = |v: &str, line: &str| {
            v.trim()
                .parse::<f32>()
                .map_err(|e| format!("{e}: {line}"))
                .and_then(|x| {
                    if x.is_finite() {
                        Ok(x)
                    } else {
                        Err(format!("not finite: {line}"))
                    }
                })
        };
        for line in text.lines() {
            if let Some(comment) = line.strip_prefix('#') {
                match comment.trim().split_once(':') {
                    Some(("threshold", v)) => model.threshold = number(v, line)?,
                    Some(("bias", v)) => model.bias = number(v, line)?,
                    Some(("training-sha256", v)) => model.training_sha256 = v.trim().to_string(),
                    _ => {}
                }
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            let (name, weight) = line
                .split_once('\t')
                .ok_or_else(|| format!("expected feature<TAB>weight: {line}"))?;
            model
                .weights
                .insert(name.to_string(), number(weight, line)?);
        }
        if !(0.0..=1.0).contains(&model.threshold) {
            return Err("no threshold between 0 and 1 in the header".to_string());
        }
        Ok(model)
    }

    /// What the detector did before it learned: a claim exactly when a rule fires.
    pub fn rules_only() -> Model {
        Model {
            bias: -4.0,
            threshold: 0.5,
            weights: HashMap::from([("rule:any".to_string(), 8.0)]),
            training_sha256: String::new(),
        }
    }

    /// The log-odds of `features`, with `adjustment`'s delta on top when given.
    pub fn logit(&self, features: &[String], adjustment: Option<&Adjustment>) -> f32 {
        let mut z = self.bias
            + features
                .iter()
                .filter_map(|f| self.weights.get(f))
                .sum::<f32>();
        if let Some(adj) = adjustment {
            z += adj.logit(features);
        }
        z
    }

    fn weight(&self, feature: &str, adjustment: Option<&Adjustment>) -> f32 {
        self.weights.get(feature).copied().unwrap_or(0.0)
            + adjustment
                .and_then(|a| a.weights.get(feature))
                .copied()
                .unwrap_or(0.0)
    }
}

/// The embedded model; a weights file that does not parse (a test catches it) falls back to
/// the rules alone rather than failing requests.
pub static GLOBAL: LazyLock<Model> = LazyLock::new(|| {
    Model::parse(WEIGHTS).unwrap_or_else(|error| {
        tracing::error!(%error, "claim detector weights do not parse; using the rules alone");
        Model::rules_only()
    })
});

pub(crate) fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// The global model's probability that `sentence` is a claim.
pub fn score(sentence: &str, language: Language) -> f32 {
    score_with(sentence, language, None)
}

/// Like `score`, with an organisation's adjustment on top when given.
pub fn score_with(sentence: &str, language: Language, adjustment: Option<&Adjustment>) -> f32 {
    assess(sentence, language, adjustment).score
}

/// The global threshold: a sentence scoring at least this is a claim.
pub fn threshold() -> f32 {
    GLOBAL.threshold
}

/// One sentence, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Probability of a claim, 0..=1.
    pub score: f32,
    /// `score >= threshold`.
    pub claim: bool,
    /// The kind the hand-written rules gave, when one fired.
    pub rule: Option<ClaimKind>,
    /// Why it scores as it does: the rule that fired, or the strongest evidence for a claim.
    pub why: Vec<String>,
}

/// Scores and explains `sentence` with the global model (and `adjustment` when given).
pub fn assess(sentence: &str, language: Language, adjustment: Option<&Adjustment>) -> Assessment {
    let analysis = analyse(sentence, language);
    let features = extract(sentence, language, &analysis);
    let model = &*GLOBAL;
    let score = sigmoid(model.logit(&features, adjustment));
    let why = match analysis.verdict {
        Some(kind) => vec![format!("rule “{}”", kind.as_str())],
        None => strongest(model, &features, adjustment, 3),
    };
    Assessment {
        score,
        claim: score >= model.threshold,
        rule: analysis.verdict,
        why,
    }
}

/// The `n` features pushing hardest towards a claim, as words a moderator can read.
fn strongest(
    model: &Model,
    features: &[String],
    adjustment: Option<&Adjustment>,
    n: usize,
) -> Vec<String> {
    let mut contributions: Vec<(f32, &str)> = features
        .iter()
        .filter(|f| !f.starts_with("lang:") && !f.starts_with("len:"))
        .map(|f| (model.weight(f, adjustment), f.as_str()))
        .filter(|(w, _)| *w > 0.05)
        .collect();
    contributions.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, feature) in contributions {
        let text = describe(feature);
        if !out.contains(&text) {
            out.push(text);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

/// A feature name in words: `w2:pays for` → `words “pays for”`.
pub fn describe(feature: &str) -> String {
    let (family, value) = feature.split_once(':').unwrap_or(("", feature));
    let readable = |s: &str| {
        s.replace("<s> ", "")
            .replace(" </s>", "")
            .replace("<n>", "N")
    };
    match family {
        "w" => format!("word “{}”", readable(value)),
        "w2" if value.starts_with("<s> ") => format!("opens with “{}”", readable(value)),
        "w2" if value.ends_with(" </s>") => format!("ends with “{}”", readable(value)),
        "w2" => format!("words “{}”", readable(value)),
        "s" => format!("stem “{value}”"),
        // Letter pieces show where they sit in the word: "<rem" opens one, "ed>" ends one.
        "c" => {
            let opens = if value.starts_with('<') { "" } else { "…" };
            let ends = if value.ends_with('>') { "" } else { "…" };
            format!("letters “{opens}{}{ends}”", value.trim_matches(['<', '>']))
        }
        "rule" if value == "any" => "a rule".to_string(),
        "rule" => format!("rule “{value}”"),
        "match" => format!("a {value} marker"),
        "shape" => match value {
            "percent" => "a percentage",
            "money" => "an amount of money",
            "year" => "a year",
            "duration" => "a duration",
            "ordinal" => "an ordinal",
            "clock" => "a time of day",
            "date" => "a date",
            "ratio" => "a ratio",
            "big" => "a large number",
            "number_word" => "a number in words",
            _ => "a number",
        }
        .to_string(),
        "lex" => match value {
            "practice" => "a practice (offers, pays, funds…)",
            "benefit" => "a benefit or facility",
            "process" => "the hiring process",
            "requirement" => "a requirement",
            "belief" => "values or beliefs",
            "feeling" => "a feeling",
            "event" => "an event or a date",
            "document" => "the document itself",
            _ => value,
        }
        .to_string(),
        "ctx" => match value {
            "personal" => "the author's own story",
            "org" => "the employer named",
            "question" => "a question",
            "thanks" => "thanks or a greeting",
            "anchored" => "about people at work",
            "policy" => "pay, hours, leave or a benefit",
            "offer" => "something offered or covered",
            "quantity" => "an amount or a frequency",
            _ => value,
        }
        .to_string(),
        "form" => match value {
            "first_singular" => "first person singular",
            "first_plural" => "first person plural",
            "second_person" => "addresses the reader",
            "subject_i" => "“I” as subject",
            "subject_we" => "“we” as subject",
            "subject_you" => "“you” as subject",
            "subject_company" => "the company as subject",
            "name" => "a name",
            "imperative" => "an imperative",
            "invitation" => "an invitation",
            "question" => "a question",
            "exclamation" => "an exclamation",
            "hashtag" => "a hashtag",
            "mention" => "a mention",
            "url" => "a link",
            "emoji" => "an emoji",
            "quote" => "a quotation",
            "negation" => "a negation",
            "future" => "the future tense",
            "colon" => "a colon",
            "passive" => "a rule stated in the passive",
            "can" => "what the reader can do",
            _ => value,
        }
        .to_string(),
        _ => feature.to_string(),
    }
}
