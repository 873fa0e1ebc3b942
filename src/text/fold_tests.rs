use super::*;

/// The folded match, and the text as written at its span.
fn folded_match(text: &str, needle: &str) -> Option<(usize, usize, String)> {
    let folded = Folded::new(text);
    folded
        .find(needle, true)
        .map(|(start, end)| (start, end, folded.quote(start, end)))
}

#[test]
fn finds_in_char_offsets() {
    assert_eq!(
        folded_match("Élue N°1 en France", "n°1"),
        Some((5, 8, "N°1".into()))
    );
    assert_eq!(
        folded_match("İstanbul office", "office"),
        Some((9, 15, "office".into()))
    );
    assert_eq!(Folded::new("bestseller").find("best", true), None);
    assert_eq!(Folded::new("bestseller").find("best", false), Some((0, 4)));
}

#[test]
fn whitespace_runs_and_non_breaking_spaces_are_one_space() {
    assert_eq!(
        folded_match("We are number  one", "number one"),
        Some((7, 18, "number  one".into()))
    );
    for space in ['\u{a0}', '\u{202f}', '\u{2007}', '\u{3000}', '\t', '\n'] {
        let text = format!("We are number{space}one!");
        let (_, _, matched) = folded_match(&text, "number one").unwrap();
        assert_eq!(matched, format!("number{space}one"));
    }
    assert_eq!(
        folded_match("number \u{200b} one", "number one"),
        Some((0, 12, "number \u{200b} one".into()))
    );
}

#[test]
fn invisible_characters_are_ignored() {
    for hidden in [
        '\u{200b}',
        '\u{200c}',
        '\u{200d}',
        '\u{2060}',
        '\u{feff}',
        '\u{ad}',
        '\u{202e}',
        '\u{fe0f}',
        '\u{e0041}',
    ] {
        let text = format!("Bonus guar{hidden}anteed.");
        assert_eq!(
            folded_match(&text, "guaranteed"),
            Some((6, 17, format!("guar{hidden}anteed"))),
            "{hidden:?}"
        );
    }
    assert_eq!(
        folded_match("\u{feff}guaranteed\u{200b}", "guaranteed"),
        Some((1, 11, "guaranteed".into()))
    );
}

#[test]
fn compatibility_forms_and_case_are_folded() {
    assert_eq!(
        folded_match("Bonus ｇｕａｒａｎｔｅｅｄ!", "guaranteed"),
        Some((6, 16, "ｇｕａｒａｎｔｅｅｄ".into()))
    );
    assert_eq!(
        folded_match("GUARANTEED", "ｇｕａｒａｎｔｅｅｄ"),
        Some((0, 10, "GUARANTEED".into()))
    );
    // Ligature, circled digit, decomposed accent, German sharp s.
    assert_eq!(folded_match("ﬁnest", "finest").unwrap().2, "ﬁnest");
    assert_eq!(folded_match("We are #① here", "#1").unwrap().2, "#①");
    assert_eq!(
        folded_match("Une e\u{301}quipe", "équipe").unwrap().2,
        "e\u{301}quipe"
    );
    assert_eq!(folded_match("STRASSE", "Straße").unwrap().2, "STRASSE");
}

#[test]
fn look_alike_letters_are_folded() {
    for (text, needle, matched) in [
        ("Bonus guarantееd!", "guaranteed", "guarantееd"), // Cyrillic е
        ("Bonus GUАRАNTEED!", "guaranteed", "GUАRАNTEED"), // Cyrillic А
        ("Bonus 𝐠𝐮𝐚𝐫𝐚𝐧𝐭𝐞𝐞𝐝!", "guaranteed", "𝐠𝐮𝐚𝐫𝐚𝐧𝐭𝐞𝐞𝐝"), // mathematical bold
        ("We are number οne", "number one", "number οne"), // Greek ο
        ("We are number оne", "number one", "number оne"), // Cyrillic о
        ("Unlımıted leave", "unlimited", "Unlımıted"),     // dotless ı
    ] {
        let found = folded_match(text, needle).map(|m| m.2);
        assert_eq!(found.as_deref(), Some(matched), "{text}");
    }
    // A term written in look-alikes matches the plain text too.
    assert!(Folded::new("Bonus guaranteed")
        .find("guarаnteed", true)
        .is_some());
}

#[test]
fn folded_matches_keep_whole_words() {
    assert_eq!(folded_match("unguaranteed", "guaranteed"), None);
    assert_eq!(folded_match("un\u{200b}guaranteed", "guaranteed"), None);
    assert_eq!(folded_match("ｇｕａｒａｎｔｅｅｄｌｙ", "guaranteed"), None);
    assert_eq!(folded_match("anything", "\u{200b}"), None);
    assert_eq!(fold("  Number\u{a0}\u{a0}ONE "), "number one");
}

#[test]
fn a_needle_is_written_plainly_or_disguised() {
    let tag = |text: &str| Folded::new(text).written("#employee", char::is_alphanumeric);
    assert_eq!(tag("Proud #Employee"), Written::Plainly(6, 15));
    assert_eq!(tag("Proud #employe\u{301}e"), Written::Absent);
    assert_eq!(tag("Proud #em\u{200b}ployee"), Written::Disguised(6, 16));
    assert_eq!(tag("Proud ＃ｅｍｐｌｏｙｅｅ"), Written::Disguised(6, 15));
    assert_eq!(tag("Proud #еmployee"), Written::Disguised(6, 15));
    assert_eq!(
        tag("#em\u{ad}ployee and #employee"),
        Written::Plainly(15, 24)
    );
    assert_eq!(tag("Proud #employees"), Written::Absent);
    // A decomposed accent shows and reads the same: plain.
    let salarie = Folded::new("Fière #Salarie\u{301}").written("#Salarié", char::is_alphanumeric);
    assert_eq!(salarie, Written::Plainly(6, 15));
}
