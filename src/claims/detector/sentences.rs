//! Sentence splitting on char offsets, tuned for social posts (LinkedIn, X, Mastodon, Bluesky,
//! careers pages) in English and French rather than for prose.
//!
//! One pass over the chars cuts:
//! - after terminal punctuation (`.` `!` `?` `…`), except in decimals, abbreviations, URLs and
//!   e-mail addresses, after an ellipsis followed by a lowercase continuation ("We offer… well,
//!   a lot"), and after a closing quote or bracket followed by one ("“We're hiring!” says our
//!   CEO"); closing marks and trailing emojis stay with the sentence they end;
//! - at a line break, unless the line was wrapped mid-sentence (see
//!   [`line_break_ends_sentence`]); a blank line always cuts;
//! - before list markers (bullets, `1.`, `2)`, `1/`, `①`, `1️⃣`, emoji bullets), which belong to
//!   no sentence;
//! - after an emoji, or a run of them, followed by a capitalised word ("Big news 🎉 We are
//!   hiring");
//! - before a trailing block of hashtags ("… in Lyon #hiring #tech"), which is a span of its
//!   own: the claim then reads the same whatever tags the author adds, and a reviewer sees
//!   the sentence, not the tags.

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

/// Words after which a lone capital is a name ("Series B", "plan B"), not an initial.
const NAMES_A_LETTER: &[&str] = &[
    "series",
    "série",
    "round",
    "plan",
    "type",
    "grade",
    "level",
    "niveau",
    "category",
    "catégorie",
    "vitamin",
    "vitamine",
];

/// Markers people put at the start of list lines; they are not part of the sentence.
const BULLETS: &[char] = &[
    '-', '*', '•', '◦', '▪', '▫', '‣', '–', '—', '·', '➢', '➤', '►', '▶', '✓', '✔', '✅', '☑',
    '👉', '→', '>', '+',
];

/// Emojis that point at or tick off what follows them, so they open an item even in the
/// middle of a line ("Our perks 👉 remote 👉 equity").
const POINTERS: &[char] = &[
    '👉', '➡', '🔹', '🔸', '🔷', '🔶', '✅', '✔', '☑', '▶', '►', '➤', '➢',
];

/// Closing marks that belong to the sentence they end (`"Great!"`, `(really.)`).
const CLOSERS: &[char] = &['"', '\'', ')', ']', '}', '»', '”', '’', '›'];

/// Closing quotes that French typography separates from the sentence by a space (« Oui ! »).
const SPACED_CLOSERS: &[char] = &['»', '›', '”'];

/// Opening marks skipped when looking at how a sentence starts.
const OPENERS: &[char] = &['"', '\'', '(', '[', '“', '‘', '«', '‹', '¿', '¡'];

/// Words a sentence cannot end on: articles, prepositions, conjunctions, possessives,
/// relative and subject pronouns, French elisions. A line, or the text before an emoji or
/// hashtags, that ends on one of them goes on. Words that often end a phrase ("all", "tous",
/// "this", "is", "nous", "car") are left out on purpose.
const CONTINUATION_WORDS: &[&str] = &[
    // English
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "nor",
    "of",
    "for",
    "to",
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "into",
    "onto",
    "about",
    "as",
    "than",
    "via",
    "per",
    "our",
    "your",
    "their",
    "my",
    "its",
    "every",
    "each",
    "who",
    "which",
    "whose",
    "because",
    "if",
    "i",
    "we",
    "they",
    "including",
    // French
    "le",
    "la",
    "les",
    "l'",
    "un",
    "une",
    "des",
    "de",
    "du",
    "d'",
    "et",
    "ou",
    "mais",
    "donc",
    "ni",
    "à",
    "au",
    "aux",
    "en",
    "dans",
    "sur",
    "sous",
    "par",
    "pour",
    "avec",
    "sans",
    "chez",
    "vers",
    "entre",
    "depuis",
    "notre",
    "nos",
    "votre",
    "vos",
    "leur",
    "leurs",
    "mon",
    "ma",
    "mes",
    "sa",
    "ses",
    "ce",
    "cet",
    "cette",
    "ces",
    "chaque",
    "qui",
    "que",
    "qu'",
    "dont",
    "je",
    "j'",
    "ils",
    "très",
    "comme",
    "si",
    "ne",
    "n'",
    "se",
    "s'",
    "c'",
    "m'",
    "t'",
    "jusqu'",
    "lorsqu'",
    "puisqu'",
];

/// Words that open a line continuing the one above, even in a list of unmarked lines.
const CONJUNCTIONS: &[&str] = &[
    "and", "or", "but", "nor", "then", "which", "who", "whose", "et", "ou", "mais", "donc", "ni",
    "puis", "qui", "dont",
];

