//! Training: L2-regularised logistic regression on binary sparse features, fitted by
//! full-batch Adam (deterministic: no sampling, sums in a fixed order), k-fold
//! cross-validation with seeded stratified folds, a recall-first threshold chosen on the
//! out-of-fold scores of the training data, and the weights file the model embeds.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::corpus::{self, Example};
use super::features::features;

/// Everything training depends on besides the data; written into the weights file.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// L2 strength on the mean log-loss (the bias is not penalised).
    pub lambda: f64,
    /// A feature is kept when it occurs in at least this many training sentences.
    pub min_count: usize,
    pub iterations: usize,
    pub learning_rate: f64,
    pub folds: usize,
    pub seed: u64,
    /// The threshold is the highest one whose out-of-fold recall reaches this.
    pub target_recall: f64,
    /// Weights smaller than this in absolute value are left out of the file.
    pub prune_below: f64,
    /// L2 multiplier for the few dense, hand-made features (rules, context, form, number
    /// shapes, length, language): each is evidence about many sentences, so it may weigh more.
    pub dense_penalty: f64,
    /// L2 multiplier for letter pieces (`c:`), which come by the hundred per sentence.
    pub char_penalty: f64,
    /// L2 multiplier for words, word pairs and stems: they carry the topic and the voice of
    /// whoever wrote the corpus, so they must earn their weight against the structure.
    pub word_penalty: f64,
    /// Feature families left out of training (and so weightless at run time).
    pub dropped: Vec<String>,
}

impl Config {
    /// The L2 multiplier of a feature, by family.
    pub fn penalty(&self, feature: &str) -> f64 {
        match feature.split_once(':').map(|(family, _)| family) {
            Some("rule" | "match" | "ctx" | "form" | "shape" | "lex" | "len" | "lang" | "st") => {
                self.dense_penalty
            }
            Some("c") => self.char_penalty,
            Some("w" | "w2" | "s") => self.word_penalty,
            _ => 1.0,
        }
    }

    /// Whether a feature's family is trained on.
    pub fn keeps(&self, feature: &str) -> bool {
        let family = feature.split_once(':').map_or(feature, |(f, _)| f);
        !self.dropped.iter().any(|d| d == family)
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            lambda: 1e-3,
            min_count: 2,
            iterations: 400,
            learning_rate: 0.05,
            folds: 5,
            seed: 20_261_124,
            target_recall: 0.95,
            prune_below: 1e-3,
            dense_penalty: 0.1,
            char_penalty: 1.0,
            word_penalty: 1.0,
            dropped: vec!["c".to_string(), "w2".to_string()],
        }
    }
}

/// A fitted linear model: P(claim) = σ(bias + Σ weights of the features present).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Linear {
    pub bias: f64,
    pub weights: BTreeMap<String, f64>,
}

impl Linear {
    pub fn probability(&self, features: &[String]) -> f64 {
        let z = self.bias
            + features
                .iter()
                .filter_map(|f| self.weights.get(f))
                .sum::<f64>();
        sigmoid(z)
    }
}

pub(crate) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// `sigmoid`, for the evaluation tools.
pub fn sigmoid_pub(z: f64) -> f64 {
    sigmoid(z)
}

/// Fits `rows` (feature names per sentence) to `labels`.
pub fn fit(rows: &[Vec<String>], labels: &[bool], config: &Config) -> Linear {
    // Vocabulary: features seen in at least `min_count` sentences, indexed in name order.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for row in rows {
        for f in row {
            *counts.entry(f.as_str()).or_default() += 1;
        }
    }
    let names: Vec<&str> = counts
        .iter()
        .filter(|(_, &c)| c >= config.min_count)
        .map(|(&n, _)| n)
        .collect();
    let index: HashMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i as u32))
        .collect();
    let sparse: Vec<Vec<u32>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .filter_map(|f| index.get(f.as_str()).copied())
                .collect()
        })
        .collect();
    let y: Vec<f64> = labels.iter().map(|&l| if l { 1.0 } else { 0.0 }).collect();
    let n = rows.len().max(1) as f64;

    let dims = names.len();
    let penalty: Vec<f64> = names
        .iter()
        .map(|n| config.lambda * config.penalty(n))
        .collect();
    let mut w = vec![0.0_f64; dims];
    let prior = (y.iter().sum::<f64>() + 1.0) / (n + 2.0);
    let mut b = (prior / (1.0 - prior)).ln();
    let (beta1, beta2, eps) = (0.9_f64, 0.999_f64, 1e-8_f64);
    let mut m = vec![0.0_f64; dims + 1];
    let mut v = vec![0.0_f64; dims + 1];
    let mut grad = vec![0.0_f64; dims + 1];
    for t in 1..=config.iterations {
        grad.iter_mut().for_each(|g| *g = 0.0);
        for (row, &target) in sparse.iter().zip(&y) {
            let z = b + row.iter().map(|&j| w[j as usize]).sum::<f64>();
            let residual = (sigmoid(z) - target) / n;
            for &j in row {
                grad[j as usize] += residual;
            }
            grad[dims] += residual;
        }
        for ((g, wj), p) in grad.iter_mut().zip(&w).zip(&penalty) {
            *g += p * wj;
        }
        // Adam, with a learning rate that decays so the last steps settle.
        let rate = config.learning_rate / (1.0 + 4.0 * t as f64 / config.iterations as f64);
        let correction1 = 1.0 - beta1.powi(t as i32);
        let correction2 = 1.0 - beta2.powi(t as i32);
        for j in 0..=dims {
            m[j] = beta1 * m[j] + (1.0 - beta1) * grad[j];
            v[j] = beta2 * v[j] + (1.0 - beta2) * grad[j] * grad[j];
            let step = rate * (m[j] / correction1) / ((v[j] / correction2).sqrt() + eps);
            if j == dims {
                b -= step;
            } else {
                w[j] -= step;
            }
        }
    }
    Linear {
        bias: b,
        weights: names
            .iter()
            .zip(&w)
            .map(|(&name, &weight)| (name.to_string(), weight))
            .collect(),
    }
}

