//! Decides whether one sentence is a claim, and of which kind, from the rule hits
//! and the sentence's context (who is speaking, whether it asserts anything).

// Regex literals, compiled once; every detector test compiles them all, so a broken one
// fails the tests rather than a request.
#![allow(clippy::expect_used)]

use super::normalize::match_form;
use super::rules::{Gate, NAMED_AWARDS, RULES};
use super::vocab::{IDIOMS, ORG};
use super::{ClaimKind, Language};
use regex::Regex;
use std::sync::LazyLock;

fn rx(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid regex")
}

/// First person singular: the author talking about themselves.
static FIRST_PERSON: LazyLock<Regex> = LazyLock::new(|| {
    rx(r"\b(?:i|i'm|i've|i'll|i'd|me|my|mine|myself|je|moi|mon|ma|mes)\b|\b[jm]'")
});
/// Words that put the employer in the sentence; they outweigh a first-person speaker.
static ORG_ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:we|we're|we've|we'll|we'd|us|our|ours|ourselves|company|companies|employer|firm|organi[sz]ation|business|employees|staff|workforce|nous|notre|nos|entreprise|société|groupe|employeur|chez|salariés|salariées|collaborateurs|collaboratrices|employés|employées)\b",
    )
});
/// French "on" means "we" in speech but is a preposition in English.
static ON_ANCHOR: LazyLock<Regex> = LazyLock::new(|| rx(r"\bon\b"));
/// Weaker subjects that still make "never"/"always" about the workplace.
static SUBJECT_ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    rx(&format!(
        r"\b(?:here|ici|team|teams|équipes?|managers?|people|everyone|everybody|nobody|no one|personne ne|tout le monde|colleagues|collègues|engineers|ingénieurs|ceo|pdg|founders|fondateurs|dirigeants|leadership|hr|rh|direction|app|appli|product|produit|{ORG})\b"
    ))
});
/// "at Acme", "chez Acme": a named organisation, read on the original casing.
static NAMED_ORG: LazyLock<Regex> = LazyLock::new(|| rx(r"\b(?:at|At|chez|Chez)\s+\p{Lu}"));
static GRATITUDE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^\W*(?:thanks?|thank you|many thanks|big thanks|huge thanks|merci|un grand merci|un immense merci|bravo|congrats|congratulations|félicitations|kudos|shout-?out|happy|joyeux|joyeuse|bon|bonne|hello|hi|bonjour|welcome|bienvenue)\b",
    )
});
static RHETORICAL: LazyLock<Regex> =
    LazyLock::new(|| rx(r"\b(?:did you know|saviez-vous|le saviez-vous|vous le saviez)\b"));