/// Returns trimmed, non-empty, sorted, non-overlapping `(start, end)` char spans.
pub(super) fn split(chars: &[char]) -> Vec<(usize, usize)> {
    let in_url = url_mask(chars);
    let tag_block = tag_block_starts(chars);
    let mut out = Spans {
        chars,
        spans: Vec::new(),
        start: 0,
    };
    // Lines after one ending with ':' are items of a list without markers ("Ce que j'aime :\n
    // la semaine de 4 jours\nla mutuelle"), not prose wrapped in lowercase, until a blank line
    // or a marked item.
    let mut unmarked_list = false;
    let mut at_line_start = true;
    let mut i = 0;
    while i < chars.len() {
        if at_line_start {
            at_line_start = false;
            i = skip_horizontal_space(chars, i);
            if let Some(len) = list_marker_len(chars, i) {
                out.cut_around_marker(i, len);
                i += len;
                unmarked_list = false;
                continue;
            }
            if i >= chars.len() {
                break;
            }
        }
        let c = chars[i];
        if is_newline(c) {
            let (next, blank) = next_line(chars, i);
            let opens_list = ends_with_colon(chars, out.start, i);
            if blank
                || line_break_ends_sentence(chars, &tag_block, out.start, i, next, unmarked_list)
            {
                out.cut(i);
            }
            unmarked_list = opens_list || (unmarked_list && !blank);
            i = next;
            at_line_start = true;
            continue;
        }
        if let Some(len) = inline_marker_len(chars, i) {
            out.cut_around_marker(i, len);
            i += len;
            continue;
        }
        if tag_block[i] {
            if !ends_mid_phrase(chars, out.start, i) {
                out.cut(i);
            }
            i += 1;
            continue;
        }
        if is_emoji(c) {
            let end = emoji_run_end(chars, i);
            if emoji_ends_sentence(chars, out.start, i, end) {
                out.cut(end);
            }
            i = end;
            continue;
        }
        if in_url[i] || !is_terminal(c) {
            i += 1;
            continue;
        }
        let (run_end, sentence_end) = punctuation_ends_sentence(chars, i);
        match sentence_end {
            Some(end) => {
                out.cut(end);
                i = end;
            }
            None => i = run_end,
        }
    }
    out.cut(chars.len());
    out.spans
}

/// The spans found so far and where the pending sentence starts.
struct Spans<'a> {
    chars: &'a [char],
    spans: Vec<(usize, usize)>,
    start: usize,
}

impl Spans<'_> {
    /// Ends the pending sentence at `at` (trimmed, dropped if blank); the next starts there.
    fn cut(&mut self, at: usize) {
        let at = at.min(self.chars.len()).max(self.start);
        let (mut start, mut end) = (self.start, at);
        while start < end && is_blank(self.chars[start]) {
            start += 1;
        }
        while end > start && is_blank(self.chars[end - 1]) {
            end -= 1;
        }
        if start < end {
            self.spans.push((start, end));
        }
        self.start = at;
    }

    /// Ends the pending sentence before a list marker at `at`; the marker belongs to neither.
    fn cut_around_marker(&mut self, at: usize, len: usize) {
        self.cut(at);
        self.start = at + len;
    }
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

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‼' | '⁉' | '。')
}

/// Pictographs, dingbats and flags: what people put in posts as emojis. Arrows, ©, ® and ™
/// are left out, since they sit inside sentences.
fn is_emoji(c: char) -> bool {
    matches!(
        c as u32,
        0x1F000..=0x1FAFF
            | 0x2600..=0x27BF
            | 0x2B05..=0x2B07
            | 0x2B1B..=0x2B1C
            | 0x2B50
            | 0x2B55
            | 0x231A..=0x231B
            | 0x23E9..=0x23FA
    )
}

/// An emoji or what glues emojis into one (joiners, variation selectors, keycaps, tags).
fn is_emoji_part(c: char) -> bool {
    is_emoji(c)
        || matches!(
            c as u32,
            0x200D | 0xFE0E | 0xFE0F | 0x20E3 | 0xE0020..=0xE007F
        )
}

fn skip_horizontal_space(chars: &[char], mut k: usize) -> usize {
    while k < chars.len() && is_blank(chars[k]) && !is_newline(chars[k]) {
        k += 1;
    }
    k
}

fn skip_blank(chars: &[char], mut k: usize) -> usize {
    while k < chars.len() && is_blank(chars[k]) {
        k += 1;
    }
    k
}

fn first_visible(chars: &[char], start: usize, end: usize) -> Option<usize> {
    (start..end.min(chars.len())).find(|&k| !is_blank(chars[k]))
}

fn last_visible(chars: &[char], start: usize, end: usize) -> Option<usize> {
    (start..end.min(chars.len()))
        .rev()
        .find(|&k| !is_blank(chars[k]))
}

/// The first letter (or other char) of the word at `k`, past opening quotes and brackets.
fn word_start_char(chars: &[char], k: usize) -> Option<char> {
    chars[k.min(chars.len())..]
        .iter()
        .copied()
        .find(|c| !OPENERS.contains(c))
}

/// Whether a word starting with `c` carries on the sentence before it rather than starting
/// one: lowercase words, figures and amounts ("We hired\n30 people").
fn continues_sentence(c: char) -> bool {
    c.is_lowercase() || c.is_numeric() || matches!(c, '€' | '$' | '£' | '¥' | '%' | '&' | '+')
}

/// Where the line after the line break at `at` starts (past blank lines), and whether a
/// blank line (or a paragraph separator) comes first.
fn next_line(chars: &[char], at: usize) -> (usize, bool) {
    let mut k = at;
    let mut breaks = 0;
    while k < chars.len() && is_blank(chars[k]) {
        match chars[k] {
            // "\r\n" is one break: counted at its '\n'.
            '\r' if chars.get(k + 1) == Some(&'\n') => {}
            '\u{2029}' => breaks += 2,
            c if is_newline(c) => breaks += 1,
            _ => {}
        }
        k += 1;
    }
    (k, breaks >= 2)
}

