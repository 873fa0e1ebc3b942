//! Measures the claim detector on your own labelled sentences:
//!   cargo run --example claims_eval -- sentences.tsv
//! Each line is `lang<TAB>claim|none<TAB>sentence` (the corpus's 4-column form with a kind
//! also works); `#` lines are comments. Prints precision and recall per language and lists
//! every miss, so a comms team can see where to add claims by hand.

use std::collections::BTreeMap;

use vouch::claims::detector::{detect, Language};

#[derive(Default)]
struct Score {
    tp: u32,
    fp: u32,
    fn_: u32,
    n: u32,
}

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: claims_eval <file.tsv>"))?;
    let text = std::fs::read_to_string(&path)?;
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (lang, label, sentence) = match cols.as_slice() {
            [lang, label, sentence] | [lang, label, _, sentence] => (*lang, *label, *sentence),
            _ => anyhow::bail!("line {}: expected 3 or 4 tab-separated columns", number + 1),
        };
        let language = Language::parse(lang)
            .ok_or_else(|| anyhow::anyhow!("line {}: unknown language {lang}", number + 1))?;
        let expected = label == "claim";
        let found = !detect(sentence, language).is_empty();
        let score = scores.entry(lang.to_string()).or_default();
        score.n += 1;
        match (expected, found) {
            (true, true) => score.tp += 1,
            (false, true) => {
                score.fp += 1;
                println!("false alarm [{lang}]: {sentence}");
            }
            (true, false) => {
                score.fn_ += 1;
                println!("missed      [{lang}]: {sentence}");
            }
            (false, false) => {}
        }
    }
    for (lang, s) in &scores {
        let precision = f64::from(s.tp) / f64::from((s.tp + s.fp).max(1));
        let recall = f64::from(s.tp) / f64::from((s.tp + s.fn_).max(1));
        println!(
            "{lang}: precision {precision:.2} recall {recall:.2} (n={})",
            s.n
        );
    }
    Ok(())
}
