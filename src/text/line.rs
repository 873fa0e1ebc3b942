//! The rule for fields that are one line of text (titles, names, job titles, teams, key
//! names): shown in lists, mail subjects, CSV cells and the careers page, where a line break
//! splits what a reader takes as one thing in two, and a bidi control makes the text run the
//! other way on screen than in memory (`Report` U+202E `fdp.exe` reads as `Reportexe.pdf`). Right-to-left text itself is fine: the Unicode bidi algorithm orders it
//! without any control character.

/// `Ok` when `text` is one line without bidi controls; otherwise why not, naming the first
/// offending character.
pub fn one_line(text: &str) -> Result<(), String> {
    match text.chars().find(|&c| what(c).is_some()) {
        None => Ok(()),
        Some(c) => Err(format!(
            "must be one line of text: U+{:04X} ({}) is not allowed",
            u32::from(c),
            what(c).unwrap_or("a control character")
        )),
    }
}

fn what(c: char) -> Option<&'static str> {
    match c {
        '\r' | '\n' | '\u{000B}' | '\u{000C}' | '\u{0085}' => Some("a line break"),
        '\u{2028}' => Some("the line separator"),
        '\u{2029}' => Some("the paragraph separator"),
        '\u{202A}'..='\u{202E}' => Some("a bidi embedding or override"),
        '\u{2066}'..='\u{2069}' => Some("a bidi isolate"),
        c if c.is_control() => Some("a control character"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn line_breaks_controls_and_bidi_controls_are_refused() {
        for c in [
            '\r', '\n', '\t', '\0', '\u{7f}', '\u{85}', '\u{2028}', '\u{2029}', '\u{202A}',
            '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
            '\u{2069}',
        ] {
            let err = one_line(&format!("a{c}b")).unwrap_err();
            assert!(err.contains(&format!("U+{:04X}", u32::from(c))), "{err}");
        }
    }

    #[test]
    fn plain_text_in_any_script_is_one_line() {
        for ok in [
            "Life at Acme",
            "Été à Lyon — 2026",
            "أمارا أوكافور",
            "שלום עולם",
            "👩🏽‍💻 Engineering",
            "",
        ] {
            assert_eq!(one_line(ok), Ok(()), "{ok}");
        }
    }
}
