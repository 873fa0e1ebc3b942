use super::*;

mod disguise;
mod props;

fn kinds(text: &str, language: Language) -> Vec<ClaimKind> {
    detect(text, language).into_iter().map(|c| c.kind).collect()
}

fn is_claim(text: &str, language: Language) -> bool {
    !detect(text, language).is_empty()
}

#[test]
fn language_codes_parse_case_and_region_insensitively() {
    for code in ["en", "EN", "en-GB", "en_US", " en "] {
        assert_eq!(Language::parse(code), Some(Language::En), "{code}");
    }
    for code in ["fr", "FR", "fr-CA", "fr_FR", "fr-be"] {
        assert_eq!(Language::parse(code), Some(Language::Fr), "{code}");
    }
    for code in ["", "de", "es-ES", "-"] {
        assert_eq!(Language::parse(code), None, "{code}");
    }
    assert_eq!(Language::Fr.code(), "fr");
    assert_eq!(Language::parse(Language::En.code()), Some(Language::En));
}

#[test]
fn kind_names_are_snake_case_and_priority_is_documented_order() {
    let names: Vec<&str> = [
        ClaimKind::Number,
        ClaimKind::Ranking,
        ClaimKind::Award,
        ClaimKind::Absolute,
        ClaimKind::Promise,
    ]
    .iter()
    .map(|k| k.as_str())
    .collect();
    assert_eq!(names, ["number", "ranking", "award", "absolute", "promise"]);
    assert!(ClaimKind::Award.priority() > ClaimKind::Ranking.priority());
    assert!(ClaimKind::Ranking.priority() > ClaimKind::Promise.priority());
    assert!(ClaimKind::Promise.priority() > ClaimKind::Absolute.priority());
    assert!(ClaimKind::Absolute.priority() > ClaimKind::Number.priority());
}

#[test]
fn a_realistic_post_flags_only_its_factual_sentences() {
    let post = "3 ans chez Acme aujourd'hui 🎉\n\nCe que j'aime ici ?\n\
        • la semaine de 4 jours\n\
        • 100\u{a0}% de la mutuelle prise en charge\n\
        • une équipe en or\n\n\
        Nous sommes le premier employeur de la région, etc. Venez nous rencontrer !\n#recrutement #fierté";
    let claims = detect(post, Language::Fr);
    let texts: Vec<&str> = claims.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "la semaine de 4 jours",
            "100\u{a0}% de la mutuelle prise en charge",
            "Nous sommes le premier employeur de la région, etc.",
        ]
    );
    let kinds: Vec<ClaimKind> = claims.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [ClaimKind::Promise, ClaimKind::Promise, ClaimKind::Ranking]
    );
    assert_eq!(
        claims[2].normalized,
        "nous sommes le premier employeur de la région etc"
    );
}

#[test]
fn guesses_language_from_stopwords_and_accents() {
    assert_eq!(
        guess_language("Nous sommes fiers de notre équipe."),
        Language::Fr
    );
    assert_eq!(
        guess_language("L'entreprise propose le télétravail"),
        Language::Fr
    );
    assert_eq!(guess_language("We are proud of our team."), Language::En);
    assert_eq!(guess_language(""), Language::En);
    assert_eq!(guess_language("12345 !!!"), Language::En);
}

#[test]
fn splits_sentences_but_not_decimals_abbreviations_or_urls() {
    let text = "Our rating is 4.5 on Glassdoor. See https://vouch.io/jobs?id=3. M. Dupont, e.g. our CEO, agrees! Really?";
    let spans: Vec<String> = sentences::split(&text.chars().collect::<Vec<_>>())
        .into_iter()
        .map(|(s, e)| text.chars().skip(s).take(e - s).collect())
        .collect();
    assert_eq!(
        spans,
        vec![
            "Our rating is 4.5 on Glassdoor.",
            "See https://vouch.io/jobs?id=3.",
            "M. Dupont, e.g. our CEO, agrees!",
            "Really?",
        ]
    );
}

#[test]
fn splits_on_newlines_bullets_and_ellipses() {
    let text = "Why join us…\n- 4-day week\n• unlimited holidays\n1. Full remote\nThat's it";
    let spans: Vec<String> = sentences::split(&text.chars().collect::<Vec<_>>())
        .into_iter()
        .map(|(s, e)| text.chars().skip(s).take(e - s).collect())
        .collect();
    assert_eq!(
        spans,
        vec![
            "Why join us…",
            "4-day week",
            "unlimited holidays",
            "Full remote",
            "That's it"
        ]
    );
}

