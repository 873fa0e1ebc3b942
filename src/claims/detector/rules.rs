//! Pattern tables for both languages, matched against `normalize::match_form` output.
//!
//! Every rule carries a gate: how much context it needs before it counts (see `Gate`).
//! Both languages' tables run on every text because ambassadors mix languages freely.

// Regex literals, compiled once; every detector test compiles them all, so a broken one
// fails the tests rather than a request.
#![allow(clippy::expect_used)]

use super::vocab::{
    DET, NOT_RANKING, NOT_SUPERLATIVE, NUM, NUMWORD, ORG, PEOPLE_FR_PL, PEOPLE_FR_SG, PEOPLE_PL,
    PEOPLE_SG, QNOUN,
};
use super::ClaimKind;
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gate {
    /// Specific enough to be a claim on its own ("B Corp", "4-day week").
    Always,
    /// Counts unless the sentence is a question or a purely personal statement.
    Assertive,
    /// Like `Assertive`, and the sentence must also be about someone at work
    /// ("never" alone is everyday English; "we never" is a policy).
    Anchored,
}

pub(super) struct Rule {
    pub kind: ClaimKind,
    pub gate: Gate,
    pub re: Regex,
    /// Words that, when captured by group 1, make the match ordinary English/French.
    pub stop: &'static [&'static str],
}

fn rx(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid regex")
}

fn rule(kind: ClaimKind, gate: Gate, pattern: &str) -> Rule {
    Rule {
        kind,
        gate,
        re: rx(pattern),
        stop: &[],
    }
}

fn rule_stop(kind: ClaimKind, gate: Gate, pattern: &str, stop: &'static [&'static str]) -> Rule {
    Rule {
        kind,
        gate,
        re: rx(pattern),
        stop,
    }
}

/// Matched case-sensitively on the original sentence: these are proper names, and the
/// lowercase words ("a great place to work") are ordinary praise.
pub(super) static NAMED_AWARDS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"Great Place [Tt]o Work|\bGPTW\b|\bTop Employers?\b|\bB[- ]?Corp\b|\bISO[- ]?\d{4,5}\b|Happy ?[Aa]t ?Work|HappyIndex|\bBest Workplaces?\b|Living Wage Employer|EcoVadis|Choose ?My ?Company|\bTop Companies\b|Investors in People|Disability Confident|Meilleurs Employeurs|Best Employers?\b",
    )
});

