//! The global model: weights embedded from `weights.tsv` (written by the trainer), parsed
//! once, and how a score is explained to a moderator.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::adjust::Adjustment;
use super::features::extract;
use super::structure::outside_the_employer;
use crate::claims::detector::classify::analyse;
use crate::claims::detector::{ClaimKind, Language};

/// Written by `cargo run --release --example detector_train`.
pub const WEIGHTS: &str = include_str!("weights.tsv");

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub bias: f32,
    /// Platt's `(a, b)`: a sentence's probability is σ(a·z + b) for its log-odds z, fitted on
    /// out-of-fold scores so that it means what it says.
    pub calibration: (f32, f32),
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
            calibration: (1.0, 0.0),
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
                    Some(("calibration", v)) => {
                        let mut parts = v.split_whitespace();
                        let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next())
                        else {
                            return Err(format!("calibration takes two numbers: {line}"));
                        };
                        model.calibration = (number(a, line)?, number(b, line)?);
                    }
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
            calibration: (1.0, 0.0),
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

    /// The calibrated probability of log-odds `z`.
    pub fn probability(&self, z: f32) -> f32 {
        sigmoid(self.calibration.0 * z + self.calibration.1)
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

/// How far below the threshold a sentence may score and still be shown to its author as a
/// hint: close enough that a reviewer might want it checked, though nothing holds it.
pub const HINT_RATIO: f32 = 0.5;

/// The least score of a hint: sentences between this and the threshold are shown, not held.
pub fn hint_floor() -> f32 {
    GLOBAL.threshold * HINT_RATIO
}

/// One sentence, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Calibrated probability of a claim, 0..=1.
    pub score: f32,
    /// `score >= threshold`.
    pub claim: bool,
    /// `score` is below the threshold but at least `hint_floor()`.
    pub close: bool,
    /// The kind the hand-written rules gave, when one fired.
    pub rule: Option<ClaimKind>,
    /// The kind of claim the strongest evidence points to.
    pub kind: ClaimKind,
    /// Why it scores as it does, as reasons a reviewer can act on.
    pub why: Vec<String>,
}

/// Scores and explains `sentence` with the global model (and `adjustment` when given).
pub fn assess(sentence: &str, language: Language, adjustment: Option<&Adjustment>) -> Assessment {
    let analysis = analyse(sentence, language);
    let features = extract(sentence, language, &analysis);
    let model = &*GLOBAL;
    let score = if outside_the_employer(&features) {
        0.0
    } else {
        model.probability(model.logit(&features, adjustment))
    };
    let reasons = strongest(model, &features, adjustment, 3);
    let kind = analysis
        .verdict
        .or_else(|| reasons.first().map(|(_, kind)| *kind))
        .unwrap_or(ClaimKind::Statement);
    let mut why: Vec<String> = reasons
        .into_iter()
        .map(|(text, _)| text.to_string())
        .collect();
    if why.is_empty() {
        why.push("reads as a statement of fact about the employer".to_string());
    }
    Assessment {
        score,
        claim: score >= model.threshold,
        close: score < model.threshold && score >= model.threshold * HINT_RATIO,
        rule: analysis.verdict,
        kind,
        why,
    }
}

/// The `n` strongest reasons pushing towards a claim, each with the kind it points to.
/// Only features that say why a sentence is checkable count: words and letter pieces say
/// what it is about, which is no reason a reviewer can act on.
fn strongest(
    model: &Model,
    features: &[String],
    adjustment: Option<&Adjustment>,
    n: usize,
) -> Vec<(&'static str, ClaimKind)> {
    let mut contributions: Vec<(f32, (&'static str, ClaimKind))> = features
        .iter()
        .filter_map(|f| Some((model.weight(f, adjustment), reason(f)?)))
        .filter(|(w, _)| *w > 0.05)
        .collect();
    contributions.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1 .0.cmp(b.1 .0)));
    let mut out: Vec<(&'static str, ClaimKind)> = Vec::new();
    for (_, reason) in contributions {
        if !out.iter().any(|(text, _)| *text == reason.0) {
            out.push(reason);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

/// The reason a feature gives for holding a sentence, in a reviewer's words, with the kind of
/// claim it points to; `None` for features that are no reason on their own.
pub fn reason(feature: &str) -> Option<(&'static str, ClaimKind)> {
    use ClaimKind::*;
    let rule = |kind: &str| match kind {
        "award" => Some(("an award, label or certification", Award)),
        "ranking" => Some(("a ranking against others", Ranking)),
        "promise" => Some(("pay, leave or a benefit stated as fact", Promise)),
        "number" => Some(("a figure about the employer", Number)),
        "absolute" => Some(("a rule said to hold for everyone", Absolute)),
        _ => None,
    };
    if let Some(kind) = feature.strip_prefix("rule:") {
        return rule(kind);
    }
    let st = feature.strip_prefix("st:")?;
    if let Some(rest) = st.strip_prefix("rule=") {
        return rule(rest.split('&').next().unwrap_or(""));
    }
    let head = st.split('&').next().unwrap_or(st);
    Some(match head {
        "numbers=employer" => ("a figure about the employer", Number),
        "feeling" if st.contains("numbers=employer") => {
            ("a figure about colleagues, inside a feeling", Number)
        }
        "benefit_stated" | "benefit" => ("pay, leave or a benefit stated as fact", Promise),
        "habit_stated" | "habit" => ("a practice of the employer, done every time", Statement),
        "business_stated" | "business" => (
            "a fact about the business: customers, sites, results",
            Statement,
        ),
        "superlative=market" => ("a ranking against others", Ranking),
        "subject=employer" if st.contains("verb=fact") => (
            "the employer said to do, give or have done something",
            Statement,
        ),
        "subject=reader" if st.contains("verb=fact") => {
            ("something the reader is said to get", Promise)
        }
        "verb=fact" => ("a verb of fact: offers, pays, runs, has won", Statement),
        "negated" => ("a fact about the employer, negated", Statement),
        "subject=employer" if st.contains("verb=state") => {
            ("what the employer is or has, stated as fact", Statement)
        }
        _ => return None,
    })
}