#[test]
fn spans_are_char_offsets_not_bytes() {
    let text = "Équipe géniale 🎉🎉. Nous offrons 100\u{a0}% télétravail.";
    let claims = detect(text, Language::Fr);
    assert_eq!(claims.len(), 1);
    let c = &claims[0];
    let expected: String = text.chars().skip(c.start).take(c.end - c.start).collect();
    assert_eq!(c.text, expected);
    assert_eq!(c.text, "Nous offrons 100\u{a0}% télétravail.");
    assert_eq!(c.kind, ClaimKind::Promise);
}

#[test]
fn detects_each_kind() {
    assert_eq!(
        kinds("We are a certified B Corp.", Language::En),
        vec![ClaimKind::Award]
    );
    assert_eq!(
        kinds("Nous sommes labellisés Top Employer.", Language::Fr),
        vec![ClaimKind::Award]
    );
    assert_eq!(
        kinds("We're the biggest employer in Leeds.", Language::En),
        vec![ClaimKind::Ranking]
    );
    assert_eq!(
        kinds("Nous sommes n°1 en France.", Language::Fr),
        vec![ClaimKind::Ranking]
    );
    assert_eq!(
        kinds("You get 28 days of annual leave.", Language::En),
        vec![ClaimKind::Promise]
    );
    assert_eq!(
        kinds("La mutuelle est prise en charge à 100 %.", Language::Fr),
        vec![ClaimKind::Promise]
    );
    assert_eq!(
        kinds("Our managers never cancel one-to-ones.", Language::En),
        vec![ClaimKind::Absolute]
    );
    assert_eq!(
        kinds("Chaque collaborateur a un mentor.", Language::Fr),
        vec![ClaimKind::Absolute]
    );
    assert_eq!(
        kinds("We employ 2,300 people.", Language::En),
        vec![ClaimKind::Number]
    );
    assert_eq!(
        kinds("Nous avons ouvert 4 bureaux.", Language::Fr),
        vec![ClaimKind::Number]
    );
}

#[test]
fn strongest_kind_wins_within_a_sentence() {
    // Award beats Ranking and Number.
    assert_eq!(
        kinds(
            "We are the first Great Place to Work in Lyon with 500 staff.",
            Language::En
        ),
        vec![ClaimKind::Award]
    );
    // A universal about a benefit is reported as a promise.
    assert_eq!(
        kinds(
            "Every employee gets private health insurance.",
            Language::En
        ),
        vec![ClaimKind::Promise]
    );
}

#[test]
fn money_and_french_spacing() {
    for s in [
        "Salaries from €50,000.",
        "Jusqu'à 45\u{a0}k€ brut.",
        "Base pay of $120k.",
        "Un salaire de 3\u{202f}000\u{a0}€ par mois.",
    ] {
        assert!(
            is_claim(s, Language::Fr) || is_claim(s, Language::En),
            "{s}"
        );
    }
    assert!(is_claim(
        "35\u{202f}% de nos salariés sont des femmes.",
        Language::Fr
    ));
}

#[test]
fn personal_statements_are_not_claims_unless_about_pay_or_benefits() {
    assert!(!is_claim("I joined 3 years ago.", Language::En));
    assert!(!is_claim(
        "I had 2 coffees before my first meeting.",
        Language::En
    ));
    assert!(!is_claim(
        "J'ai toujours rêvé de travailler ici.",
        Language::Fr
    ));
    assert!(is_claim("I got a 10% raise this year.", Language::En));
    assert!(is_claim("J'ai 25 jours de congés par an.", Language::Fr));
}

#[test]
fn questions_greetings_and_hashtags_are_not_claims() {
    for s in [
        "Come join us!",
        "What's your favourite perk?",
        "#hiring #GreatPlaceToWork",
        "Venez nous rencontrer !",
        "Bonjour à tous",
        "Merci à tous nos collaborateurs !",
    ] {
        assert!(
            !is_claim(s, Language::En) && !is_claim(s, Language::Fr),
            "{s}"
        );
    }
    assert!(is_claim(
        "Did you know that 40% of our engineers are women?",
        Language::En
    ));
}