/// Subjects of a promise: pay, hours, leave, remote work and benefits.
static POLICY: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:salary|salaries|wages?|pay rise|pay rises|raise|raises|pay gap|pay cut|equal pay|base pay|pay bands?|pay scale|(?:are|is|get|gets|be|being)\s+paid|we pay|paid (?:leave|holidays?|time off|parental|sabbatical|overtime|vacation)|bonus|bonuses|equity|stock options?|pension|401k|holidays?|vacations?|pto|(?:annual|parental|maternity|paternity|sick|paid|compassionate|bereavement|study)\s+leave|(?:days|weeks|months) of leave|leave policy|days off|time off|month off|sabbaticals?|remote|remotely|work(?:ing)? from home|wfh|hybrid|flexible|working hours|hours a week|hours per week|overtime|health insurance|medical insurance|private medical|healthcare|dental|gym|meal vouchers?|learning budget|training budget|childcare|relocation|allowance|season tickets?|travel pass|transport pass|parental|parentale|abonnements? (?:de transport|navigo)|stipend|compensation|perks?|salaires?|rémunérations?|rémunérée?s?|payée?s?|augmentations?|augmentée?s?|primes? d[e']|intéressement|bspce|stock-options|actions gratuites|épargne salariale|retraite|congés?|rtt|jours de repos|sabbatiques?|paternité|maternité|télétravail\w*|hybride|horaires|heures par semaine|heures sup\w*|mutuelle|prévoyance|assurance santé|titres?-restaurant|tickets?[- ]restaurant|salle de sport|budget formation|crèches?|forfait mobilités?|avantages?|indemnités?|13e mois|treizième mois)\b",
    )
});
/// Meals are talked about all day; they are a benefit only when offered or priced.
static MEALS: LazyLock<Regex> = LazyLock::new(|| {
    rx(r"\b(?:lunch|lunches|breakfast|meals?|déjeuners?|petits?-déjeuners?|repas)\b")
});
/// Verbs and phrases that turn a policy noun into something offered.
static OFFER: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:we|you)\s+(?:also\s+)?(?:offer|provide|give|pay|cover|fund|match|get|receive|enjoy|have|benefit)\b|\byou'll (?:get|have|receive|enjoy)\b|\bcovered (?:by|for|up to|at)\b|\b(?:on offer|included|includes|including|comes with|offered|provided|reimbursed|subsidi[sz]ed|funded|is free|are free|for free|for everyone|for all|gets?|got)\b|\b(?:nous|on)\s+(?:vous\s+)?(?:propos\w*|offr\w*|offre|donn\w*|vers\w*|financ\w*|rembours\w*|prenons)|\bvous\s+(?:bénéficiez|bénéficierez|avez droit|aurez|disposez|profitez)\b|\b(?:a|ont|avez|avons)\s+droit\b|\bdispose(?:nt|z)?\b|\bbénéfici\w+|\bofferte?s?\b|\bpris(?:es?)?\s+en\s+charge\b|\bremboursée?s?\b|\bfinancée?s?\b|\bgratuite?s?\b|\bpour (?:tous|toutes|chaque)\b",
    )
});
/// Amounts and frequencies that make a policy statement specific.
static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\d\s?%|[€$£]\s?\d|\d\s?k?\s?[€$£]|\b(?:\d+|two|three|four|five|six|ten|twenty|deux|trois|quatre|cinq|six|dix|vingt)\s+(?:[\p{L}'-]+\s+){0,2}?(?:days?|weeks?|months?|jours?|semaines?|mois|h|heures?|hours?)\b|\b(?:a|per|par|each|chaque)\s+(?:day|week|month|year|jour|semaine|mois|an|année)\b",
    )
});

/// What the whole sentence says about itself, shared by every rule hit.
struct Context {
    personal: bool,
    org: bool,
    asks: bool,
    thanks: bool,
    anchored: bool,
    policy: bool,
}

impl Context {
    fn new(original: &str, form: &str, language: Language) -> Context {
        let org = ORG_ANCHOR.is_match(form)
            || NAMED_ORG.is_match(original)
            || (language == Language::Fr && ON_ANCHOR.is_match(form));
        let policy = POLICY.is_match(form);
        Context {
            personal: FIRST_PERSON.is_match(form) && !org,
            org,
            asks: form.contains('?') && !RHETORICAL.is_match(form),
            thanks: GRATITUDE.is_match(form),
            // A pay or leave policy is the employer's by definition.
            anchored: org || policy || SUBJECT_ANCHOR.is_match(form),
            policy,
        }
    }

    fn admits(&self, gate: Gate, kind: ClaimKind) -> bool {
        // Thanking "all our staff" credits people; it does not assert a policy.
        if kind == ClaimKind::Absolute && self.thanks {
            return false;
        }
        let assertive = !self.asks && (!self.personal || self.policy);
        match gate {
            Gate::Always => true,
            Gate::Assertive => assertive,
            Gate::Anchored => assertive && self.anchored,
        }
    }
}