/// Whether the line break at `at` ends the sentence that began at `start`, the next line
/// starting at `next`. People and clients wrap lines mid-sentence; a reader joins them when
/// the line stops mid-phrase or the next one carries on in lowercase.
fn line_break_ends_sentence(
    chars: &[char],
    tag_block: &[bool],
    start: usize,
    at: usize,
    next: usize,
    unmarked_list: bool,
) -> bool {
    let (Some(first), Some(last)) = (
        first_visible(chars, start, at),
        last_visible(chars, start, at),
    ) else {
        return true; // nothing pending
    };
    if next >= chars.len() || list_marker_len(chars, next).is_some() {
        return true;
    }
    // Emojis alone on a line close the sentence above them ("We raised €20M\n🚀🚀🚀").
    if line_is_only_emojis(chars, next) {
        return false;
    }
    if tag_block[first] || is_emoji_part(chars[last]) || chars[last] == ':' {
        return true;
    }
    if ends_mid_phrase(chars, start, at) {
        return false;
    }
    if tag_block[next] {
        return true;
    }
    if unmarked_list {
        return !starts_with_conjunction(chars, next);
    }
    !word_start_char(chars, next).is_some_and(continues_sentence)
}

/// Whether the text in `start..end` stops mid-phrase: on a comma, a dash, an opening mark,
/// or a word a sentence cannot end on ("We pay for every", "25 jours de congés et").
fn ends_mid_phrase(chars: &[char], start: usize, end: usize) -> bool {
    let Some(last) = last_visible(chars, start, end) else {
        return false;
    };
    if matches!(
        chars[last],
        ',' | '-' | '‐' | '–' | '—' | '&' | '+' | '/' | '(' | '[' | '“' | '‘' | '«' | '‹'
    ) {
        return true;
    }
    let is_word_char = |c: char| c.is_alphabetic() || c == '\'' || c == '’';
    let mut s = last + 1;
    while s > start && is_word_char(chars[s - 1]) {
        s -= 1;
    }
    let word: String = chars[s..=last]
        .iter()
        .flat_map(|c| c.to_lowercase())
        .map(|c| if c == '’' { '\'' } else { c })
        .collect();
    CONTINUATION_WORDS.contains(&word.as_str())
}

/// Whether the line ending at `end` ends with ':' (perhaps before emojis): it announces a
/// list. Only that line is read, so joined lines are not read again at every break.
fn ends_with_colon(chars: &[char], start: usize, end: usize) -> bool {
    (start..end.min(chars.len()))
        .rev()
        .map(|k| chars[k])
        .take_while(|&c| !is_newline(c))
        .find(|&c| !is_blank(c) && !is_emoji_part(c))
        == Some(':')
}

fn starts_with_conjunction(chars: &[char], k: usize) -> bool {
    let word: String = chars[k.min(chars.len())..]
        .iter()
        .take_while(|c| c.is_alphabetic())
        .flat_map(|c| c.to_lowercase())
        .collect();
    CONJUNCTIONS.contains(&word.as_str())
}

fn line_is_only_emojis(chars: &[char], k: usize) -> bool {
    chars.get(k).is_some_and(|&c| is_emoji(c))
        && chars[k..]
            .iter()
            .take_while(|&&c| !is_newline(c))
            .all(|&c| is_emoji_part(c) || is_blank(c))
}

fn has_text_after_on_line(chars: &[char], k: usize) -> bool {
    chars
        .get(skip_horizontal_space(chars, k))
        .is_some_and(|&c| !is_newline(c))
}

/// Length of a list marker at a line start: a bullet ("- ", "• ", "✅"), a number ("1. ",
/// "2) ", "1/ " as in X threads, "①", "1️⃣"), or emojis opening the line ("🔹 Equity").
fn list_marker_len(chars: &[char], i: usize) -> Option<usize> {
    let rest = chars.get(i..)?;
    let first = *rest.first()?;
    let followed_by_space = |n: usize| rest.get(n).is_some_and(|c| c.is_whitespace());
    if BULLETS.contains(&first) {
        // ASCII markers double as minus signs and quotes, so they need a space after them.
        if !first.is_ascii() || followed_by_space(1) {
            return Some(1 + emoji_glue_len(&rest[1..]));
        }
        return None;
    }
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=2).contains(&digits)
        && matches!(rest.get(digits), Some(')' | '.' | '/'))
        && followed_by_space(digits + 1)
    {
        return Some(digits + 1);
    }
    if let Some(len) = numbered_emoji_len(rest) {
        return Some(len);
    }
    if is_emoji(first) {
        let end = emoji_run_end(chars, i);
        if has_text_after_on_line(chars, end) {
            return Some(end - i);
        }
    }
    None
}

/// Length of a marker that opens an item in the middle of a line: "•", "▪", and pointing,
/// ticking or numbered emojis with text after them ("Our perks 👉 remote 👉 equity").
fn inline_marker_len(chars: &[char], i: usize) -> Option<usize> {
    let c = *chars.get(i)?;
    if c == '•' || c == '▪' {
        return Some(1);
    }
    if i > 0 && !chars[i - 1].is_whitespace() {
        return None;
    }
    let len = if POINTERS.contains(&c) {
        1 + emoji_glue_len(&chars[i + 1..])
    } else {
        numbered_emoji_len(&chars[i..])?
    };
    let followed_by_space = chars
        .get(i + len)
        .is_some_and(|&c| is_blank(c) && !is_newline(c));
    (followed_by_space && has_text_after_on_line(chars, i + len)).then_some(len)
}