#[test]
fn normalize_matches_across_cosmetic_edits() {
    assert_eq!(normalize("We have 50,000 users."), "we have 50000 users");
    assert_eq!(
        normalize("We have 50 000 users"),
        normalize("we  have 50.000 USERS!")
    );
    assert_eq!(normalize("45\u{a0}%  des salariés…"), "45% des salariés");
    assert_eq!(normalize("45 %"), normalize("45%"));
    assert_eq!(normalize("Rating: 4.5 / 5 🎉"), "rating 4.5 5");
    assert_eq!(normalize("Note de 4,5"), normalize("note de 4.5"));
    assert_eq!(normalize("L’entreprise"), normalize("l'entreprise"));
    assert_ne!(normalize("côte"), normalize("cote"));
    // Found by proptest: full case folding, and spacing inside a grouped number.
    assert_eq!(normalize("ß"), normalize("SS"));
    assert_eq!(normalize("0 000A"), normalize("0   000a !"));
    assert_eq!(normalize("  "), "");
    assert_eq!(
        detect("We offer a 4-day week.", Language::En)[0].normalized,
        "we offer a 4 day week"
    );
}

#[test]
fn corpus_precision_recall() {
    let corpus = include_str!("corpus.tsv");
    // (true positives, false positives, false negatives, n, kind matches among true positives)
    let mut stats: Vec<(Language, [usize; 5])> =
        vec![(Language::En, [0; 5]), (Language::Fr, [0; 5])];
    let mut misses = Vec::new();
    for line in corpus
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "bad corpus line: {line}");
        let language = Language::parse(cols[0]).unwrap_or_else(|| panic!("bad lang: {line}"));
        let expected = cols[1] == "claim";
        assert!(expected || cols[1] == "none", "bad label: {line}");
        let found = detect(cols[3], language);
        let predicted = !found.is_empty();
        let Some((_, s)) = stats.iter_mut().find(|(l, _)| *l == language) else {
            unreachable!()
        };
        s[3] += 1;
        match (expected, predicted) {
            (true, true) => {
                s[0] += 1;
                if found.iter().any(|c| c.kind.as_str() == cols[2]) {
                    s[4] += 1;
                }
            }
            (false, true) => {
                s[1] += 1;
                misses.push(format!("FP {line} -> {:?}", found[0].kind));
            }
            (true, false) => {
                s[2] += 1;
                misses.push(format!("FN {line}"));
            }
            (false, false) => {}
        }
    }
    for m in &misses {
        println!("{m}");
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let mut total = [0usize; 5];
    for (language, s) in &stats {
        for (t, v) in total.iter_mut().zip(s) {
            *t += v;
        }
        let precision = ratio(s[0], s[0] + s[1]);
        let recall = ratio(s[0], s[0] + s[2]);
        println!(
            "claims corpus {}: precision {precision:.2} recall {recall:.2} (n={}; kind agreement {:.2})",
            language.code(),
            s[3],
            ratio(s[4], s[0])
        );
        assert!(recall >= 0.95, "{} recall {recall:.2}", language.code());
        assert!(
            precision >= 0.85,
            "{} precision {precision:.2}",
            language.code()
        );
    }
    println!(
        "claims corpus all: precision {:.2} recall {:.2} (n={})",
        ratio(total[0], total[0] + total[1]),
        ratio(total[0], total[0] + total[2]),
        total[3]
    );
    assert!(total[3] >= 200, "corpus too small");
}

/// Sentences kept out of tuning: a guard that the detector generalises, with a lower floor
/// than the corpus it was built on.
#[test]
fn holdout_precision_recall() {
    for language in [Language::En, Language::Fr] {
        let (mut tp, mut fp, mut fn_) = (0.0_f64, 0.0_f64, 0.0_f64);
        for line in include_str!("holdout.tsv").lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            let [lang, label, sentence] = cols[..] else {
                continue;
            };
            if Language::parse(lang) != Some(language) {
                continue;
            }
            match (label == "claim", !detect(sentence, language).is_empty()) {
                (true, true) => tp += 1.0,
                (false, true) => fp += 1.0,
                (true, false) => fn_ += 1.0,
                (false, false) => {}
            }
        }
        let precision = tp / (tp + fp).max(1.0);
        let recall = tp / (tp + fn_).max(1.0);
        println!(
            "claims holdout {}: precision {precision:.2} recall {recall:.2}",
            language.code()
        );
        assert!(
            tp + fn_ >= 10.0,
            "the holdout has claims in {}",
            language.code()
        );
        assert!(
            // 25 and 20 sentences: one miss in English is 0.067 of recall.
            recall >= 0.85 && precision >= 0.9,
            "{} holdout fell",
            language.code()
        );
    }
}