pub(super) static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    use ClaimKind::*;
    use Gate::*;
    vec![
        // --- Award: labels, certifications, prizes.
        rule(
            Award,
            Always,
            r"\bb[- ]?corp\b|\biso[- ]?\d{4,5}\b|\becovadis\b|\bgptw\b",
        ),
        rule(
            Award,
            Assertive,
            r"\b(?:certified|accredited|certification|accreditation|award-winning|prize-winning|certifiée?s?|labell?isée?s?|accréditée?s?|lauréate?s?|primée?s?|récompensée?s?)\b",
        ),
        rule(
            Award,
            Assertive,
            r#"\b(?:won|win|wins|winning|received|receives|awarded|scooped|picked up|took home|earned)\b(?:\s+[\p{L}\p{N}"'&-]+){0,6}?\s+(?:award|awards|prize|trophy|medal|title|accolade|label|certification|accreditation|badge|seal)\b"#,
        ),
        rule(
            Award,
            Assertive,
            r"\b(?:obt(?:enu|ient|enir|enons)|décroch\w*|re[çc](?:u|oit|evoir|evons)|remport\w*)\s+(?:le|la|un|une|les|des)\s+(?:label|prix|trophée|trophées|certification|récompense|distinction|médaille|titre)\b",
        ),
        rule(
            Award,
            Assertive,
            r"\b(?:named|voted|recogni[sz]ed|élue?s?|nommée?s?|désignée?s?)\s+(?:as\s+)?(?:a\s+|an\s+|the\s+|one of the\s+|parmi les\s+|l'une? des\s+)?(?:best|top|great|leading|most|greatest|meilleure?s?|premier|première|entreprise|employeur)",
        ),
        rule(
            Award,
            Assertive,
            r"\bnamed\s+(?:to|in|on)\b(?:\s+\S+){0,6}?\s+(?:list|ranking|index)\b|\b(?:featured|listed)\s+(?:in|on)\s+(?:\S+\s+){0,5}?(?:list|ranking|index)\b",
        ),
        rule(
            Award,
            Assertive,
            r"\b(?:figure|figurons|figurent|apparaît|entre|entrons|classée?s?)\s+(?:au|dans le|parmi)\s+(?:\S+\s+)?(?:palmarès|classement)\b",
        ),
        // --- Ranking: superlatives, leadership, firsts and onlies.
        rule(
            Ranking,
            Always,
            r"#\s?1\b|\bn\s?°\s?1\b|\bno\.\s?1\b|\bno1\b|\bnumber\s+(?:one|1)\b|\bnuméro\s+(?:un|1)\b",
        ),
        rule(
            Ranking,
            Always,
            r"\b(?:ranked|rated|classée?s?|positionnée?s?)\s+(?:#|n°|\d|first|second|third|top|among|parmi|numéro|premier|première|1er|1re|in the top|dans le top)",
        ),
        rule(
            Ranking,
            Always,
            r"\b(?:in|among|into|dans|parmi)\s+(?:the\s+|le\s+|les\s+)?top\s?\d+|\btop\s?\d+\s?%",
        ),
        rule(
            Ranking,
            Always,
            &format!(
                r"\btop\s?\d+\s+(?:[\p{{L}}'-]+\s+){{0,2}}?(?:{ORG}|places to work|workplaces)\b"
            ),
        ),
        rule(
            Ranking,
            Always,
            r"\b(?:fastest|quickest)[- ]growing\b|\bla plus forte croissance\b|\bcroissance la plus (?:rapide|forte)\b",
        ),
        rule(
            Ranking,
            Always,
            r"\b(?:world|global|market|industry|european|europe's|uk|us|french|national|regional|sector|category|worldwide)[- ]leaders?\b|\b(?:a|the)\s+leader\s+(?:in|for)\b",
        ),
        rule(
            Ranking,
            Always,
            r"\bleaders?\s+(?:mondial|mondiaux|européen|européenne|français|française|national|incontesté|incontestée|du marché|sur son marché|de son secteur|dans son domaine|de la|du|des|en)\b",
        ),
        rule(
            Ranking,
            Always,
            &format!(
                r"\bleading\s+(?:[\p{{L}}-]+\s+)?(?:{ORG}|supplier|player|expert|specialist)\b|\b(?:europe's|world's|uk's|france's|industry's)\s+leading\b"
            ),
        ),
        rule(
            Ranking,
            Anchored,
            &format!(
                r"\b(?:{DET})\s+(?:very\s+)?best\b|\bbest[- ](?:in[- ]class|employer|employers|place|places|company|companies|workplace|workplaces|paid|rated|equipped)\b"
            ),
        ),
        rule_stop(
            Ranking,
            Anchored,
            &format!(r"\b(?:{DET})\s+(?:very\s+)?(\p{{L}}{{3,}}est)\b"),
            NOT_SUPERLATIVE,
        ),
        rule_stop(
            Ranking,
            Anchored,
            &format!(r"\b(?:{DET})\s+most\s+(\p{{L}}[\p{{L}}-]*)"),
            NOT_RANKING,
        ),
        rule_stop(
            Ranking,
            Anchored,
            r"\b(?:le|la|les|l')\s?(?:plus|moins|mieux)\s+(\p{L}[\p{L}-]*)",
            NOT_RANKING,
        ),
        rule(
            Ranking,
            Anchored,
            r"\b(?:le|la|les|l'|des|nos|notre|parmi les|l'une? des)\s?meilleure?s?\b",
        ),
        rule(
            Ranking,
            Assertive,
            &format!(
                r"\b(?:the|our|its|le|la|les|notre)\s+(?:very\s+)?(?:first|1st|only|premier|première|premiers|premières|1er|1re|1ère|seule?s?|unique)\s+(?:[\p{{L}}'-]+\s+){{0,2}}?(?:{ORG})\b"
            ),
        ),
        rule(
            Ranking,
            Assertive,
            r"\b(?:the|le|la|les)\s+(?:first|only|premier|première|premiers|premières|seule?s?)\s+(?:ones?\s+)?(?:to|à)\s|\bfirst\s+(?:[\p{L}-]+\s+){0,2}?in\s+(?:france|europe|the world|the uk|the us|the industry|its sector|our sector|the sector|the country)\b",
        ),
        // "No other bank…": uniqueness stated by exclusion.
        rule(
            Ranking,
            Assertive,
            &format!(
                r"\b(?:no other|aucune? autre)\s+(?:[\p{{L}}'-]+\s+){{0,1}}?(?:{ORG})\b|\b(?:{ORG}|marketplace|solution)\s+de référence\b"
            ),
        ),
        rule(
            Ranking,
            Assertive,
            r"\btop[- ](?:rated|ranked|employer|employers|workplace|workplaces|company|companies|entreprise|employeur)\b|\b(?:world-class|best-in-class|unrivall?ed|unmatched|unbeatable|inégalée?s?|imbattables?|de classe mondiale)\b",
        ),
        // --- Promise: concrete pay, hours, leave, remote and benefit commitments.
        rule(
            Promise,
            Always,
            r"\b(?:4|four|3|three|4\.5|quatre|trois)[- ]?(?:day|days|jours?)[- ](?:working[- ])?(?:week|semaine)\b|\bsemaines? (?:de|à) (?:4|quatre) jours\b|\b(?:32|35)[- ]?(?:hour|h|heures?)[- ](?:work[- ])?week\b",
        ),
        rule(
            Promise,
            Always,
            r"\bunlimited\s+(?:paid\s+)?(?:holidays?|vacations?|pto|leave|time off|days off|annual leave|sick days|remote)\b|\b(?:congés?(?: payés)?|vacances|rtt|télétravail)\s+illimitée?s?\b|\billimitée?s?\s+(?:congés?|télétravail)\b",
        ),
        rule(
            Promise,
            Always,
            r"\b(?:full|fully|100\s?%|100 percent)[- ]?(?:remote|télétravail|distanciel|à distance)\b|\bremote[- ](?:first|friendly)\b|\bwork from anywhere\b|\btélétravail (?:total|intégral|à 100\s?%)",
        ),
        rule(
            Promise,
            Always,
            r"\b(?:fully|100\s?%|entirely)\s+(?:covered|paid|funded|reimbursed|employer-paid)\b|\bpris(?:es?)?\s+en\s+charge\s+(?:à\s+)?(?:\d+\s?%|intégralement|totalement)|\b(?:entièrement|intégralement)\s+(?:pris(?:es?)?\s+en\s+charge|rémunérée?s?|payée?s?|financée?s?|remboursée?s?)\b|\bfull pay\b|\bplein salaire\b",
        ),
        rule(
            Promise,
            Always,
            r"\bfree\s+(?:lunch|lunches|breakfast|meals?|food|snacks|gym|parking|healthcare|health insurance|childcare|therapy)\b|\b(?:déjeuners?|petits?-déjeuners?|repas|salle de sport|parking|crèche)\s+(?:(?:est|sont)\s+)?(?:offerte?s?|gratuite?s?)\b",
        ),
        rule(
            Promise,
            Assertive,
            r"\bflexible\s+(?:working\s+)?(?:hours|working|schedules?)\b|\bflexi-?time\b|\bhoraires?\s+(?:flexibles?|libres|aménagés)\b",
        ),
        // --- Absolute: universal statements about people or policy.
        rule(
            Absolute,
            Assertive,
            &format!(
                r"\b(?:every|each)\s+(?:single\s+)?(?:one of (?:our|us|the)|(?:{PEOPLE_SG}))\b|\ball\s+(?:of\s+)?(?:our\s+|the\s+)?(?:[\p{{L}}-]+\s+)?(?:{PEOPLE_PL})\b"
            ),
        ),
        rule(
            Absolute,
            Assertive,
            &format!(
                r"\b(?:tous|toutes)\s+(?:nos|les)\s+(?:[\p{{L}}-]+\s+)?(?:{PEOPLE_FR_PL})\b|\bchaque\s+(?:nouvel?\s+|nouvelle\s+)?(?:{PEOPLE_FR_SG})\b"
            ),
        ),
        rule(
            Absolute,
            Assertive,
            r"\b100\s?%\s+(?:of\s+(?:our|the)|de nos|des)\b|\b(?:without|sans)\s+exception\b|\bno exceptions?\b",
        ),
        rule(
            Absolute,
            Anchored,
            r"\b(?:never|always|jamais|toujours|everyone|everybody|nobody|no one|tout le monde|personne ne|guaranteed|garantie?s?)\b|\bpersonne n'|\b(?:don't|do not|won't|will not|doesn't|does not)\b[^.]{0,60}\bever\b|\baucune?\s+(?:salariée?|collaborat(?:eur|rice)|employée?|manager)\b",
        ),
        // --- Number: quantities an outsider could check.
        rule(
            Number,
            Assertive,
            r"\d(?:[.,]\d+)?\s?%|\b(?:percent|per cent|pour cent|pourcents?)\b",
        ),
        rule(
            Number,
            Assertive,
            r"[€$£]\s?\d|\d\s?(?:k|m|bn|md|mds|millions?|milliards?|billions?)?\s?(?:€|\$|£)|\d\s?(?:k|m|millions?|milliards?|billions?)?\s?(?:eur|euros?|usd|gbp|dollars?|pounds?)\b",
        ),
        rule(
            Number,
            Assertive,
            r"(?:^|[^\d.,])\d{1,3}(?:[., ]\d{3})+(?:[^\d]|$)|\b\d{5,}\b",
        ),
        rule(
            Number,
            Assertive,
            &format!(
                r"(?:^|[^\p{{L}}\p{{N}}])(?:{NUM}|\b(?:{NUMWORD}))\s?\+?\s(?:(?:k|m|millions?|billions?|milliards?)(?: de| d'| of)?\s)?(?:[\p{{L}}'-]+\s){{0,2}}?(?:{QNOUN})\b"
            ),
        ),
        rule(
            Number,
            Assertive,
            r"\b\d+(?:[.,]\d+)?\s?(?:/|out of|sur)\s?(?:5|10|20|100)\b|\b\d+\s+(?:[\p{L}'-]+\s+){1,3}(?:sur|out of)\s+(?:10|100|5)\b|\b(?:\d+|one|two|three|un|une|deux|trois)\s+(?:in|out of|sur)\s+(?:\d+|two|three|four|five|ten|deux|trois|quatre|cinq|dix)\b",
        ),
        // Fractions of the workforce are as checkable as percentages.
        rule(
            Number,
            Assertive,
            r"\b(?:half|a third|one third|two thirds|a quarter|one quarter|three quarters|the majority|a majority)\s+of\s+(?:our|the|its|all)\b|\b(?:la moitié|un tiers|deux tiers|un quart|trois quarts|la majorité)\s+(?:(?:de|d')\s?(?:nos|notre|l'|la|les|ses|leurs)|des)\b",
        ),
        // A named metric with its value ("our eNPS is 42", "taux de rétention de 92").
        rule(
            Number,
            Assertive,
            &format!(
                r"\b(?:score|rating|nps|enps|index|indice|note|rate|taux|turnover|attrition|retention|rétention|churn)\s+(?:[\p{{L}}'-]+\s+){{0,2}}?(?:is|of|at|stands at|reached|est de|est à|de|à|atteint)\s+{NUM}\b"
            ),
        ),
        rule(
            Number,
            Assertive,
            r"\b(?:founded|established|created|fondée?s?|créée?s?)\s+(?:in|en)\s+(?:19|20)\d{2}\b",
        ),
        rule(Number, Anchored, r"\b(?:since|depuis)\s+(?:19|20)\d{2}\b"),
        rule(
            Number,
            Assertive,
            r"\b(?:doubled|tripled|quadrupled|(?:a|ont|avons|avez)\s+(?:doublé|triplé)|multipliée?s? par|twice as (?:many|much)|(?:deux|trois) fois plus)\b|\bx\s?\d+\b|\b\d+x\b",
        ),
        rule(
            Number,
            Assertive,
            &format!(
                r"\b(?:more than|over|nearly|almost|less than|fewer than|under|at least|plus de|moins de|près de|au moins|inférieure? à|supérieure? à)\s+(?:{NUM}|(?:{NUMWORD})\b)"
            ),
        ),
    ]
});