/// splitmix64: a tiny seeded generator whose sequence never changes with a crate version.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The fold of each example: shuffled with `seed`, claims and non-claims dealt out
/// separately so every fold has the corpus's balance.
pub fn folds(labels: &[bool], k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(2);
    let mut rng = SplitMix(seed);
    let mut fold = vec![0; labels.len()];
    for class in [true, false] {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        // Fisher–Yates.
        for i in (1..members.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            members.swap(i, j);
        }
        for (position, &i) in members.iter().enumerate() {
            fold[i] = position % k;
        }
    }
    fold
}

/// Out-of-fold probabilities: each sentence scored by a model that never saw it.
pub fn out_of_fold(rows: &[Vec<String>], labels: &[bool], config: &Config) -> Vec<f64> {
    let fold = folds(labels, config.folds, config.seed);
    let mut scores = vec![0.0; rows.len()];
    for k in 0..config.folds.max(2) {
        let (train_rows, train_labels): (Vec<Vec<String>>, Vec<bool>) = rows
            .iter()
            .zip(labels)
            .zip(&fold)
            .filter(|(_, &f)| f != k)
            .map(|((r, &l), _)| (r.clone(), l))
            .unzip();
        let model = fit(&train_rows, &train_labels, config);
        for (i, row) in rows.iter().enumerate() {
            if fold[i] == k {
                scores[i] = model.probability(row);
            }
        }
    }
    scores
}

/// The highest threshold at which at least `target_recall` of the claims score at or above it.
pub fn choose_threshold(scores: &[f64], labels: &[bool], target_recall: f64) -> f64 {
    let mut positives: Vec<f64> = scores
        .iter()
        .zip(labels)
        .filter(|(_, &l)| l)
        .map(|(&s, _)| s)
        .collect();
    if positives.is_empty() {
        return 0.5;
    }
    positives.sort_by(|a, b| b.total_cmp(a));
    let needed =
        ((target_recall * positives.len() as f64).ceil() as usize).clamp(1, positives.len());
    positives[needed - 1]
}

/// A trained model with what the weights file records about it.
#[derive(Debug, Clone)]
pub struct Trained {
    pub linear: Linear,
    /// On the calibrated scale.
    pub threshold: f64,
    /// Platt's `(a, b)`: the score is σ(a·z + b) for the linear model's log-odds z.
    pub calibration: (f64, f64),
    pub sha256: String,
    pub examples: usize,
    pub claims: usize,
    /// Features seen in the training data, and those kept by `min_count`.
    pub seen: usize,
    pub kept: usize,
    /// Out-of-fold recall and precision at the chosen threshold.
    pub cv_recall: f64,
    pub cv_precision: f64,
    pub config: Config,
}

/// Features of each example, in order, without the families `config` leaves out.
pub fn featurize(examples: &[Example], config: &Config) -> Vec<Vec<String>> {
    examples
        .iter()
        .map(|e| {
            features(&e.sentence, e.language)
                .into_iter()
                .filter(|f| config.keeps(f))
                .collect()
        })
        .collect()
}

/// Platt scaling: the `(a, b)` for which σ(a·z + b) best predicts the labels from the
/// out-of-fold log-odds `z`, so a score of 0.8 means about 8 claims in 10 such sentences.
/// Newton's method on the two parameters, with Platt's smoothed targets.
pub fn calibrate(logits: &[f64], labels: &[bool]) -> (f64, f64) {
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    let (hi, lo) = (
        (positives + 1.0) / (positives + 2.0),
        1.0 / (negatives + 2.0),
    );
    let targets: Vec<f64> = labels.iter().map(|&l| if l { hi } else { lo }).collect();
    let (mut a, mut b) = (1.0_f64, 0.0_f64);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for (&z, &t) in logits.iter().zip(&targets) {
            let p = sigmoid(a * z + b);
            let d = p - t;
            let w = p * (1.0 - p);
            ga += d * z;
            gb += d;
            haa += w * z * z;
            hab += w * z;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() < 1e-9 && db.abs() < 1e-9 {
            break;
        }
    }
    (a, b)
}

pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-9, 1.0 - 1e-9);
    (p / (1.0 - p)).ln()
}

/// Out-of-fold scores on the calibrated scale, the calibration fitted on them, and the
/// threshold they give for the configured recall.
#[derive(Debug, Clone)]
pub struct CrossValidated {
    pub scores: Vec<f64>,
    pub calibration: (f64, f64),
    pub threshold: f64,
}

/// Cross-validates `rows`: every sentence scored by a model that never saw it, then Platt
/// scaling on those scores and the recall-first threshold.
pub fn cross_validate(rows: &[Vec<String>], labels: &[bool], config: &Config) -> CrossValidated {
    let raw = out_of_fold(rows, labels, config);
    let logits: Vec<f64> = raw.iter().map(|&p| logit(p)).collect();
    let calibration = calibrate(&logits, labels);
    // The guide's gate answers first: the threshold is chosen among the sentences it lets
    // through, and the ones it stops score 0, as they will in the detector.
    let gated: Vec<bool> = rows
        .iter()
        .map(|row| super::structure::outside_the_employer(row))
        .collect();
    let scores: Vec<f64> = logits
        .iter()
        .zip(&gated)
        .map(|(&z, &out)| {
            if out {
                0.0
            } else {
                sigmoid(calibration.0 * z + calibration.1)
            }
        })
        .collect();
    let (open_scores, open_labels): (Vec<f64>, Vec<bool>) = scores
        .iter()
        .zip(labels)
        .zip(&gated)
        .filter(|(_, &out)| !out)
        .map(|((&s, &l), _)| (s, l))
        .unzip();
    let threshold = choose_threshold(&open_scores, &open_labels, config.target_recall);
    CrossValidated {
        scores,
        calibration,
        threshold,
    }
}

/// Cross-validates for the calibration and the threshold, then fits on all of `examples`.
pub fn train(examples: &[Example], config: &Config) -> Trained {
    let rows = featurize(examples, config);
    let labels: Vec<bool> = examples.iter().map(|e| e.claim).collect();
    let CrossValidated {
        scores: oof,
        calibration,
        threshold,
    } = cross_validate(&rows, &labels, config);
    let (mut tp, mut fp, mut positives) = (0usize, 0usize, 0usize);
    for (&s, &l) in oof.iter().zip(&labels) {
        positives += usize::from(l);
        if s >= threshold {
            if l {
                tp += 1;
            } else {
                fp += 1;
            }
        }
    }
    let linear = fit(&rows, &labels, config);
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    for row in &rows {
        for f in row {
            seen.insert(f, ());
        }
    }
    Trained {
        kept: linear.weights.len(),
        seen: seen.len(),
        linear,
        threshold,
        calibration,
        sha256: corpus::sha256(examples),
        examples: examples.len(),
        claims: positives,
        cv_recall: tp as f64 / positives.max(1) as f64,
        cv_precision: tp as f64 / (tp + fp).max(1) as f64,
        config: config.clone(),
    }
}

/// The weights file: header comments, then `feature<TAB>weight` sorted by name, weights
/// rounded to 4 decimals and the negligible ones left out, so a retrain diffs cleanly.
pub fn weights_file(trained: &Trained) -> String {
    let c = &trained.config;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Vouch claim detector: logistic regression weights. Written by\n\
         # `cargo run --release --example detector_train`; do not edit by hand. A test fails when\n\
         # the training data's SHA-256 below no longer matches the corpus: retrain then."
    );
    let _ = writeln!(out, "# threshold: {:.6}", trained.threshold);
    let _ = writeln!(out, "# bias: {:.6}", trained.linear.bias);
    let _ = writeln!(
        out,
        "# calibration: {:.6} {:.6}",
        trained.calibration.0, trained.calibration.1
    );
    let _ = writeln!(out, "# training-sha256: {}", trained.sha256);
    let _ = writeln!(
        out,
        "# examples: {} ({} claims, {} none); features: {} seen, {} kept (min count {})",
        trained.examples,
        trained.claims,
        trained.examples - trained.claims,
        trained.seen,
        trained.kept,
        c.min_count
    );
    let _ = writeln!(
        out,
        "# config: lambda {} (dense x{}, letters x{}, words x{}, left out: {}) iterations {} \
         learning rate {} folds {} seed {} target recall {}",
        c.lambda,
        c.dense_penalty,
        c.char_penalty,
        c.word_penalty,
        c.dropped.join(" "),
        c.iterations,
        c.learning_rate,
        c.folds,
        c.seed,
        c.target_recall
    );
    let _ = writeln!(
        out,
        "# cross-validated at the threshold: recall {:.4} precision {:.4}",
        trained.cv_recall, trained.cv_precision
    );
    for (name, &weight) in &trained.linear.weights {
        let rounded = (weight * 1e4).round() / 1e4;
        if rounded.abs() >= c.prune_below.max(1e-4) {
            let _ = writeln!(out, "{name}\t{rounded:.4}");
        }
    }
    out
}
