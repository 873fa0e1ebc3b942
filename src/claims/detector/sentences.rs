//! Sentence splitting on char offsets, tuned for social posts rather than prose.

/// Abbreviations after which a period never ends a sentence, compared lowercase
/// and without their inner dots ("e.g." -> "eg").
const NEVER_SPLIT: &[&str] = &[
    "eg", "ie", "vs", "cf", "approx", "env", "resp", "ex", "fig", "min", "max", "av", "bd",
];

/// Titles only count when capitalised: "Ms." is a title, "ms." is more likely the unit.
const TITLES: &[&str] = &[
    "M", "Mme", "Mmes", "Mlle", "MM", "Mr", "Mrs", "Ms", "Dr", "Pr", "Prof", "St", "Ste", "Jr",
    "Sr",
];

/// Markers people put at the start of list lines; they are not part of the sentence.
const BULLETS: &[char] = &[
    '-', '*', '•', '◦', '▪', '▫', '‣', '–', '—', '·', '➢', '➤', '►', '▶', '✓', '✔', '✅', '☑',
    '👉', '→', '>', '+',
];

/// Closing marks that belong to the sentence they end (`"Great!"`, `(really.)`).
const CLOSERS: &[char] = &['"', '\'', ')', ']', '}', '»', '”', '’', '›'];

/// Returns trimmed, non-empty, sorted, non-overlapping `(start, end)` char spans.
pub(super) fn split(chars: &[char]) -> Vec<(usize, usize)> {
    let in_url = url_mask(chars);
    let mut spans = Vec::new();
    let mut start = 0;
    let mut at_line_start = true;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if at_line_start {
            if c.is_whitespace() && !is_newline(c) {
                i += 1;
                continue;
            }
            at_line_start = false;
            if let Some(len) = bullet_len(&chars[i..]) {
                push(&mut spans, chars, start, i);
                i += len;
                start = i;
                continue;
            }
        }
        if is_newline(c) {
            push(&mut spans, chars, start, i);
            i += 1;
            start = i;
            at_line_start = true;
            continue;
        }
        // Inline bullets ("4-day week • remote • equity") separate items just like lines do.
        if c == '•' || c == '▪' {
            push(&mut spans, chars, start, i);
            i += 1;
            start = i;
            continue;
        }
        if in_url[i] {
            i += 1;
            continue;
        }
        let ends = match c {
            '!' | '?' | '…' | '‼' | '⁉' | '。' => true,
            '.' => period_ends_sentence(chars, i),
            _ => false,
        };
        if ends {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j], '.' | '!' | '?' | '…' | '‼' | '⁉') {
                j += 1;
            }
            while j < chars.len() && CLOSERS.contains(&chars[j]) {
                j += 1;
            }
            push(&mut spans, chars, start, j);
            start = j;
            i = j;
            continue;
        }
        i += 1;
    }
    push(&mut spans, chars, start, chars.len());
    spans
}

fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

fn push(spans: &mut Vec<(usize, usize)>, chars: &[char], mut start: usize, mut end: usize) {
    end = end.min(chars.len());
    while start < end && is_blank(chars[start]) {
        start += 1;
    }
    while end > start && is_blank(chars[end - 1]) {
        end -= 1;
    }
    if start < end {
        spans.push((start, end));
    }
}

/// Length of a list marker ("- ", "• ", "1) ", "2. ") at a line start, if any.
fn bullet_len(rest: &[char]) -> Option<usize> {
    let first = *rest.first()?;
    let followed_by_space = |n: usize| rest.get(n).is_some_and(|c| c.is_whitespace());
    if BULLETS.contains(&first) {
        // ASCII markers double as minus signs and quotes, so they need a space after them.
        if !first.is_ascii() || followed_by_space(1) {
            return Some(1);
        }
        return None;
    }
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=2).contains(&digits)
        && matches!(rest.get(digits), Some(')') | Some('.'))
        && followed_by_space(digits + 1)
    {
        return Some(digits + 1);
    }
    None
}

fn period_ends_sentence(chars: &[char], i: usize) -> bool {
    let prev = i.checked_sub(1).map(|p| chars[p]);
    let next = chars.get(i + 1).copied();
    // "...": an ellipsis always ends the sentence; the run is absorbed by the caller.
    if next == Some('.') || prev == Some('.') {
        return true;
    }
    // Glued to the next character: decimals ("4.5"), domains, "e.g", "No.1".
    if next.is_some_and(|c| c.is_alphanumeric()) {
        return false;
    }
    let word = word_before(chars, i);
    let bare: String = word.chars().filter(|c| *c != '.').collect();
    let lower = bare.to_lowercase();
    let next_visible = chars[i + 1..].iter().copied().find(|c| !c.is_whitespace());
    if TITLES.contains(&bare.as_str()) || NEVER_SPLIT.contains(&lower.as_str()) {
        return false;
    }
    // A lone capital is an initial ("J. Smith").
    let mut letters = bare.chars();
    if let (Some(only), None) = (letters.next(), letters.next()) {
        if only.is_uppercase() {
            return false;
        }
    }
    if matches!(lower.as_str(), "no" | "n" | "nº" | "nr" | "p" | "pp")
        && next_visible.is_some_and(|c| c.is_ascii_digit())
    {
        return false;
    }
    // An unknown abbreviation is usually followed by a lowercase word; a new sentence rarely is.
    !next_visible.is_some_and(|c| c.is_lowercase())
}

/// The letters (and inner dots, for "e.g") immediately before position `i`.
fn word_before(chars: &[char], i: usize) -> String {
    let mut s = i;
    while s > 0 && (chars[s - 1].is_alphanumeric() || chars[s - 1] == '.' || chars[s - 1] == 'º') {
        s -= 1;
    }
    chars[s..i].iter().collect()
}

/// Marks chars inside URLs and e-mail addresses so their dots and '?' never split.
fn url_mask(chars: &[char]) -> Vec<bool> {
    let mut mask = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        let token: String = chars[start..i].iter().collect::<String>().to_lowercase();
        let is_url = token.contains("://")
            || token.starts_with("www.")
            || (token.contains('@') && token.contains('.'));
        if is_url {
            // Trailing punctuation after a URL still ends the sentence.
            let mut end = i;
            while end > start && matches!(chars[end - 1], '.' | ',' | '!' | '?' | ';' | ':' | ')') {
                end -= 1;
            }
            for slot in &mut mask[start..end] {
                *slot = true;
            }
        }
    }
    mask
}