/// Length of a circled number ("①", "❷") or keycap ("3️⃣") at the start of `rest`.
fn numbered_emoji_len(rest: &[char]) -> Option<usize> {
    let first = *rest.first()?;
    if matches!(first as u32, 0x2460..=0x2473 | 0x24F5..=0x24FE | 0x2776..=0x2793) {
        return Some(1 + emoji_glue_len(&rest[1..]));
    }
    if first.is_ascii_digit() {
        let selector = usize::from(rest.get(1) == Some(&'\u{FE0F}'));
        if rest.get(1 + selector) == Some(&'\u{20E3}') {
            return Some(2 + selector);
        }
    }
    None
}

/// Variation selectors and the like glued after a marker ("✔️").
fn emoji_glue_len(rest: &[char]) -> usize {
    rest.iter()
        .take_while(|&&c| is_emoji_part(c) && !is_emoji(c))
        .count()
}

/// End of the run of emojis starting at `i`, spaces between them included ("🎉 🎉").
fn emoji_run_end(chars: &[char], i: usize) -> usize {
    let mut k = i;
    loop {
        while k < chars.len() && is_emoji_part(chars[k]) {
            k += 1;
        }
        let next = skip_horizontal_space(chars, k);
        let more = next > k
            && chars.get(next).is_some_and(|&c| is_emoji(c))
            && inline_marker_len(chars, next).is_none();
        if !more {
            return k;
        }
        k = next;
    }
}

/// Whether the emojis in `at..end` end the sentence begun at `start`: they do before a
/// capitalised word ("Big news 🎉 We are hiring"), unless the text before them stops
/// mid-phrase, where the emoji stands for a word ("I ❤️ Acme", "Proud of 💙 Acme").
fn emoji_ends_sentence(chars: &[char], start: usize, at: usize, end: usize) -> bool {
    let next = skip_horizontal_space(chars, end);
    first_visible(chars, start, at).is_some()
        && chars.get(next).is_some_and(|&c| !is_newline(c))
        && word_start_char(chars, next).is_some_and(char::is_uppercase)
        && !ends_mid_phrase(chars, start, at)
}

/// For the terminal punctuation at `i`: where its run ends, and where the sentence ends if
/// the punctuation ends it (after closing marks and trailing emojis).
fn punctuation_ends_sentence(chars: &[char], i: usize) -> (usize, Option<usize>) {
    let run_end = i + chars[i..].iter().take_while(|&&c| is_terminal(c)).count();
    let ends = match chars[i] {
        '.' if run_end - i == 1 => period_ends_sentence(chars, i),
        '.' | '…' => ellipsis_ends_sentence(chars, run_end),
        _ => true,
    };
    if !ends {
        return (run_end, None);
    }
    let (end, closed) = absorb_closers(chars, run_end);
    // “We're hiring!” says our CEO. / « Nous recrutons ! » a déclaré la DRH.
    let continued = closed
        && chars
            .get(skip_blank(chars, end))
            .is_some_and(|c| c.is_lowercase());
    if continued {
        return (end, None);
    }
    (end, Some(trailing_emojis_end(chars, end)))
}

/// An ellipsis ends the sentence unless the text goes on in lowercase or with a figure
/// ("We offer… well, a lot of things").
fn ellipsis_ends_sentence(chars: &[char], run_end: usize) -> bool {
    !word_start_char(chars, skip_blank(chars, run_end)).is_some_and(continues_sentence)
}

/// Takes the closing quotes and brackets after a sentence's punctuation, French spaced ones
/// included; says whether there were any.
fn absorb_closers(chars: &[char], mut j: usize) -> (usize, bool) {
    let from = j;
    loop {
        if chars.get(j).is_some_and(|c| CLOSERS.contains(c)) {
            j += 1;
            continue;
        }
        let spaced = skip_horizontal_space(chars, j);
        if spaced > j
            && chars
                .get(spaced)
                .is_some_and(|c| SPACED_CLOSERS.contains(c))
        {
            j = spaced + 1;
            continue;
        }
        return (j, j > from);
    }
}

/// Emojis right after a sentence's end belong to it ("a B Corp! 🌱🌍"), even alone on the
/// next line, unless they point at what follows ("👉 Apply").
fn trailing_emojis_end(chars: &[char], end: usize) -> usize {
    let k = skip_horizontal_space(chars, end);
    match chars.get(k) {
        Some(&c) if is_emoji(c) && inline_marker_len(chars, k).is_none() => emoji_run_end(chars, k),
        Some(&c) if is_newline(c) => {
            let (next, blank) = next_line(chars, k);
            if !blank && line_is_only_emojis(chars, next) {
                emoji_run_end(chars, next)
            } else {
                end
            }
        }
        _ => end,
    }
}