/// Everything the rules saw in one sentence: their verdict, and the evidence behind it, which
/// the learned model reads as features.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Analysis {
    /// The strongest kind the rules admit, what `classify` returns.
    pub verdict: Option<ClaimKind>,
    /// Kinds whose rule admitted a hit (before the policy-to-promise promotion).
    pub fired: Vec<ClaimKind>,
    /// Kinds whose pattern matched, whether or not the sentence's context admitted it.
    pub matched: Vec<ClaimKind>,
    /// The author speaks about themselves, with no employer in the sentence.
    pub personal: bool,
    /// The employer is in the sentence: we/our, the company, "at Acme".
    pub org: bool,
    /// A question (rhetorical "did you know" excepted).
    pub asks: bool,
    /// Opens with thanks, congratulations or a greeting.
    pub thanks: bool,
    /// About someone or something at work (weaker than `org`).
    pub anchored: bool,
    /// Names pay, hours, leave, remote work or a benefit.
    pub policy: bool,
    /// Something offered, covered or included.
    pub offer: bool,
    /// An amount or a frequency.
    pub quantity: bool,
}

/// Runs every rule on `sentence` and keeps what each saw; `verdict` is the strongest claim
/// kind the rules find, or `None` when they see nothing checkable.
pub(crate) fn analyse(sentence: &str, language: Language) -> Analysis {
    let mut form = match_form(sentence);
    for idiom in IDIOMS.iter() {
        if idiom.is_match(&form) {
            form = idiom.replace_all(&form, " ").into_owned();
        }
    }
    let ctx = Context::new(sentence, &form, language);
    let mut best: Option<ClaimKind> = None;
    let mut fired: Vec<ClaimKind> = Vec::new();
    let mut matched: Vec<ClaimKind> = Vec::new();
    let keep = |kind: ClaimKind, fired: &mut Vec<ClaimKind>, best: &mut Option<ClaimKind>| {
        if !fired.contains(&kind) {
            fired.push(kind);
        }
        if best.is_none_or(|b| kind.priority() > b.priority()) {
            *best = Some(kind);
        }
    };
    if NAMED_AWARDS.is_match(sentence) {
        matched.push(ClaimKind::Award);
        keep(ClaimKind::Award, &mut fired, &mut best);
    }
    for rule in RULES.iter() {
        // A kind already admitted needs no second look; one only matched may still be.
        if fired.contains(&rule.kind) {
            continue;
        }
        if rule_hits(rule, &form) {
            if !matched.contains(&rule.kind) {
                matched.push(rule.kind);
            }
            if ctx.admits(rule.gate, rule.kind) {
                keep(rule.kind, &mut fired, &mut best);
            }
        }
    }
    // A policy noun with an amount or an offer is a promise even without a fixed phrase.
    let offer = OFFER.is_match(&form);
    let quantity = QUANTITY.is_match(&form);
    let concrete = offer || quantity;
    // Without an amount or an offer, only an explicit employer subject makes it a statement
    // of policy ("our leave policy"), not a passing mention ("where to have lunch here").
    let stated = ctx.org && !ctx.personal;
    let assertive = ctx.admits(Gate::Assertive, ClaimKind::Promise);
    if assertive && ((ctx.policy && (concrete || stated)) || (concrete && MEALS.is_match(&form))) {
        keep(ClaimKind::Promise, &mut fired, &mut best);
    }
    // Figures and universals about pay or benefits are promises first.
    let verdict = match best {
        Some(ClaimKind::Number | ClaimKind::Absolute) if ctx.policy => Some(ClaimKind::Promise),
        other => other,
    };
    Analysis {
        verdict,
        fired,
        matched,
        personal: ctx.personal,
        org: ctx.org,
        asks: ctx.asks,
        thanks: ctx.thanks,
        anchored: ctx.anchored,
        policy: ctx.policy,
        offer,
        quantity,
    }
}

fn rule_hits(rule: &super::rules::Rule, form: &str) -> bool {
    if rule.stop.is_empty() {
        return rule.re.is_match(form);
    }
    rule.re.captures_iter(form).any(|caps| {
        caps.get(1)
            .is_none_or(|word| !rule.stop.contains(&word.as_str()))
    })
}
