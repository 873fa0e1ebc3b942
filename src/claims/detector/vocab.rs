//! Word lists shared by the rule tables, and idioms blanked out before any rule runs.

// Regex literals, compiled once; every detector test compiles them all, so a broken one
// fails the tests rather than a request.
#![allow(clippy::expect_used)]

use regex::Regex;
use std::sync::LazyLock;

pub(super) const NUM: &str = r"\d+(?:[., ]\d{3})*(?:[.,]\d+)?";
pub(super) const NUMWORD: &str = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundreds?|thousands?|dozens?|millions?|deux|trois|quatre|cinq|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|cinquante|cent|cents|mille|centaines|milliers|dizaines";
/// Things an employer counts: headcount, footprint, customers, tenure.
pub(super) const QNOUN: &str = "employees|staff|people|persons|colleagues|team members|members|engineers|developers|designers|consultants|experts|nationalities|countries|offices|sites|cities|locations|markets|clients|customers|users|partners|hires|recruits|roles|positions|jobs|vacancies|openings|interns|apprentices|graduates|women|men|managers|languages|stores|shops|restaurants|factories|plants|agencies|subsidiaries|projects|patents|products|teams|volunteers|students|years|salariés|salariées|collaborateurs|collaboratrices|employés|employées|personnes|talents|ingénieurs|développeurs|développeuses|nationalités|pays|bureaux|villes|implantations|marchés|utilisateurs|partenaires|recrutements|embauches|postes|offres|cdi|stagiaires|alternants|apprentis|femmes|hommes|langues|magasins|boutiques|usines|agences|filiales|projets|brevets|produits|équipes|métiers|membres|bénévoles|étudiants|ans|années";
/// Kinds of organisation a ranking can be about ("the first bank to…").
pub(super) const ORG: &str = "company|companies|employer|employers|firm|firms|startup|start-up|scale-up|scaleup|bank|insurer|agency|player|business|brand|organisation|organization|group|retailer|platform|provider|fintech|unicorn|marketplace|studio|manufacturer|consultancy|workplace|entreprises?|employeurs?|groupe|société|acteur|banque|assureur|marque|cabinet|agence|réseau|plateforme|enseigne|fabricant|licorne|recruteur|fournisseur|éditeur|opérateur|distributeur|constructeur|industriel|startups?";
pub(super) const PEOPLE_SG: &str = "applicant|employee|staff member|team member|member of staff|colleague|person|parent|hire|new hire|joiner|new joiner|newcomer|engineer|manager|intern|worker|apprentice|role|position|question|request|candidate|application|office|site|contract";
pub(super) const PEOPLE_PL: &str = "employees|staff|people|colleagues|engineers|managers|parents|workers|interns|apprentices|roles|positions|offices|sites|contracts|teams|team members|hires|joiners|newcomers|candidates|applicants|questions|requests";
pub(super) const PEOPLE_FR_PL: &str = "salariés|salariées|collaborateurs|collaboratrices|employés|employées|équipes|managers|stagiaires|alternants|apprentis|parents|postes|sites|bureaux|personnes|questions|demandes|contrats|arrivants|recrues|talents|candidats|candidatures";
pub(super) const PEOPLE_FR_SG: &str = "collaborateur|collaboratrice|salarié|salariée|employé|employée|membre|arrivant|arrivante|recrue|manager|parent|stagiaire|alternant|alternante|personne|poste|contrat|candidat|candidate|candidature|question|demande";
pub(super) const DET: &str = r"the|our|its|their|his|her|\p{L}+'s";

