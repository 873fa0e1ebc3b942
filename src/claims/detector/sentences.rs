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
