//! Claims disguised with look-alike letters, invisible characters or compatibility forms are
//! found as the plain ones are, on the text as written, with the plain one's match key.

use std::sync::LazyLock;

use super::super::*;
use proptest::prelude::*;

/// The claims of `text` as (start, end, text as written, match key, kind).
fn found(text: &str, language: Language) -> Vec<(usize, usize, String, String, ClaimKind)> {
    detect(text, language)
        .into_iter()
        .map(|c| (c.start, c.end, c.text, c.normalized, c.kind))
        .collect()
}

/// The disguised sentence, set among plain ones, is found where it is written, with the
/// plain sentence's key and kind.
fn found_disguised(plain: &str, disguised: &str, language: Language) {
    assert_ne!(plain, disguised);
    let before = "I joined last spring. ";
    let text = format!("{before}{disguised} Come and meet us!");
    let plain_claims = found(&format!("{before}{plain} Come and meet us!"), language);
    assert_eq!(
        plain_claims.len(),
        1,
        "the plain sentence is a claim: {plain}"
    );
    let start = before.chars().count();
    let end = start + disguised.chars().count();
    assert_eq!(
        found(&text, language),
        [(
            start,
            end,
            disguised.to_string(),
            plain_claims[0].3.clone(),
            plain_claims[0].4
        )],
        "{disguised:?}"
    );
    let rules: Vec<(usize, usize)> = detect_rules(&text, language)
        .into_iter()
        .map(|(s, e, _)| (s, e))
        .collect();
    let plain_rules = detect_rules(&format!("{before}{plain} Come and meet us!"), language);
    if !plain_rules.is_empty() {
        assert_eq!(rules, [(start, end)], "the rules see it too: {disguised:?}");
    }
}

#[test]
fn claims_in_cyrillic_look_alikes_are_found() {
    // е а р о у: Cyrillic.
    found_disguised(
        "We are the best employer in France.",
        "Wе аrе thе bеst еmрlоуеr in France.",
        Language::En,
    );
    found_disguised(
        "Nous sommes le meilleur employeur de France.",
        "Nous sommes lе mеillеur еmploуеur dе Francе.",
        Language::Fr,
    );
    // No marker at all: the learned model reads the plain words.
    found_disguised(
        "Acme pays for its employees' glasses.",
        "Асmе рауѕ fоr іtѕ еmрlоуееѕ' glаѕѕеѕ.",
        Language::En,
    );
}

#[test]
fn claims_in_greek_look_alikes_are_found() {
    // Ε ο α ν ι: Greek.
    found_disguised(
        "Every employee gets 25 days of paid leave.",
        "Εvery emplοyee gets 25 dαys οf pαid leανe.",
        Language::En,
    );
    found_disguised(
        "We are the best employer in France.",
        "We αre the best emplοyer ιn Frαnce.",
        Language::En,
    );
}

#[test]
fn claims_with_zero_width_characters_between_letters_are_found() {
    found_disguised(
        "We are the best employer in France.",
        "We are the b\u{200b}est em\u{200d}ploy\u{200c}er in Fr\u{2060}ance\u{feff}.",
        Language::En,
    );
    found_disguised(
        "We are the number one employer in France.",
        "We are the nu\u{200b}m\u{200b}b\u{200b}e\u{200b}r one employer in France.",
        Language::En,
    );
}

#[test]
fn claims_in_fullwidth_letters_are_found() {
    found_disguised(
        "We are the best employer in France.",
        "Ｗｅ ａｒｅ ｔｈｅ ｂｅｓｔ ｅｍｐｌｏｙｅｒ ｉｎ Ｆｒａｎｃｅ.",
        Language::En,
    );
    found_disguised(
        "Every employee gets 25 days of paid leave.",
        "Every employee gets ２５ days of paid leave.",
        Language::En,
    );
}

#[test]
fn claims_with_soft_hyphens_are_found() {
    found_disguised(
        "We are the best employer in France.",
        "We are the be\u{ad}st em\u{ad}ploy\u{ad}er in France.",
        Language::En,
    );
    found_disguised(
        "Nous sommes le meilleur employeur de France.",
        "Nous sommes le meil\u{ad}leur em\u{ad}ployeur de France.",
        Language::Fr,
    );
}

#[test]
fn claims_in_mathematical_bold_letters_are_found() {
    found_disguised(
        "We are the best employer in France.",
        "𝐖𝐞 𝐚𝐫𝐞 𝐭𝐡𝐞 𝐛𝐞𝐬𝐭 𝐞𝐦𝐩𝐥𝐨𝐲𝐞𝐫 𝐢𝐧 𝐅𝐫𝐚𝐧𝐜𝐞.",
        Language::En,
    );
    found_disguised(
        "Every employee gets 25 days of paid leave.",
        "Every employee gets 𝟐𝟓 𝒅𝒂𝒚𝒔 of paid leave.",
        Language::En,
    );
}

#[test]
fn a_disguised_claim_keeps_a_verified_claims_key() {
    let plain = normalize("We are the best employer in France.");
    for disguised in [
        "Wе аrе thе bеst еmрlоуеr in France.",
        "We are the b\u{200b}est employer in France!",
        "𝐖𝐞 𝐚𝐫𝐞 𝐭𝐡𝐞 𝐛𝐞𝐬𝐭 employer in France",
        "WE ARE THE BE\u{ad}ST EMPLOYER IN FRANCE",
    ] {
        assert_eq!(normalize(disguised), plain, "{disguised:?}");
    }
    // A capital and its letter are one where either looks Latin only once lower-cased.
    assert_eq!(normalize("Þ"), normalize("þ"));
    assert_eq!(normalize("ΕΤΑ"), "eta");
    // Figures and French accents keep their meaning.
    assert_eq!(normalize("１０ % de prime"), normalize("10 % de prime"));
    assert_ne!(normalize("Côte"), normalize("Cote"));
    assert_eq!(
        guess_language("Nоus sоmmеs lе mеillеur еmplоyеur"),
        Language::Fr
    );
}