/// Post captions with no claim under the labelling guide (values, feelings, thanks,
/// invitations, stories of one's own, the law, questions), written by a second author and
/// never trained on. The aim is that every one goes out without a hold; today 29 sentences
/// of 145 captions are still held (feelings about a named colleague, job openings, greetings
/// "from all of us at …"), so this keeps that count from growing while the aim stands.
const CAPTIONS: &str = include_str!("tests/captions.tsv");
const CAPTIONS_HELD_AT_MOST: usize = 29;

#[test]
fn plain_captions_pass_without_a_hold() {
    let mut held = Vec::new();
    let mut count = 0;
    for line in CAPTIONS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [lang, kind, caption] = cols.as_slice() else {
            panic!("3 columns: {line}");
        };
        let language = Language::parse(lang).expect("en or fr");
        count += 1;
        for claim in detect(caption, language) {
            held.push(format!(
                "[{kind}] {:.2} {} ← {caption}",
                claim.score, claim.text
            ));
        }
    }
    assert!(count >= 100, "{count} captions");
    println!(
        "{} held of {count} captions:\n{}",
        held.len(),
        held.join("\n")
    );
    assert!(
        held.len() <= CAPTIONS_HELD_AT_MOST,
        "{} held:\n{}",
        held.len(),
        held.join("\n")
    );
}

/// Sentences of the gate issue and of the detector's first issue, with the guide's verdict.
/// `OPEN` are the non-claims still held today, printed so a change that frees one shows.
#[test]
fn the_gate_issues_sentences_get_the_guides_verdict() {
    let harmless = [
        (
            "Nous visons la neutralité carbone, et chacun peut y contribuer.",
            Language::Fr,
        ),
        (
            "The law now requires every firm to publish its pay gap.",
            Language::En,
        ),
        (
            "Since 2019 French firms with 50+ staff publish an equality index",
            Language::En,
        ),
        ("Day 100 at Acme and still smiling.", Language::En),
        ("I'm the first in my family to work in tech.", Language::En),
        ("Toujours partant pour un café !", Language::Fr),
    ];
    for (text, language) in harmless {
        let found = detect(text, language);
        assert!(found.is_empty(), "{text}: held as {found:?}");
    }
    const OPEN: &[(&str, Language)] = &[
        (
            "We're opening roles in Grenoble, come and meet us",
            Language::En,
        ),
        ("We've always been a close bunch", Language::En),
        ("Tout le monde se serre les coudes ici", Language::Fr),
        (
            "Nos équipes sont passionnées par l'innovation.",
            Language::Fr,
        ),
        (
            "Happy holidays from all of us at the Nantes office!",
            Language::En,
        ),
        ("Every Friday we share what we learned.", Language::En),
    ];
    for (text, language) in OPEN {
        println!(
            "still held: {text} ({:?})",
            detect(text, *language).first().map(|c| c.score)
        );
    }
    let claims = [
        ("Notre premier client, c'est l'État.", Language::Fr),
        ("Our absenteeism stays low year after year.", Language::En),
        (
            "After every release, the whole team gets the Friday off.",
            Language::En,
        ),
        (
            "I was so moved when over 300 colleagues joined the charity run.",
            Language::En,
        ),
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
    for (text, language) in claims {
        let found = detect(text, language);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert!(found[0].score >= learned::threshold());
        assert!(
            found[0]
                .why
                .iter()
                .all(|w| !w.contains('…') && !w.contains('“')),
            "reasons, not words: {:?}",
            found[0].why
        );
    }
}
/// A text with exactly one sentence just under the threshold, found in the corpus so the test
/// follows the model through retraining.
fn a_close_call() -> (String, Language) {
    learned::corpus::new_corpus()
        .into_iter()
        .find(|e| {
            let judged = judge(&e.sentence, e.language, None);
            judged.claims.is_empty() && judged.hints.len() == 1
        })
        .map(|e| (e.sentence, e.language))
        .expect("some corpus sentence scores just under the threshold")
}

#[test]
fn sentences_close_to_the_threshold_are_hints_that_hold_nothing() {
    let (text, language) = a_close_call();
    let judged = judge(&text, language, None);
    let hint = &judged.hints[0];
    assert!(detect(&text, language).is_empty(), "nothing held: {text}");
    assert!(hint.score < learned::threshold(), "{hint:?}");
    assert!(hint.score >= learned::model::hint_floor(), "{hint:?}");
    assert!(!hint.why.is_empty(), "{hint:?}");
    // A plain feeling is neither held nor hinted.
    assert_eq!(
        judge("I love my team.", Language::En, None),
        Judged::default()
    );
}