/// `-est` words that are not superlatives.
pub(super) const NOT_SUPERLATIVE: &[&str] = &[
    "latest",
    "interest",
    "contest",
    "request",
    "forest",
    "harvest",
    "conquest",
    "protest",
    "manifest",
    "suggest",
    "invest",
    "arrest",
    "honest",
    "modest",
    "earnest",
    "midwest",
    "northwest",
    "southwest",
    "inquest",
    "bequest",
    "unrest",
    "behest",
    "digest",
    "everest",
    "tempest",
    "pretest",
    "retest",
];
/// After "the most"/"le plus": words that make it an idiom or a personal opinion.
pub(super) const NOT_RANKING: &[&str] = &[
    "of",
    "part",
    "important",
    "importante",
    "interesting",
    "tôt",
    "tard",
    "souvent",
    "possible",
    "c",
    "ce",
    "ça",
    "chez",
    "ici",
    "dans",
    "en",
    "au",
    "à",
    "de",
    "du",
    "des",
    "et",
    "est",
    "ou",
    "pour",
    "avec",
    "que",
    "qui",
    "j",
    "me",
    "m",
];

fn rx(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid regex")
}

/// Idioms blanked out before matching, because they contain rule words without
/// asserting anything ("best wishes", "in 2 weeks", "everyone is welcome").
pub(super) static IDIOMS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        rx(
            r"\bbest (?:wishes|regards|of luck|practices?|friends?)\b|\ball the best\b|\bthe best is yet to come\b",
        ),
        rx(
            r"\b(?:do|does|did|doing|done|try|tries|tried|trying)\s+(?:my|our|their|his|her|your)\s+(?:very\s+)?best\b",
        ),
        rx(
            r"\b(?:had|having|has had|have had)\s+the\s+(?:very\s+)?best\b|\bthe\s+(?:very\s+)?best\s+(?:time|times|night|evening|moments?|memories|fun)\b",
        ),
        rx(
            r"\bmeilleure?s?\s+(?:vœux|voeux|salutations|souvenirs|moments|continuation|amitiés)\b|\bde (?:mon|ma|notre|son|leur) mieux\b",
        ),
        rx(r"\ble plus (?:tôt|tard|souvent)\b|\ble plus \p{L}+ possible\b|\bmake the most\b"),
        rx(
            r"\b(?:everyone|everybody|all)\s+(?:is|are)\s+welcome\b|\btout le monde est (?:le )?bienvenu\b",
        ),
        rx(
            r"\b(?:always|toujours)\s+(?:up for|ready|happy|keen|eager|open to|there|on the lookout|looking|partante?s?|prête?s?|ravie?s?|heureux|heureuse?s?|disponibles?|là|à l'écoute|en quête)\b",
        ),
        // "the most rewarding part", "Le plus gratifiant, c'est…": an opinion about a job, not a ranking.
        rx(
            r"\bthe\s+(?:most\s+)?\p{L}+\s+(?:part|thing|aspect|bit)\b|^\W*(?:le|la|ce qui est le|ce que j'aime le)\s+(?:plus|moins|mieux)\s+\p{L}+",
        ),
        rx(
            r"\b(?:as always|comme toujours|toujours aussi|toujours plus|pour toujours|forever|more than ever|plus que jamais)\b",
        ),
        rx(&format!(
            r"\b(?:in|within|dans|d'ici|sous)\s+(?:{NUM}|{NUMWORD}|a|an|un|une)\s+(?:minutes?|hours?|days?|weeks?|months?|years?|jours?|semaines?|mois|ans|années?|heures?)\b"
        )),
        rx(&format!(
            r"\b(?:next|coming|prochaines?)\s+(?:{NUM}|{NUMWORD})\s+(?:minutes?|hours?|days?|weeks?|months?|years?|jours|semaines|mois|ans|années)\b|\b(?:{NUM}|{NUMWORD})\s+(?:prochaines?|prochains)\s+(?:années|semaines|jours|mois)\b"
        )),
        rx(&format!(
            r"\b(?:{NUM}|{NUMWORD}|a|an)\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b|\bil y a\s+(?:{NUM}|{NUMWORD}|un|une)\s+\p{{L}}+"
        )),
        // Work anniversaries ("3 years at Acme today") are the author's tenure.
        rx(&format!(
            r"\b(?:{NUM}|{NUMWORD}|one|un|une)\s+(?:years?|ans|months?|mois)\s+(?:at|chez|with|in the team|dans l'équipe)\b"
        )),
        // Sentence-initial "Never …"/"Always …" is an imperative or a slogan.
        rx(r"^\W*(?:never|always)\b"),
    ]
});
