use super::*;

/// The reading form, and for each of its chars the original text at its span.
fn spans(text: &str) -> (String, Vec<String>) {
    let reading = Reading::new(text);
    let original: Vec<char> = text.chars().collect();
    let quoted = (0..reading.chars().len())
        .map(|i| {
            let (start, end) = reading.original(i, i + 1);
            original[start..end].iter().collect()
        })
        .collect();
    (reading.as_string(), quoted)
}

#[test]
fn cyrillic_greek_and_latin_look_alikes_read_as_latin() {
    // е а р о у: Cyrillic.
    assert_eq!(read("Wе аrе thе bеst еmрlоуеr"), "We are the best employer");
    // ο ν: Greek; Ι: Greek capital iota, an I.
    assert_eq!(
        read("Ιn οur team, nο οne wοrks weekends"),
        "In our team, no one works weekends"
    );
    assert_eq!(read("Іnnovation"), "Innovation"); // Cyrillic І
    assert_eq!(read("unlımıted"), "unlimited"); // dotless ı
    assert_eq!(read("ɑll of us"), "all of us"); // Latin alpha
    assert_eq!(read("ꮃe"), "we"); // Cherokee small letter
    assert_eq!(read("Noёl"), "Noël"); // Cyrillic ё: an accented Latin letter
}

#[test]
fn invisible_characters_go_and_soft_hyphens_join_words() {
    for hidden in [
        '\u{200b}',
        '\u{200c}',
        '\u{200d}',
        '\u{2060}',
        '\u{feff}',
        '\u{202a}',
        '\u{202e}',
        '\u{2066}',
        '\u{2069}',
        '\u{fe0f}',
        '\u{e0041}',
        '\u{180e}',
    ] {
        assert_eq!(read(&format!("em{hidden}ployee")), "employee", "{hidden:?}");
    }
    assert_eq!(read("guar\u{ad}an\u{ad}teed"), "guaranteed");
    assert_eq!(read("\u{feff}Hello\u{200b}"), "Hello");
}

#[test]
fn compatibility_forms_read_plain() {
    assert_eq!(read("＃ｅｍｐｌｏｙｅｅ"), "#employee");
    assert_eq!(read("𝐖𝐞 𝐚𝐫𝐞 𝐭𝐡𝐞 𝐛𝐞𝐬𝐭"), "We are the best");
    assert_eq!(read("𝔟𝔢𝔰𝔱 𝓮𝓶𝓹𝓵𝓸𝔂𝓮𝓻"), "best employer");
    assert_eq!(read("ﬁrst ①"), "first 1");
    assert_eq!(read("Ⓑest"), "Best");
    assert_eq!(read("ｗｅ　ａｒｅ"), "we\u{3000}are"); // whitespace stays as written
    assert_eq!(read("e\u{301}quipe"), "équipe");
}

#[test]
fn digits_french_accents_and_symbols_are_untouched() {
    for text in [
        "0 1 2 3 4 5 6 7 8 9 10% 1,500 € 4.5",
        "Élue n°1, l'équipe à Zürich, garçon, cœur, œuvre, Noël, ça, où, dès, naïve",
        "ÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ àâæçéèêëîïôœùûüÿ ß",
        "mom, will, I, l, O, rn, Ill",
        "Great Place to Work™ … « Nous recrutons ! » 100\u{a0}% l´équipe",
        "I ❤️ Acme 👩‍💻 🇫🇷 #️⃣",
        "З б", // Cyrillic letters whose skeletons are digits stay letters
    ] {
        assert_eq!(read(text), text);
    }
}

#[test]
fn every_char_maps_back_to_the_text_as_written() {
    let (reading, quoted) = spans("a\u{200b}ｂс\u{ad}ﬁe\u{301}");
    assert_eq!(reading, "abcfié");
    assert_eq!(quoted, ["a", "ｂ", "с", "ﬁ", "ﬁ", "e\u{301}"]);
    let reading = Reading::new("Wе аrе\u{200b} thе bеst");
    assert_eq!(reading.original(0, 6), (0, 6));
    assert_eq!(reading.original(7, 15), (8, 16));
}

#[test]
fn only_text_written_as_it_reads_is_plain() {
    assert!(written_plainly("#Employee"));
    assert!(written_plainly("#Salarie\u{301}"));
    assert!(written_plainly("I ❤️ Acme"));
    assert!(!written_plainly("#em\u{200b}ployee"));
    assert!(!written_plainly("＃ｅｍｐｌｏｙｅｅ"));
    assert!(!written_plainly("#еmployee"));
    assert!(!written_plainly("#em\u{ad}ployee"));
}
