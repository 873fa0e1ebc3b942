//! Per-organisation adjustment: a small delta on top of the global model, fitted on what an
//! organisation's moderators decided (a dismissed "not a claim" is `false`, a claim added by
//! hand is `true`), and never allowed to cost recall on the training corpus below
//! `RECALL_FLOOR`: an organisation can quiet its own chatter, not switch the detector off.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::corpus;
use super::features::features;
use super::model::GLOBAL;
use crate::claims::detector::Language;

/// The least recall on the embedded training corpus an adjusted model may have. The global
/// model's own recall there is above 0.98; an adjustment may cost a little of it, no more.
pub const RECALL_FLOOR: f32 = 0.95;

/// L2 strength on the delta, against the summed log-loss of the organisation's examples.
const LAMBDA: f32 = 10.0;
/// A feature present in every training sentence costs this many times more to move than a
/// rare one, so a delta lands on what is particular to the dismissed sentences ("friday",
/// "share what"), not on "we" or the bias.
const COMMON_PENALTY: f32 = 30.0;
const ITERATIONS: usize = 300;
const LEARNING_RATE: f32 = 0.05;
/// Halvings tried before giving up on an adjustment that costs too much recall.
const MAX_HALVINGS: usize = 24;

/// What an organisation's decisions add to the global model's log-odds. Stored as JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Adjustment {
    pub bias: f32,
    pub weights: BTreeMap<String, f32>,
}

impl Adjustment {
    /// The delta's contribution to the log-odds of a sentence with `features`.
    pub fn logit(&self, features: &[String]) -> f32 {
        self.bias
            + features
                .iter()
                .filter_map(|f| self.weights.get(f))
                .sum::<f32>()
    }

    pub fn is_empty(&self) -> bool {
        self.bias == 0.0 && self.weights.is_empty()
    }

    fn scaled(&self, factor: f32) -> Adjustment {
        Adjustment {
            bias: self.bias * factor,
            weights: self
                .weights
                .iter()
                .map(|(k, v)| (k.clone(), v * factor))
                .collect(),
        }
    }
}

/// The training corpus as the floor needs it: each claim's features and global log-odds,
/// and how common each feature is.
struct Reference {
    claims: Vec<(Vec<String>, f32)>,
    /// Share of training sentences (claims or not) that have the feature.
    frequency: HashMap<String, f32>,
}

static REFERENCE: LazyLock<Reference> = LazyLock::new(|| {
    let examples = corpus::training();
    let mut frequency: HashMap<String, f32> = HashMap::new();
    let mut claims = Vec::new();
    let n = examples.len().max(1) as f32;
    for e in &examples {
        let f = features(&e.sentence, e.language);
        for name in &f {
            *frequency.entry(name.clone()).or_default() += 1.0 / n;
        }
        if e.claim {
            let z = GLOBAL.logit(&f, None);
            claims.push((f, z));
        }
    }
    Reference { claims, frequency }
});

/// Recall on the embedded training corpus of the global model with `adjustment` on top.
pub fn corpus_recall(adjustment: Option<&Adjustment>) -> f32 {
    let reference = &*REFERENCE;
    let threshold = GLOBAL.threshold;
    let found = reference
        .claims
        .iter()
        .filter(|(f, z)| {
            GLOBAL.probability(z + adjustment.map_or(0.0, |a| a.logit(f))) >= threshold
        })
        .count();
    found as f32 / reference.claims.len().max(1) as f32
}

/// Fits a delta to an organisation's labelled sentences (`true` = a claim), then halves it
/// until the adjusted model keeps `RECALL_FLOOR` on the training corpus. Deterministic.
pub fn refit(examples: &[(String, Language, bool)]) -> Adjustment {
    if examples.is_empty() {
        return Adjustment::default();
    }
    let rows: Vec<Vec<String>> = examples
        .iter()
        .map(|(s, language, _)| features(s, *language))
        .collect();
    let global: Vec<f32> = rows.iter().map(|f| GLOBAL.logit(f, None)).collect();
    let mut names: Vec<&str> = rows.iter().flatten().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let sparse: Vec<Vec<usize>> = rows
        .iter()
        .map(|f| {
            f.iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect()
        })
        .collect();
    let reference = &*REFERENCE;
    // The bias is the last coordinate, and as costly to move as a feature every sentence has.
    let mut penalty: Vec<f32> = names
        .iter()
        .map(|n| {
            LAMBDA * (1.0 + COMMON_PENALTY * reference.frequency.get(*n).copied().unwrap_or(0.0))
        })
        .collect();
    penalty.push(LAMBDA * (1.0 + COMMON_PENALTY));
    let dims = penalty.len();
    let mut delta = vec![0.0_f32; dims];
    let (mut m, mut v, mut grad) = (
        vec![0.0_f32; dims],
        vec![0.0_f32; dims],
        vec![0.0_f32; dims],
    );
    let (beta1, beta2, eps) = (0.9_f32, 0.999_f32, 1e-8_f32);
    for t in 1..=ITERATIONS {
        for (g, (d, p)) in grad.iter_mut().zip(delta.iter().zip(&penalty)) {
            *g = p * d;
        }
        for ((row, z), (_, _, label)) in sparse.iter().zip(&global).zip(examples) {
            let zi = z + delta[dims - 1] + row.iter().map(|&j| delta[j]).sum::<f32>();
            // The loss is on the calibrated probability, whose slope in z is `a`.
            let residual =
                GLOBAL.calibration.0 * (GLOBAL.probability(zi) - if *label { 1.0 } else { 0.0 });
            for &j in row {
                grad[j] += residual;
            }
            grad[dims - 1] += residual;
        }
        let c1 = 1.0 - beta1.powi(t as i32);
        let c2 = 1.0 - beta2.powi(t as i32);
        for j in 0..dims {
            m[j] = beta1 * m[j] + (1.0 - beta1) * grad[j];
            v[j] = beta2 * v[j] + (1.0 - beta2) * grad[j] * grad[j];
            delta[j] -= LEARNING_RATE * (m[j] / c1) / ((v[j] / c2).sqrt() + eps);
        }
    }
    let mut adjustment = Adjustment {
        bias: delta[dims - 1],
        weights: names
            .iter()
            .zip(&delta)
            .filter(|(_, w)| w.abs() >= 1e-3)
            .map(|(n, w)| (n.to_string(), *w))
            .collect(),
    };
    for _ in 0..MAX_HALVINGS {
        if corpus_recall(Some(&adjustment)) >= RECALL_FLOOR {
            return adjustment;
        }
        adjustment = adjustment.scaled(0.5);
    }
    Adjustment::default()
}
