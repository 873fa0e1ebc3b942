//! Property tests: `detect` and `normalize` must hold their contracts on any input.

use super::super::*;
use proptest::prelude::*;

fn check_invariants(text: &str) {
    let n = text.chars().count();
    let chars: Vec<char> = text.chars().collect();
    for language in [Language::En, Language::Fr, guess_language(text)] {
        let claims = detect(text, language);
        let mut previous_end = 0;
        for c in &claims {
            assert!(
                c.start <= c.end && c.end <= n,
                "span {}..{} of {n}",
                c.start,
                c.end
            );
            assert!(c.start >= previous_end, "overlapping or unsorted spans");
            previous_end = c.end;
            let slice: String = chars[c.start..c.end].iter().collect();
            assert_eq!(c.text, slice);
            assert_eq!(c.normalized, normalize(&c.text));
        }
    }
    let _ = normalize(text);
}

fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "0",
        "4",
        "5",
        "42",
        "100",
        "1,500",
        "3 000",
        "4.5",
        "%",
        "\u{a0}%",
        "€",
        "$",
        "k€",
        "£",
        "é",
        "è",
        "à",
        "ç",
        "œ",
        "e\u{301}",
        "a\u{308}\u{308}",
        "\u{200b}",
        "🎉",
        "👩‍💻",
        "🇫🇷",
        "日本",
        "中文",
        "\n",
        "\r\n",
        "\u{2028}",
        ". ",
        "! ",
        "?",
        "…",
        "...",
        "•",
        "- ",
        "#1",
        "n°1",
        "l'",
        "’",
        "\"",
        "» ",
        "http://a.b/c?d",
        "www.x.fr.",
        "e.g.",
        "M.",
        "No. ",
        "we ",
        "our ",
        "nous ",
        "tous nos salariés ",
        "every employee ",
        "the best ",
        "never ",
        "jamais ",
        "Great Place to Work",
        "certifiée ",
        "4-day week",
        "semaine de 4 jours",
        " ",
        "\t",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn never_panics_on_any_string(text in any::<String>()) {
        check_invariants(&text);
    }

    #[test]
    fn never_panics_on_tricky_mixtures(text in tricky_text()) {
        check_invariants(&text);
    }

    #[test]
    fn normalize_ignores_case_spacing_and_trailing_punctuation(text in "[A-Za-zÀ-ÿ0-9 ]{0,40}") {
        let variant = format!("  {}  !", text.to_uppercase().replace(' ', "   "));
        prop_assert_eq!(normalize(&text), normalize(&variant));
    }
}