/// The corpus claims the detector finds alone, as one sentence.
static CLAIMS: LazyLock<Vec<(Language, String)>> = LazyLock::new(|| {
    learned::corpus::new_corpus()
        .into_iter()
        .filter(|e| e.claim)
        .filter(|e| {
            let found = detect(&e.sentence, e.language);
            found.len() == 1 && found[0].text == e.sentence.trim()
        })
        .map(|e| (e.language, e.sentence))
        .collect()
});

/// Look-alikes that read back as the very letter: Cyrillic, Greek and Latin.
fn look_alike(c: char, pick: u8) -> Option<char> {
    let choices: &[char] = match c {
        'a' => &['а', 'α', 'ɑ'],
        'c' => &['с'],
        'e' => &['е'],
        'i' => &['і', 'ı', 'ι'],
        'j' => &['ј'],
        'o' => &['о', 'ο', 'օ'],
        'p' => &['р', 'ρ'],
        's' => &['ѕ'],
        'v' => &['ν'],
        'x' => &['х'],
        'y' => &['у', 'γ'],
        'A' => &['А', 'Α'],
        'B' => &['В', 'Β'],
        'C' => &['С'],
        'E' => &['Е', 'Ε'],
        'H' => &['Н', 'Η'],
        'I' => &['І', 'Ι'],
        'K' => &['К', 'Κ'],
        'M' => &['М', 'Μ'],
        'N' => &['Ν'],
        'O' => &['О', 'Ο'],
        'P' => &['Р', 'Ρ'],
        'T' => &['Т', 'Τ'],
        'X' => &['Х', 'Χ'],
        _ => return None,
    };
    Some(choices[pick as usize % choices.len()])
}

/// The fullwidth or mathematical bold form of an ASCII letter or digit.
fn styled(c: char, bold: bool) -> Option<char> {
    let (base, offset) = match c {
        'A'..='Z' if bold => ('A', 0x1D400),
        'a'..='z' if bold => ('a', 0x1D41A),
        '0'..='9' if bold => ('0', 0x1D7CE),
        'A'..='Z' => ('A', 0xFF21),
        'a'..='z' => ('a', 0xFF41),
        '0'..='9' => ('0', 0xFF10),
        _ => return None,
    };
    char::from_u32(offset + (c as u32 - base as u32))
}

/// `sentence` disguised char by char (`choices[i]` says how char `i` is written), and for
/// each char offset of `sentence` the offset it moved to.
fn disguise(sentence: &str, choices: &[u8]) -> (String, Vec<usize>) {
    let chars: Vec<char> = sentence.chars().collect();
    let mut out: Vec<char> = Vec::new();
    let mut moved = Vec::with_capacity(chars.len() + 1);
    for (i, &c) in chars.iter().enumerate() {
        moved.push(out.len());
        let choice = choices.get(i).copied().unwrap_or(0);
        let written = match choice % 8 {
            1 => look_alike(c, choice / 8),
            2 => styled(c, false),
            3 => styled(c, true),
            _ => None,
        };
        out.push(written.unwrap_or(c));
        // Invisible characters and soft hyphens go between two letters of a word.
        let between_letters =
            c.is_ascii_alphabetic() && chars.get(i + 1).is_some_and(char::is_ascii_alphabetic);
        match choice % 8 {
            4 if between_letters => {
                out.push(['\u{200b}', '\u{200c}', '\u{2060}'][choice as usize / 8 % 3])
            }
            5 if between_letters => out.push('\u{ad}'),
            6 if between_letters => out.push('\u{200d}'),
            _ => {}
        }
    }
    moved.push(out.len());
    (out.into_iter().collect(), moved)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever claim the detector finds, its disguised forms are found too: same span (on
    /// the text as written), same match key, same kind.
    #[test]
    fn disguised_claims_are_found_with_the_same_span_and_key(
        pick in any::<prop::sample::Index>(),
        choices in prop::collection::vec(0u8..64, 0..300),
    ) {
        let (language, sentence) = &CLAIMS[pick.index(CLAIMS.len())];
        let text = format!("Hello! {sentence}");
        let plain = detect(&text, *language);
        let (disguised, moved) = disguise(&text, &choices);
        let found = detect(&disguised, *language);
        prop_assert_eq!(found.len(), plain.len(), "{:?}", disguised);
        for (p, d) in plain.iter().zip(&found) {
            prop_assert_eq!((d.start, d.end), (moved[p.start], moved[p.end]), "{:?}", disguised);
            let written: String = disguised.chars().skip(d.start).take(d.end - d.start).collect();
            prop_assert_eq!(&d.text, &written);
            prop_assert_eq!(&d.normalized, &p.normalized);
            prop_assert_eq!(d.kind, p.kind);
        }
    }
}

#[test]
fn the_property_draws_from_many_corpus_claims() {
    assert!(CLAIMS.len() > 500, "{} claims", CLAIMS.len());
}