fn period_ends_sentence(chars: &[char], i: usize) -> bool {
    let next = chars.get(i + 1).copied();
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
    // A lone capital is an initial ("J. Smith"), unless it names a series or plan ("Series B.").
    let mut letters = bare.chars();
    if let (Some(only), None) = (letters.next(), letters.next()) {
        if only.is_uppercase() && !names_a_letter(chars, i - word.chars().count()) {
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

/// Whether the word before the letter starting at `letter` makes it a name ("Series B").
fn names_a_letter(chars: &[char], letter: usize) -> bool {
    let mut k = letter;
    while k > 0 && chars[k - 1] == ' ' {
        k -= 1;
    }
    NAMES_A_LETTER.contains(&word_before(chars, k).to_lowercase().as_str())
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Hashtag,
    Mention,
}

/// Marks where a block of hashtags ending its line starts: a whole line of tags, or at least
/// two tags, one a hashtag, after the text of the line ("… in Lyon #hiring #tech"). One tag
/// after text is left in the sentence ("We are a certified #BCorp"). Computed once, so that
/// lines full of '#' stay linear.
fn tag_block_starts(chars: &[char]) -> Vec<bool> {
    let mut starts = vec![false; chars.len()];
    let mut line_tokens: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    loop {
        if i >= chars.len() || is_newline(chars[i]) {
            if let Some(start) = trailing_tag_block(chars, &line_tokens) {
                starts[start] = true;
            }
            line_tokens.clear();
            if i >= chars.len() {
                return starts;
            }
            i += 1;
            continue;
        }
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        line_tokens.push((start, i));
    }
}

/// Where the block of tags (and emojis between them) ending a line of `tokens` starts.
fn trailing_tag_block(chars: &[char], tokens: &[(usize, usize)]) -> Option<usize> {
    let (mut first_tag, mut tags, mut hashtags) = (None, 0, 0);
    let mut whole_line = true;
    for &(start, end) in tokens.iter().rev() {
        let token = &chars[start..end];
        match tag_kind(token) {
            Some(kind) => {
                first_tag = Some(start);
                tags += 1;
                hashtags += usize::from(kind == Tag::Hashtag);
            }
            None if token.iter().all(|&c| is_emoji_part(c)) => {}
            None => {
                whole_line = false;
                break;
            }
        }
    }
    let block = if whole_line {
        tags >= 1
    } else {
        tags >= 2 && hashtags >= 1
    };
    first_tag.filter(|_| block)
}

/// "#hiring", "#4DayWeek", "@Acme", "@acme.bsky.social", "@acme@mastodon.social"; trailing
/// punctuation aside. "#1" is a rank, not a hashtag.
fn tag_kind(token: &[char]) -> Option<Tag> {
    let trailing = token
        .iter()
        .rev()
        .take_while(|c| matches!(c, '.' | ',' | '!' | '?' | ';' | ':' | '…'))
        .count();
    let (&sigil, name) = token[..token.len() - trailing].split_first()?;
    let word_char = |c: &char| c.is_alphanumeric() || *c == '_';
    match sigil {
        '#' if name.iter().all(word_char) && name.iter().any(|c| c.is_alphabetic()) => {
            Some(Tag::Hashtag)
        }
        '@' if name.first().is_some_and(word_char)
            && name
                .iter()
                .all(|c| word_char(c) || matches!(c, '.' | '@' | '-')) =>
        {
            Some(Tag::Mention)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sentences(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        split(&chars)
            .into_iter()
            .map(|(s, e)| chars[s..e].iter().collect())
            .collect()
    }

    /// Real-looking posts and the sentences a reader sees in them: (what the case shows,
    /// post, sentences). Line breaks inside a sentence stay in its text.
    const POSTS: &[(&str, &str, &[&str])] = &[
        // Lines wrapped mid-sentence, by the author or a client.
        (
            "wrapped after a determiner",
            "We pay for every\nemployee's train pass.",
            &["We pay for every\nemployee's train pass."],
        ),
        (
            "next line starts lowercase (fr)",
            "Nous prenons en charge 100 % de la mutuelle\npour tous les salariés.",
            &["Nous prenons en charge 100 % de la mutuelle\npour tous les salariés."],
        ),
        (
            "wrapped after a comma",
            "Every engineer gets a laptop,\na €2,000 learning budget and 30 days off.",
            &["Every engineer gets a laptop,\na €2,000 learning budget and 30 days off."],
        ),
        (
            "wrapped after « et »",
            "Nous offrons 25 jours de congés et\nune semaine de 4 jours.",
            &["Nous offrons 25 jours de congés et\nune semaine de 4 jours."],
        ),
        (
            "wrapped after a preposition, before a capitalised name",
            "We were certified by\nGreat Place to Work in 2024.",
            &["We were certified by\nGreat Place to Work in 2024."],
        ),
        (
            "wrapped after a hyphen",
            "We offer a four-\nday week to everyone.",
            &["We offer a four-\nday week to everyone."],
        ),
        (
            "careers page paragraph copied with its wraps",
            "Acme is a certified B Corp with\n120 employees across 4 offices. We offer\na 4-day week to all staff.",
            &[
                "Acme is a certified B Corp with\n120 employees across 4 offices.",
                "We offer\na 4-day week to all staff.",
            ],
        ),
        (
            "Mastodon post wrapped before a number, tags after",
            "Our team at @acme@mastodon.social now works\n4 days a week, with no pay cut. #4DayWeek #WorkLife",
            &[
                "Our team at @acme@mastodon.social now works\n4 days a week, with no pay cut.",
                "#4DayWeek #WorkLife",
            ],
        ),
        (
            "CRLF line endings (fr)",
            "Nous recrutons 30 personnes en CDI\r\nà Lyon et à Paris.\r\n\r\nPostulez vite",
            &[
                "Nous recrutons 30 personnes en CDI\r\nà Lyon et à Paris.",
                "Postulez vite",
            ],
        ),
        // Complete lines.
        (
            "lines ending with punctuation",
            "We are hiring.\nWe have 12 open roles in Lyon!\nApply today",
            &["We are hiring.", "We have 12 open roles in Lyon!", "Apply today"],
        ),
        (
            "capitalised line after a line without punctuation",
            "Big news for the team\nWe just opened an office in Lisbon",
            &["Big news for the team", "We just opened an office in Lisbon"],
        ),
        (
            "blank line splits even mid-phrase",
            "We pay for every\n\nemployee's train pass.",
            &["We pay for every", "employee's train pass."],
        ),
        (
            "blank line made of spaces",
            "Remote-first since 2020\n \t\nNo office, no problem",
            &["Remote-first since 2020", "No office, no problem"],
        ),
        (
            "lowercase line after an exclamation",
            "So proud!\nwe just hit 500 employees",
            &["So proud!", "we just hit 500 employees"],
        ),
        (
            "careers page benefits without markers",
            "Benefits\nHealth insurance fully paid for you and\nyour family\nA learning budget of €2,000 per year\nHybrid work: 3 days at home",
            &[
                "Benefits",
                "Health insurance fully paid for you and\nyour family",
                "A learning budget of €2,000 per year",
                "Hybrid work: 3 days at home",
            ],
        ),
        // Lists.
        (
            "dash list after a colon",
            "What we offer:\n- 4-day week\n- 100% remote\n- 30 days of paid leave",
            &["What we offer:", "4-day week", "100% remote", "30 days of paid leave"],
        ),
        (
            "numbered list",
            "Why join us?\n1. Full remote\n2) Equity for everyone\n3. A 4-day week",
            &["Why join us?", "Full remote", "Equity for everyone", "A 4-day week"],
        ),
        (
            "circled and keycap numbers (fr)",
            "Nos engagements :\n① la parité salariale\n② 40 % de femmes managers\n3️⃣ zéro heure sup non payée",
            &[
                "Nos engagements :",
                "la parité salariale",
                "40 % de femmes managers",
                "zéro heure sup non payée",
            ],
        ),
        (
            "X thread numbering",
            "1/ We just closed our Series B\n2/ We are hiring 40 engineers",
            &["We just closed our Series B", "We are hiring 40 engineers"],
        ),
        (
            "checkmark and emoji bullets",
            "✅ Remote-first\n👉 4-day week\n🔹 Equity for all employees",
            &["Remote-first", "4-day week", "Equity for all employees"],
        ),
        (
            "bullet item wrapped after a determiner",
            "• We pay for every\n  employee's train pass\n• Free lunch on Fridays",
            &["We pay for every\n  employee's train pass", "Free lunch on Fridays"],
        ),
        (
            "bullet item wrapped before a lowercase word",
            "- 100% of the health\n  insurance paid by Acme\n- Free lunch",
            &["100% of the health\n  insurance paid by Acme", "Free lunch"],
        ),
        (
            "unmarked lowercase list after a colon (fr)",
            "Ce que j'aime ici :\nla semaine de 4 jours\nla mutuelle à 100 %\nune équipe en or",
            &[
                "Ce que j'aime ici :",
                "la semaine de 4 jours",
                "la mutuelle à 100 %",
                "une équipe en or",
            ],
        ),
        (
            "figures listed after a colon (fr)",
            "2024 en chiffres :\n120 recrutements\n14 pays\n4,6/5 sur Glassdoor",
            &["2024 en chiffres :", "120 recrutements", "14 pays", "4,6/5 sur Glassdoor"],
        ),
        (
            "prose after a colon still joins wrapped lines",
            "Big news:\nwe are hiring 20 engineers in\nLyon and Paris\nand 5 designers in Nantes.",
            &[
                "Big news:",
                "we are hiring 20 engineers in\nLyon and Paris\nand 5 designers in Nantes.",
            ],
        ),
        (
            "inline pointer bullets",
            "Our perks 👉 remote-first 👉 equity 👉 a 4-day week",
            &["Our perks", "remote-first", "equity", "a 4-day week"],
        ),
        (
            "pointer to a link",
            "Apply here 👉 https://acme.io/jobs",
            &["Apply here", "https://acme.io/jobs"],
        ),
        (
            "inline bullets",
            "4-day week • remote • equity",
            &["4-day week", "remote", "equity"],
        ),
        // Emojis.
        (
            "emoji before a capitalised word",
            "Big news 🎉 We are hiring 20 engineers in Nantes",
            &["Big news 🎉", "We are hiring 20 engineers in Nantes"],
        ),
        (
            "emoji before a lowercase word",
            "We hit 100 employees 🚀 and we keep growing.",
            &["We hit 100 employees 🚀 and we keep growing."],
        ),
        (
            "emoji used as a verb",
            "I ❤️ Acme's 4-day week and its 30 days off.",
            &["I ❤️ Acme's 4-day week and its 30 days off."],
        ),
        (
            "trailing emojis after punctuation",
            "We are officially a B Corp! 🌱🌍 Thanks to the whole team.",
            &["We are officially a B Corp! 🌱🌍", "Thanks to the whole team."],
        ),
        (
            "emoji ends a line (fr)",
            "3 ans chez Acme aujourd'hui 🎉\nOn recrute 15 personnes cette année",
            &["3 ans chez Acme aujourd'hui 🎉", "On recrute 15 personnes cette année"],
        ),
        (
            "emoji ends a line before a lowercase one",
            "So proud 🥳\nwe just hit 500 employees",
            &["So proud 🥳", "we just hit 500 employees"],
        ),
        (
            "a line of emojis closes the sentence above",
            "We raised €20M\n🚀🚀🚀\nAnd we are hiring 40 people",
            &["We raised €20M\n🚀🚀🚀", "And we are hiring 40 people"],
        ),
        (
            "a line of emojis after punctuation",
            "We're hiring!\n🎉🎉\nJoin us.",
            &["We're hiring!\n🎉🎉", "Join us."],
        ),
        // Hashtags and mentions.
        (
            "trailing hashtags on the same line",
            "We are hiring 20 engineers in Lyon #hiring #tech #lifeatacme",
            &["We are hiring 20 engineers in Lyon", "#hiring #tech #lifeatacme"],
        ),
        (
            "trailing hashtags after an emoji",
            "We are hiring 🎉 #hiring #tech",
            &["We are hiring 🎉", "#hiring #tech"],
        ),
        (
            "hashtag line (fr)",
            "Nous recrutons 30 personnes en 2024\n#recrutement #emploi #lyon",
            &["Nous recrutons 30 personnes en 2024", "#recrutement #emploi #lyon"],
        ),
        (
            "single hashtag on its own line",
            "We're hiring 20 engineers\n#hiring",
            &["We're hiring 20 engineers", "#hiring"],
        ),
        (
            "hashtags and mentions inside a sentence",
            "Proud of @Acme for the #B Corp label and our #1 ranking on Glassdoor.",
            &["Proud of @Acme for the #B Corp label and our #1 ranking on Glassdoor."],
        ),
        (
            "hashtags finishing a phrase",
            "Proud to be a #BCorp #GreatPlaceToWork",
            &["Proud to be a #BCorp #GreatPlaceToWork"],
        ),
        (
            "mention before a period",
            "Huge thanks to @Acme. We now get 30 days off. Merci @Acme.",
            &["Huge thanks to @Acme.", "We now get 30 days off.", "Merci @Acme."],
        ),
        (
            "Bluesky handle (fr)",
            "Bravo à @acme.bsky.social pour le label Great Place to Work !",
            &["Bravo à @acme.bsky.social pour le label Great Place to Work !"],
        ),
        // Quoted speech.
        (
            "quote closed by a comma",
            "“We pay everyone the same,” says our CEO. Salaries are public.",
            &["“We pay everyone the same,” says our CEO.", "Salaries are public."],
        ),
        (
            "exclamation inside a quote, lowercase continuation",
            "“We're hiring 50 people this year!” says our CEO.",
            &["“We're hiring 50 people this year!” says our CEO."],
        ),
        (
            "guillemets with French spacing",
            "« Nous recrutons 30 personnes ! » a déclaré la DRH. Les candidatures sont ouvertes.",
            &[
                "« Nous recrutons 30 personnes ! » a déclaré la DRH.",
                "Les candidatures sont ouvertes.",
            ],
        ),
        (
            "quote continued on the next line",
            "“We're hiring!”\nsays our CEO, Marie.",
            &["“We're hiring!”\nsays our CEO, Marie."],
        ),
        (
            "quote that ends a sentence",
            "Our CEO said: “Everyone gets equity.” The board agreed.",
            &["Our CEO said: “Everyone gets equity.”", "The board agreed."],
        ),
        (
            "exclamation in brackets, lowercase continuation",
            "We pay everyone the same (yes, really!) and publish every salary.",
            &["We pay everyone the same (yes, really!) and publish every salary."],
        ),
        // Ellipses.
        (
            "ellipsis before a lowercase continuation",
            "We offer… well, a lot of things. Like 30 days off.",
            &["We offer… well, a lot of things.", "Like 30 days off."],
        ),
        (
            "three dots before a capital and at the end (fr)",
            "Et ce n'est pas tout... Nous offrons aussi un vélo à chaque salarié...",
            &[
                "Et ce n'est pas tout...",
                "Nous offrons aussi un vélo à chaque salarié...",
            ],
        ),
        (
            "ellipsis at a line end, lowercase next line",
            "We offer...\nwell, 25 days off and a gym",
            &["We offer...\nwell, 25 days off and a gym"],
        ),
        // What already worked.
        (
            "decimals, abbreviations, URLs and e-mails across lines",
            "Our Glassdoor rating is 4.6, e.g. better than\nM. Dupont's last company. Apply at https://acme.io/jobs?id=3.\nQuestions? jobs@acme.io",
            &[
                "Our Glassdoor rating is 4.6, e.g. better than\nM. Dupont's last company.",
                "Apply at https://acme.io/jobs?id=3.",
                "Questions?",
                "jobs@acme.io",
            ],
        ),
        (
            "French spacing before ? ! and :",
            "Le saviez-vous ? 45 % de nos managers sont des femmes ! Et ce n'est qu'un début : on continue.",
            &[
                "Le saviez-vous ?",
                "45 % de nos managers sont des femmes !",
                "Et ce n'est qu'un début : on continue.",
            ],
        ),
        (
            "a series letter is not an initial, a name's initial is",
            "Acme just raised a Series B. Our CTO J. Smith joined in 2020.",
            &["Acme just raised a Series B.", "Our CTO J. Smith joined in 2020."],
        ),
        // Whole posts.
        (
            "LinkedIn post (en)",
            "🚀 We're hiring!\n\nAcme just raised €30M and we are growing our team in\nParis and Lyon.\n\nWhat you get:\n✅ A 4-day week\n✅ 100% remote if you want\n✅ 30 days of paid leave\n\nInterested? DM me 👇\n\n#hiring #startup #paris",
            &[
                "We're hiring!",
                "Acme just raised €30M and we are growing our team in\nParis and Lyon.",
                "What you get:",
                "A 4-day week",
                "100% remote if you want",
                "30 days of paid leave",
                "Interested?",
                "DM me 👇",
                "#hiring #startup #paris",
            ],
        ),
        (
            "LinkedIn post (fr)",
            "Il y a 5 ans, je rejoignais Acme 🥹\nAujourd'hui, nous sommes 250 collaborateurs et\nl'entreprise a été certifiée Great Place to Work.\n\nMerci à tous 🙏\n#fierté #GPTW",
            &[
                "Il y a 5 ans, je rejoignais Acme 🥹",
                "Aujourd'hui, nous sommes 250 collaborateurs et\nl'entreprise a été certifiée Great Place to Work.",
                "Merci à tous 🙏",
                "#fierté #GPTW",
            ],
        ),
    ];

    #[test]
    fn splits_real_posts_as_a_reader_would() {
        assert!(POSTS.len() >= 30);
        let failures: Vec<String> = POSTS
            .iter()
            .filter_map(|(what, post, expected)| {
                let got = sentences(post);
                (got != *expected)
                    .then(|| format!("{what}:\n  got      {got:?}\n  expected {expected:?}"))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} of {} posts split wrongly:\n{}",
            failures.len(),
            POSTS.len(),
            failures.join("\n")
        );
    }

    /// Every helper looks at most one line back or ahead, so long or odd posts stay linear.
    #[test]
    fn long_pathological_posts_split_in_linear_time() {
        let started = std::time::Instant::now();
        for unit in [
            "🎉\n",
            "#a ",
            "a\n",
            "Ce que j'aime :\nx\n",
            "de\n",
            "… (",
            "• ",
            "👉 a ",
            "« x ! » a ",
            "@a.b ",
            "1. x\n",
            " \u{200b}\n",
        ] {
            let post = unit.repeat(20_000 / unit.chars().count());
            assert_well_formed(&post);
        }
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    /// The contract `detect` relies on, and that a blank line always ends a sentence.
    fn assert_well_formed(text: &str) {
        let chars: Vec<char> = text.chars().collect();
        let mut previous_end = 0;
        for (start, end) in split(&chars) {
            assert!(
                start < end && end <= chars.len(),
                "span {start}..{end} of {}",
                chars.len()
            );
            assert!(start >= previous_end, "overlapping or unsorted spans");
            assert!(
                !is_blank(chars[start]) && !is_blank(chars[end - 1]),
                "untrimmed span"
            );
            let sentence: String = chars[start..end].iter().collect();
            let breaks = sentence.replace("\r\n", "\n");
            let lines: Vec<&str> = breaks.split(is_newline).collect();
            assert!(
                lines.iter().all(|l| !l.chars().all(is_blank)),
                "a blank line inside {sentence:?}"
            );
            previous_end = end;
        }
    }

    fn post_like_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "We pay",
            " for every",
            " employee",
            "Nous",
            " et",
            " de",
            " l'",
            "the ",
            "\n",
            "\r\n",
            "\n\n",
            "\r",
            "\u{2029}",
            "\u{2028}",
            " ",
            "\t",
            "\u{a0}",
            "- ",
            "• ",
            "1. ",
            "2) ",
            "1/ ",
            "①",
            "3️⃣",
            "✅ ",
            "👉",
            "👉 ",
            "🎉",
            "🔹 ",
            "❤️",
            "👩\u{200d}💻",
            "🇫🇷",
            "#hiring",
            " #tech",
            "#1",
            "@Acme",
            "@acme.bsky.social",
            ".",
            "...",
            "…",
            "!",
            " ?",
            " :",
            ":",
            "“",
            "”",
            "« ",
            " »",
            "\"",
            "(",
            ")",
            ",",
            "e.g.",
            "M.",
            "Series B.",
            "4.5",
            "https://a.io/x?y=1",
            "jobs@acme.io",
            "\u{200b}",
            "\u{fe0f}",
            "\u{20e3}",
            "\u{200d}",
            "We",
            "and",
            "A",
            "é",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn spans_are_well_formed_on_any_string(text in any::<String>()) {
            assert_well_formed(&text);
        }

        #[test]
        fn spans_are_well_formed_on_post_like_text(text in post_like_text()) {
            assert_well_formed(&text);
        }
    }
}
