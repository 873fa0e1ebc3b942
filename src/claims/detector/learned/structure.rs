//! How a sentence is put together, read for what makes it checkable rather than for its
//! topic: who it is about (the employer, the author, the reader, the world), what kind of
//! verb carries it (a fact, a stance, a judgement), its mood (a statement, a question, an
//! aim, an invitation), what its numbers measure, and whether it states a practice or a
//! benefit. The labelling guide (`docs/claims/labelling-guide.md`) asks these questions; the
//! learned model weighs the answers, so a value with "we", a feeling with "always" or a law
//! with a figure reads differently from the employer's own figure or practice.

// Regex literals, compiled once; every detector test compiles them all.
#![allow(clippy::expect_used)]

use std::sync::LazyLock;

use regex::Regex;

use super::features::Token;
use crate::claims::detector::Language;

fn rx(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid regex")
}

/// Who the sentence is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// We, our, the company, its teams and people, a named organisation.
    Employer,
    /// I, my: the author alone.
    Author,
    /// You: the reader or candidate.
    Reader,
    /// A law, a sector, companies in general, society, the market.
    World,
    /// Nobody in particular (a fragment, a heading, a hashtag line).
    Nobody,
}

/// The verb that carries the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// Offers, pays, employs, runs, has won, grew, counts, closes …
    Fact,
    /// Loves, believes, strives, aims, hopes, wants, feels …
    Stance,
    /// A copula with a judgement: "is amazing", "sont passionnées".
    Judgement,
    /// A plain copula or possession with no judgement: "is based in", "has offices".
    State,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mood {
    Statement,
    Question,
    Imperative,
    /// Would, could, if, imagine, si … -rait.
    Conditional,
    /// An intent for the future: aim, strive, want to, by 2030, d'ici, visons.
    Aim,
    /// Will, 'll, va, allons: a plain future.
    Future,
}

/// What the sentence's numbers measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbers {
    None,
    /// A figure about the employer or what it gives.
    Employer,
    /// A figure about the law, a sector, a country, people in general.
    World,
    /// Years of experience, a team to manage, a degree: what a job asks.
    Duty,
    /// The author's own dates and durations.
    Personal,
    /// Only a date or a time, for an event or an invitation.
    Event,
    /// Only a year or a date, nothing counted.
    Date,
}

/// Where a superlative points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Superlative {
    None,
    /// Ranks the employer among others: "the best employer in Lyon", "n°1 du secteur".
    Market,
    /// The author's own experience: "the best decision I ever made".
    Personal,
    /// Neither said: "the best coffee", "le plus beau projet".
    Loose,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub subject: Subject,
    pub verb: Verb,
    pub mood: Mood,
    pub numbers: Numbers,
    pub superlative: Superlative,
    /// Words that judge rather than state: passionate, close, bienveillant …
    pub evaluative: bool,
    /// Feelings: proud, moved, love, ému, fier …
    pub feeling: bool,
    pub negated: bool,
    /// A greeting or thanks.
    pub greeting: bool,
    /// Asks the reader to do something: come, join, apply, venez, postulez.
    pub invitation: bool,
    /// A habit of the employer: "after every release", "chaque vendredi", "once a month".
    pub habit: bool,
    /// Pay, leave, hours, remote work, a perk or a facility is named.
    pub benefit: bool,
    /// Customers, partners, offices, revenue, founding: facts about the business.
    pub business: bool,
    /// A task or requirement of a job.
    pub duty: bool,
    /// The employer is mentioned anywhere (not only as subject).
    pub employer_named: bool,
    /// A law, a sector, the market is mentioned anywhere.
    pub world_named: bool,
    /// Nothing in the sentence points at the employer (no we/our/here, no company named, no
    /// team or staff of its own, nothing the reader is said to get) while it speaks of the
    /// law, a sector, companies in general or the world: the guide's first question answers
    /// "not about the employer", so it cannot be a claim.
    pub outside: bool,
    /// Only what a job asks (tasks, experience, degrees), with nothing the employer gives.
    pub duty_only: bool,
    /// An aim, a plan or a target with no result or act already done beside it.
    pub aim_only: bool,
}

static EMPLOYER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    rx(r"^(?:we|we're|we've|we'll|we'd|us|our|ours|ourselves|nous|notre|nos|here|ici|chez)$")
});
/// Nouns that stand for the employer or its people when they open the sentence, with or
/// without a determiner: "the whole team", "nos équipes", "every employee", "les salariés".
static EMPLOYER_NOUNS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:company|firm|group|employer|business|organi[sz]ation|team|teams|staff|employees?|colleagues?|workforce|people|managers?|interns?|apprentices?|engineers?|new|hires?|joiners?|newcomers?|founders?|leadership|office|offices|site|sites|hq|headquarters|entreprise|société|groupe|employeur|maison|cabinet|équipe|équipes|salariés?|salariées?|collaborateurs?|collaboratrices?|collaborateur·rices?|collaborateur\.rice\.s|employés?|employées?|stagiaires?|alternants?|apprentis?|managers?|nouveaux|nouvel|nouvelle|recrues?|arrivants?|fondateurs?|dirigeants?|direction|bureaux?|siège|agence|agences|usine|usines|magasins?|boutiques?)$",
    )
});
/// Nouns that put the sentence in the world at large: the law, the sector, companies in
/// general, a country, society, research.
static WORLD_NOUNS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:law|laws|legislation|regulation|regulations|government|state|eu|europe|european|france|french|uk|british|us|american|germany|companies|firms|employers|businesses|organisations|organizations|industry|industries|sector|sectors|market|markets|society|world|people|workers|women|men|employees|candidates|jobseekers|job-seekers|millennials|gen|studies|study|research|survey|surveys|report|statistics|data|experts|economy|country|countries|nation|national|everyone|everybody|nobody|anyone|loi|lois|législateur|législation|réglementation|règlement|gouvernement|état|l'état|ue|pays|entreprises|employeurs|sociétés|secteur|secteurs|industrie|marché|marchés|société|monde|gens|travailleurs|actifs|français|françaises|femmes|hommes|salariés|candidats|jeunes|études|étude|enquête|enquêtes|chiffres|statistiques|économie|ministère|insee|dares|apec|pôle|code)$",
    )
});
static AUTHOR_WORDS: LazyLock<Regex> =
    LazyLock::new(|| rx(r"^(?:i|i'm|i've|i'd|i'll|me|my|mine|myself|je|j'|moi|mon|ma|mes|m')$"));
static READER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:you|your|you're|you'll|you've|you'd|yours|yourself|vous|votre|vos|tu|t'|ton|ta|tes|toi)$",
    )
});
/// Words that may open a sentence before its subject: determiners, adverbs, connectives.
static SKIPPABLE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:the|a|an|this|that|these|those|and|but|so|also|now|today|yes|honestly|really|still|then|well|oh|ok|okay|plus|et|mais|donc|alors|aussi|aujourd'hui|oui|bref|enfin|puis|le|la|les|l'|un|une|des|ce|cet|cette|ces|du|de|d'|whole|entire|all|every|each|tous|toutes|tout|toute|chaque|entire|most|many|some|more|plusieurs|certains|certaines|la|plupart|of|very|so|too|super|big|huge|little|small|amazing|great|lovely|talented|dear|chers|chères)$",
    )
});
/// Words that open an adverbial phrase before the subject: "After every release, …",
/// "Depuis 2019, …", "In Lyon we …".
static OPENERS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:after|before|since|when|while|during|in|at|on|for|from|by|with|without|within|across|over|under|throughout|every|each|once|twice|last|this|next|as|because|if|although|though|unlike|like|thanks|après|avant|depuis|quand|lorsque|pendant|durant|dans|à|au|aux|en|pour|par|avec|sans|sur|sous|dès|chez|lors|comme|parce|si|grâce|contrairement|cette|cet|ce|l'an|chaque|tous|toutes|une|deux|trois)$",
    )
});

static FACT_VERBS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:offers?|offered|offering|provides?|provided|pays?|paid|paying|covers?|covered|funds?|funded|employs?|employed|runs?|ran|hires?|hired|recruits?|recruited|won|wins|awarded|certified|labelled|labeled|grew|grown|grows|raised|raises|reached|reaches|counts?|counted|opened|opens|launched|launches|closes?|closed|shuts?|gives?|gave|given|gets?|got|receive|receives|received|donates?|donated|publish(?:es|ed)?|reimburses?|reimbursed|match(?:es|ed)?|sponsors?|sponsored|subsidi[sz]es?|subsidi[sz]ed|trains?|trained|promotes?|promoted|founded|based|operates?|operated|serves?|served|sells?|sold|exceeds?|exceeded|doubled|tripled|halved|cut|cuts|reduced|reduces|increased|increases|stays?|stayed|remains?|remained|kept|keeps|rated|ranked|achieved|achieves|signed|joined|topped|includes?|included|allows?|lets|guarantees?|guaranteed|tops|ships?|shipped|built|builds|delivers?|delivered|invested|invests|planted|recycles?|recycled|sources?|sourced|measured|audited|scored|obtained|earned|finished|completed|welcomed|welcomes|onboarded|spent|spends|saved|saves|lends?|lent|buys?|bought|hosted|hosts|partnered|partners|works|worked|owns|owned|manufactures?|manufactured|produces?|produced|supplies|supplied|handles?|handled|processed|processes|offre|offrons|offrent|offert|offerte|offerts|offertes|propose|proposons|proposent|proposé|proposée|verse|versons|versent|versé|paie|paye|payons|payent|paient|payé|emploie|employons|emploient|compte|comptons|comptent|recrute|recrutons|recrutent|recruté|recrutés|remporté|remporte|reçu|reçoit|recevons|reçoivent|finance|finançons|financent|financé|financée|rembourse|remboursons|remboursent|remboursé|remboursée|abonde|abondons|accorde|accordons|accordé|ouvert|ouvre|ouvrons|lancé|lance|lançons|doublé|triplé|réduit|réduisons|atteint|atteignons|dépasse|dépassé|certifiée?s?|labellisée?s?|reste|restent|signé|signe|signons|forme|formons|forment|formé|formés|bénéficie|bénéficient|bénéficiez|bénéficions|travaille|travaillons|travaillent|fondée?|créée?|implantée?s?|basée?s?|installée?s?|accueille|accueillons|accueillent|accueilli|accompagne|accompagnons|accompagnent|prend|prenons|prennent|pris|garantit|garantissons|permet|permettons|ferme|fermons|fournit|fournissons|livre|livrons|investi|investit|investissons|organise|organisons|organisent|organisé|plante|planté|recycle|recyclons|obtenu|obtient|gagné|gagne|atteignent|dispose|disposons|disposent|possède|possédons|fabrique|fabriquons|produit|produisons|vend|vendons|sert|servons|réalise|réalisons|réalisé|mesure|mesurons|mesuré|audité|noté|classé|classée|élue?|élus|élues|nommée?|distinguée?|récompensée?)$",
    )
});
static STANCE_VERBS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:love|loves|loved|believe|believes|believed|strive|strives|aim|aims|aiming|hope|hopes|hoping|want|wants|wish|wishes|dream|dreams|aspire|aspires|care|cares|value|values|valued|think|thinks|feel|feels|felt|seek|seeks|try|tries|trying|endeavour|endeavor|cherish|embrace|embraces|celebrate|celebrates|enjoy|enjoys|adore|adores|appreciate|appreciates|mean|means|matter|matters|inspire|inspires|encourage|encourages|foster|fosters|champion|champions|promote|nurture|nurtures|empower|empowers|commit|committed|pledge|intend|intends|plan|plans|envision|imagine|aime|aimons|aiment|adorons|croyons|crois|croit|croient|visons|vise|visent|voulons|veut|veulent|veux|souhaitons|souhaite|souhaitent|espérons|espère|espèrent|rêvons|rêve|aspirons|aspire|tenons|tient|cherchons|cherche|pensons|pense|estimons|considérons|valorisons|valorise|encourageons|encourage|favorisons|favorise|célébrons|célèbre|cultivons|cultive|défendons|défend|engageons|engage|ambitionnons|ambitionne|partageons|partage|apprécie|apprécions|kiffe|kiffons|inspire|inspirent|place|plaçons|mettons|met)$",
    )
});
static COPULAS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:is|are|was|were|be|been|being|'s|'re|it's|we're|they're|that's|feels|feel|seems|seem|looks|remain|stays|becomes|become|est|sont|sommes|êtes|était|étaient|être|c'est|reste|restent|demeure|semble|paraît|devient|deviennent)$",
    )
});
static HAVE_VERBS: LazyLock<Regex> =
    LazyLock::new(|| rx(r"^(?:has|have|had|having|'ve|a|ont|avons|avez|avait|possède|dispose)$"));
static EVALUATIVE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:passionate|amazing|awesome|great|wonderful|fantastic|incredible|close|close-knit|tight-knit|welcoming|friendly|kind|kindest|supportive|inspiring|inspired|talented|dedicated|driven|brilliant|exciting|excited|fun|funny|caring|open|open-minded|innovative|dynamic|curious|humble|ambitious|bold|agile|collaborative|warm|special|lovely|nice|cool|crazy|intense|rewarding|fulfilling|stimulating|challenging|meaningful|vibrant|thriving|genuine|authentic|human|humane|diverse|inclusive|respectful|fair|transparent|trustworthy|committed|motivated|creative|smart|clever|strong|solid|unique|extraordinary|exceptional|outstanding|remarkable|stellar|top-notch|world-class|cutting-edge|fast-paced|exciting|energising|energizing|empowering|family|family-like|united|tight|proud|lucky|happy|grateful|thankful|honoured|honored|thrilled|delighted|humbled|blessed|fortunate|passionnée?s?|incroyables?|géniale?s?|géniaux|formidables?|super|soudée?s?|bienveillante?s?|chaleureu(?:x|se|ses)|accueillante?s?|sympas?|sympathiques?|talentueu(?:x|se|ses)|dynamiques?|innovante?s?|motivée?s?|engagée?s?|curieu(?:x|se|ses)|humbles?|ambitieu(?:x|se|ses)|audacieu(?:x|se|ses)|créati(?:f|fs|ve|ves)|stimulante?s?|enrichissante?s?|passionnante?s?|exceptionnel(?:le)?s?|uniques?|fière?s?|fiers|heureu(?:x|se|ses)|ravie?s?|chanceu(?:x|se|ses)|reconnaissante?s?|belle|belles|beau|beaux|magnifiques?|riches?|forte?s?|agiles?|collaborati(?:f|fs|ve|ves)|ouverte?s?|top|exigeante?s?|inspirante?s?|humaine?s?|unie?s?|familiale?s?|solidaires?|bienveillance|convivial(?:e|es|aux)?|extraordinaires?|remarquables?|brillante?s?|géniale|folle?s?|intense?s?|attachante?s?|inclusi(?:f|fs|ve|ves)|diverses?|respectueu(?:x|se|ses)|transparente?s?|épanouie?s?|épanouissante?s?|émue?s?|touchée?s?)$",
    )
});
static FEELINGS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:proud|pride|love|loved|loving|happy|thrilled|excited|grateful|thankful|honou?red|delighted|lucky|moved|touched|humbled|blessed|amazed|miss|missed|enjoy|enjoyed|glad|sad|nervous|scared|overwhelmed|speechless|heureu(?:x|se|ses)|fière?s?|fiers|fierté|ravie?s?|chanceu(?:x|se|ses)|adore|aime|émue?s?|touchée?s?|reconnaissante?s?|hâte|plaisir|bonheur|kiffe|joie|émotion|contente?s?)$",
    )
});
static SUPERLATIVE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:best|greatest|biggest|largest|leading|top|number one|no\.? ?1|#1|n°1|n° 1|nº1|first|only|fastest|highest|lowest|most|meilleure?s?|plus grande?s?|plus gros|leader|leaders|premier|première|premiers|seule?s?|numéro un|numéro 1)\b|#1|n°\s?1",
    )
});
static PERSONAL_SCOPE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:i've ever|i have ever|i ever|ever made|of my (?:life|career)|in my (?:life|career)|i've (?:worked|had|known|met|seen)|i know|i've known|my favou?rite|for me|to me|de ma (?:vie|carrière)|j'ai (?:jamais|connu|vu|eu|rencontré)|que j'ai|que je connaisse|pour moi|mon meilleur|ma meilleure|mes meilleurs|mes meilleures)\b",
    )
});
static MARKET_SCOPE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:in (?:the )?(?:world|country|region|industry|sector|market|city|france|europe|uk|us)|in [A-Z]\w+|of (?:its|the) kind|employers?|companies|company|provider|providers|places? to work|workplaces?|firm|firms|brand|player|bank|insurer|agency|retailer|startup|start-up|scale-up|du (?:monde|pays|secteur|marché)|en (?:france|europe)|de (?:france|la région|la ville|son secteur|notre secteur)|employeurs?|entreprises?|acteurs?|fournisseurs?|banque|assureur|marque|enseigne|cabinet|réseau|startups?|du classement|in the ranking|ranked|classée?|à (?:proposer|offrir|obtenir|recevoir)|to (?:offer|get|receive|win|introduce|launch|adopt|pay))\b|#1|n°\s?1|number one|no\. ?1|numéro (?:un|1)",
    )
});
static QUESTION_OPENERS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:what|why|how|who|which|where|when|do|does|did|is|are|can|could|would|should|have|has|will|ever|quel|quelle|quels|quelles|pourquoi|comment|qui|où|quand|est-ce|avez-vous|êtes-vous|saviez-vous|tu|vous)$",
    )
});
static IMPERATIVE_VERBS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:join|come|apply|send|meet|discover|check|find|drop|bring|tell|share|click|follow|see|read|learn|watch|explore|register|sign|book|grab|ask|reach|take|let's|don't|say|help|stay|keep|go|visit|contact|dm|swipe|scroll|tag|like|vote|imagine|picture|save|hit|give|try|start|write|make|meet|think|look|listen|download|subscribe|celebrate|congrats|congratulations|welcome|say|enjoy|venez|viens|rejoignez|rejoins|postulez|postule|découvrez|découvre|envoyez|envoie|retrouvez|retrouve|suivez|suis|contactez|rencontrez|inscrivez|écrivez|partagez|cliquez|lisez|regardez|candidatez|passez|parlez|dites|imaginez|imagine|hésitez|prenez|testez|osez|allez|faites|rendez|rdv|bienvenue|écoutez|téléchargez|abonnez|likez|commentez|pensez|participez|tentez|foncez)$",
    )
});
static INVITATION: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:join us|join the|come and|come meet|come say|come visit|meet us|see you|apply (?:now|here|today|via|through|online)|get in touch|reach out|feel free|sign up|link in|dm me|drop me|drop us|let's|stop by|swing by|we're hiring|we are hiring|now hiring|opening roles|open roles|we're recruiting|are you ready|rejoignez|rejoins|venez|viens|postulez|n'hésitez|contactez|écrivez-nous|inscrivez|à vos candidatures|on recrute|nous recrutons|rendez-vous|à bientôt|au plaisir|on vous attend|on t'attend|nous vous attendons)\b",
    )
});
static GREETING: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^\W*(?:thanks?|thank you|many thanks|big thanks|huge thanks|merci|un grand merci|un immense merci|bravo|congrats|congratulations|félicitations|kudos|shout-?out|happy|merry|joyeux|joyeuse|joyeuses|bon|bonne|bonnes|hello|hi|hey|bonjour|salut|welcome|bienvenue|season's greetings|meilleurs vœux|meilleurs voeux|cheers)\b",
    )
});
static CONDITIONAL: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:would|could|might|if|imagine|what if|suppose|supposing|unless|whether|wouldn't|couldn't|si|s'il|imaginez|imagine|\w+rait|\w+raient|\w+rions|\w+riez|pourrait|pourraient|devrait|devraient)\b",
    )
});
static AIM: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:aim|aims|aiming|strive|strives|striving|want to|wants to|hope to|hopes to|plan to|plans to|planning to|intend to|intends to|goal|goals|target|targets|ambition|ambitions|aspire|aspires|aspiration|objective|objectives|mission|vision|commit to|committed to|commitment to|pledge|pledged to|on track to|working towards|working toward|by 20\d\d|by the end of|roadmap|visons|vise|visent|voulons|veut|veulent|souhaitons|souhaite|ambitionnons|ambition|ambitions|objectif|objectifs|cible|cibles|d'ici (?:20\d\d|à|la fin)|à l'horizon|horizon 20\d\d|nous engageons à|s'engage à|s'engagent à|engagée? à|engagés à|feuille de route|raison d'être|aspirons|cherchons à|tendre vers|tendons)\b",
    )
});
static FUTURE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:will|'ll|going to|gonna|soon|upcoming|next year|next month|va|vont|allons|allez|bientôt|prochainement|\w+erons|\w+irons|\w+erez|\w+irez|\w+era|\w+ira)\b",
    )
});
static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:not|no|never|don't|doesn't|didn't|won't|isn't|aren't|wasn't|can't|cannot|nobody|nothing|none|ne|n'|pas|jamais|aucun|aucune|personne|rien|sans|without|zero|zéro)\b",
    )
});
/// A recurring event: "after every release", "each Friday", "once a month", "tous les ans".
static HABIT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:every|each|after every|after each|once a|twice a|once per|twice per|three times a|chaque|tous les|toutes les|une fois par|deux fois par|à chaque|après chaque)\s+(?:\w+\s+)?(?:day|days|morning|week|weeks|weekend|month|months|quarter|year|years|summer|winter|monday|tuesday|wednesday|thursday|friday|release|releases|sprint|sprints|launch|project|projects|milestone|quarter|season|christmas|new|newcomer|hire|joiner|jour|jours|matin|semaine|semaines|week-end|mois|trimestre|an|ans|année|années|été|hiver|lundi|mardi|mercredi|jeudi|vendredi|mise|livraison|sprint|projet|projets|lancement|saison|noël|nouvel|nouveau|nouvelle|arrivant|arrivée|recrue|fin)\b",
    )
});
/// Pay, leave, hours, remote work, perks and facilities.
static BENEFIT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:salary|salaries|pay|paid|wages?|raise|raises|bonus|bonuses|equity|stock|shares|options|pension|holidays?|vacations?|pto|leave|days off|time off|friday off|afternoon off|afternoons off|sabbaticals?|remote|remotely|from home|wfh|hybrid|flexible|flexibility|hours|4-day|four-day|overtime|insurance|healthcare|health|dental|gym|meals?|lunch|lunches|breakfast|vouchers?|budget|childcare|nursery|relocation|allowance|stipend|compensation|perks?|benefits?|laptop|equipment|bike|bikes|parking|canteen|coaching|mentoring|training|courses?|tuition|salaires?|rémunérations?|rémunérée?s?|payée?s?|augmentations?|primes?|intéressement|participation|bspce|actions|retraite|congés?|rtt|repos|sabbatiques?|télétravail\w*|hybride|horaires|heures|mutuelle|prévoyance|assurance|santé|titres?-restaurant|tickets?-restaurant|tickets?|restaurant|cantine|déjeuners?|repas|salle de sport|budget|crèches?|forfait|mobilité|avantages?|indemnités?|13e mois|treizième mois|ordinateur|matériel|vélos?|formations?|mentorat|tutorat|chèques?|vacances|week-end|vendredi)\b",
    )
});
/// Facts about the business: customers, partners, revenue, offices, founding.
static BUSINESS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:customers?|clients?|partners?|partnership|revenue|revenues|turnover|profit|profits|sales|orders|users|subscribers|market share|offices?|headquarters|hq|subsidiar(?:y|ies)|factories|factory|plants?|stores?|shops?|sites?|founded|listed|acquired|acquisition|merger|investors?|funding|round|series|valuation|absenteeism|turnover rate|attrition|retention|churn|headcount|workforce|emissions|carbon|co2|waste|energy|electricity|certification|certified|label|labelled|accredited|audit|audited|score|index|ranking|ranked|award|awards|prize|clientèle|partenaires?|partenariat|chiffre d'affaires|bénéfices?|ventes|commandes|utilisateurs|abonnés|parts de marché|bureaux|siège|filiales?|usines?|magasins?|boutiques?|agences?|implantations?|fondée?|créée?|rachetée?|rachat|fusion|investisseurs?|levée|valorisation|absentéisme|turn-over|rétention|effectifs?|émissions|carbone|déchets|énergie|électricité|certifiée?|labellisée?|label|audit|note|indice|index|classement|prix|trophée|récompense)\b",
    )
});
/// What a job asks: tasks and requirements.
static DUTY: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:you will|you'll|you would|your role|your mission|your missions|the role|in this role|responsibilities|responsible for|you must|you should|must have|must be|required|requirements?|essential|a plus|is a bonus|nice to have|ideally|preferred|experience (?:in|with|of)|years' experience|years of experience|fluent|degree|qualifications?|skills?|you have|you are|you're comfortable|manage|lead|own|drive|build|design|develop|support|coordinate|ensure|report to|reporting to|vous serez|vous aurez pour|tu seras|tu auras pour|vos missions|tes missions|votre mission|tes responsabilités|vos responsabilités|le poste|au sein de|vous devrez|tu devras|exigée?s?|requise?s?|souhaitée?s?|appréciée?s?|idéalement|expérience|maîtrise|maîtrisez|diplôme|diplômée?|bac ?\+|profil|compétences?|vous (?:avez|êtes|maîtrisez|parlez|savez)|tu (?:as|es|maîtrises|parles|sais)|piloter|pilotez|piloteras|gérer|gérez|géreras|encadrer|encadrez|encadreras|assurer|assurez|assureras|développer|concevoir|animer|animez|participer|participerez|contribuer|contribuerez|rattachée? à)\b",
    )
});
static DIGIT: LazyLock<Regex> = LazyLock::new(|| rx(r"\d"));
static NUMBER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|dozen|dozens|million|millions|half|deux|trois|quatre|cinq|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|cinquante|cent|cents|mille|centaine|centaines|millier|milliers|dizaine|dizaines|million|millions|moitié|tiers|quart)\b",
    )
});
/// A figure that is only a date, a year or a time of day.
static DATE_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:19\d\d|20\d\d)\b|\b\d{1,2}(?:st|nd|rd|th|er)?\s+(?:jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b|\b(?:jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\b\d{1,2}\s?h\s?\d{0,2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
    )
});
static EVENT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:event|events|webinar|meetup|meet-up|fair|forum|conference|talk|workshop|open day|open house|party|stand|booth|livestream|live|session|hackathon|afterwork|salon|webinaire|conférence|atelier|soirée|journée|portes ouvertes|rencontre|stand|table ronde|jobdating|job dating|see you|rendez-vous|rdv|join us|venez|on vous attend)\b",
    )
});
/// Figures about people in general or the world: "of French workers", "des entreprises".
static WORLD_FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:of (?:all |french |british |european |american )?(?:workers|employees|companies|firms|people|women|men|candidates|jobseekers|job seekers|managers|graduates|young people|millennials|adults|respondents|businesses)|(?:companies|firms|employers|businesses) with|in (?:france|europe|the uk|the us|the world|the industry|the sector)|nationwide|nationally|on average|worldwide|globally|des (?:salariés|actifs|français|françaises|entreprises|femmes|hommes|candidats|jeunes|cadres|managers|sondés|employeurs)|(?:les )?entreprises (?:de|d'au moins|de plus de)|en (?:france|europe|moyenne)|dans le monde|au niveau national|selon (?:une|l'|la|le|les)|according to|a study|a survey|une étude|une enquête|le code du travail|the law|la loi)\b",
    )
});
static EMPLOYER_FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:of our|of us|of the team|of the company|among us|in our|our \w+|we (?:are|have|were|had|now|count|employ|grew|hired|welcomed|reached|raised)|de nos|parmi nous|dans nos|au sein de (?:notre|nos|l'entreprise|l'équipe)|nous (?:sommes|avons|comptons|employons|recrutons|accueillons)|notre \w+|nos \w+|colleagues|collègues|chez \w+)\b",
    )
});

/// Reads `tokens` (lowercased words, `<n>` for figures) and `lower` (the lowercased text).
pub(super) fn read(tokens: &[Token], sentence: &str, lower: &str, language: Language) -> Reading {
    let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    let any = |re: &Regex| words.iter().any(|w| re.is_match(w));
    let subject = subject(tokens, language);
    let employer_named = words.iter().enumerate().any(|(i, w)| {
        EMPLOYER_WORDS.is_match(w)
            || (language == Language::Fr && *w == "on")
            || (tokens[i].capital && i > 0 && !is_sentence_word(w))
    }) || subject == Subject::Employer;
    let world_named = WORLD_FIGURE.is_match(lower)
        || GENERIC.is_match(lower)
        || words.iter().any(|w| {
            matches!(
                *w,
                "law" | "loi" | "legislation" | "législateur" | "industry" | "secteur" | "sector"
            )
        });
    // How rules and the world are described: "the law requires", "se calcule", "permet aux
    // employeurs". In that register "l'entreprise" and "the employer" are anyone's.
    let law = LAW_REGISTER.is_match(lower);
    let generic = GENERIC.is_match(lower) || WORLD_FIGURE.is_match(lower) || law;
    // "US workers" names a country, not "us".
    let own_text = US_COUNTRY.replace_all(sentence, " ").to_lowercase();
    // Only the employer can be "we", "our", "chez nous", a body of its own or a mention.
    let own_strong = OWN_STRONG.is_match(&own_text)
        || (language == Language::Fr && words.contains(&"on"))
        || sentence.contains('@')
        || BODIES.is_match(lower)
        // A company named outside the register of rules and sources ("selon France Travail").
        || (!law && tokens.iter().any(is_name));
    // These name the employer in a post about work, and anyone's in a sentence about the law
    // or employers in general ("employers with 250 or more staff must…").
    let own_weak = OWN.is_match(&own_text)
        || OWN_PEOPLE.is_match(lower)
        || tokens.iter().any(is_name)
        || BENEFIT.is_match(lower) && subject != Subject::World
        || words.iter().any(|w| READER_WORDS.is_match(w));
    let own = own_strong || (own_weak && !generic);
    let outside = !own && (world_named || subject == Subject::World);
    let question = lower.contains('?')
        || words
            .first()
            .is_some_and(|w| QUESTION_OPENERS.is_match(w) && lower.trim_end().ends_with('?'));
    let imperative = words.first().is_some_and(|w| IMPERATIVE_VERBS.is_match(w))
        || words.first().is_some_and(|w| {
            language == Language::Fr && w.ends_with("ez") && *w != "chez" && !w.starts_with("<")
        });
    let aim = AIM.is_match(lower);
    let conditional = CONDITIONAL.is_match(lower);
    let future = FUTURE.is_match(lower);
    let mood = if question {
        Mood::Question
    } else if imperative {
        Mood::Imperative
    } else if aim {
        Mood::Aim
    } else if conditional {
        Mood::Conditional
    } else if future {
        Mood::Future
    } else {
        Mood::Statement
    };
    let evaluative = any(&EVALUATIVE);
    let feeling = any(&FEELINGS);
    let verb = verb(&words, evaluative);
    let duty = DUTY.is_match(lower) && matches!(subject, Subject::Reader | Subject::Nobody)
        || (DUTY.is_match(lower) && lower.contains("experience"));
    let has_number = DIGIT.is_match(lower) || NUMBER_WORDS.is_match(lower);
    let numbers = if !has_number {
        Numbers::None
    } else {
        number_role(lower, subject, duty, employer_named)
    };
    let superlative = if SUPERLATIVE.is_match(lower) {
        if PERSONAL_SCOPE.is_match(lower) {
            Superlative::Personal
        } else if MARKET_SCOPE.is_match(lower) {
            Superlative::Market
        } else {
            Superlative::Loose
        }
    } else {
        Superlative::None
    };
    Reading {
        subject,
        verb,
        mood,
        numbers,
        superlative,
        evaluative,
        feeling,
        negated: NEGATION.is_match(lower),
        greeting: GREETING.is_match(lower),
        invitation: INVITATION.is_match(lower) || imperative,
        habit: HABIT.is_match(lower),
        benefit: BENEFIT.is_match(lower),
        business: BUSINESS.is_match(lower),
        duty,
        employer_named,
        world_named,
        outside,
        aim_only: mood == Mood::Aim && !RESULT.is_match(lower),
        duty_only: duty
            && REQUIREMENT.is_match(lower)
            && !BENEFIT.is_match(lower)
            && !own_fact(lower),
    }
}

/// "We offer", "our team runs": the employer doing something, which a duty line can carry
/// ("you'll join our team of 6, and we pay for your laptop").
fn own_fact(lower: &str) -> bool {
    OWN_FACT.is_match(lower)
}

/// The employer's own bodies and groups: a board, a committee, its leadership.
static OWN_STRONG: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:we|we're|we've|we'll|we'd|us|our|ours|nous|notre|nos|chez nous|ici|my company|my team|mon équipe|mon entreprise|ma boîte)\b",
    )
});
static LAW_REGISTER: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:the law|by law|laws?|legally|statutory|regulations?|directive|act(?: \d{4})?|is entitled|are entitled|must publish|are required|is required|requires|is calculated|are calculated|is defined|refers to|means that|is capped|la loi|les lois|légal\w*|réglementaire|code du travail|permet aux? (?:employeurs?|entreprises?|salariés?)|permet à l'employeur|l'employeur (?:peut|doit)|les employeurs? (?:peut|peuvent|doit|doivent)|les entreprises (?:de|doivent|peuvent)|ouvre droit|se calcule|est fixée?|sont fixée?s|correspond au|correspond à|est plafonnée?|dans la limite de|est obligatoire|sont tenue?s|doit fixer|ne peut pas demander|bon à savoir|selon (?:france|l'insee|la dares|l'apec|une étude|un sondage|une enquête|le baromètre)|d'après (?:un|une|le|la|l')|according to)\b",
    )
});
static BODIES: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:board|executive committee|leadership team|management team|senior roles|senior leadership|graduate intake|comité (?:exécutif|de direction)|codir|comex|conseil d'administration|direction générale|organisations syndicales|syndicats|cse)\b",
    )
});
static US_COUNTRY: LazyLock<Regex> = LazyLock::new(|| rx(r"\bU\.?S\.?(?:A\.?)?\b"));
static OWN: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:we|we're|we've|we'll|we'd|us|our|ours|nous|notre|nos|here|ici|chez|the company|this company|my company|the firm|the team|my team|the whole team|the office|l'entreprise|la société|le groupe|l'équipe|mon équipe|mon entreprise|ma boîte|la boîte|every employee|each employee|chaque salarié|chaque collaborateur|tous les salariés)\b",
    )
});
/// People of a workplace, named without a possessive: the employer's own in a post about
/// work, unless the sentence speaks of employers in general.
static OWN_PEOPLE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:staff|colleagues|collègues|employees|salariés|salariées|collaborateurs|collaboratrices|interns|stagiaires|alternants|apprentices|new hires|newcomers|nouveaux arrivants|managers|engineers|ingénieurs)\b",
    )
});
/// A result or an act already done, which an aim may stand beside: "since 2019", "already".
static RESULT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:we've|we have|have|has|had|already|since|so far|to date|déjà|depuis|avons|ont|jusqu'ici|à ce jour)\b|\b\w+ed\b",
    )
});

/// Words seen in lower case in the training sentences: ordinary words, so a capital at the
/// start of a sentence does not make them a name.
static COMMON_WORDS: LazyLock<std::collections::HashSet<String>> = LazyLock::new(|| {
    let mut common = std::collections::HashSet::new();
    for text in [
        super::corpus::CORPUS_EN,
        super::corpus::CORPUS_FR,
        super::corpus::OLD_CORPUS,
    ] {
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let sentence = line.rsplit('\t').next().unwrap_or("");
            for word in sentence.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’') {
                if word.chars().next().is_some_and(char::is_lowercase) {
                    common.insert(word.replace('’', "'"));
                }
            }
        }
    }
    common
});

/// A capitalised word that is no ordinary word, country, body or month: a company, a team,
/// a person, a place of the employer's.
fn is_name(token: &Token) -> bool {
    token.capital
        && token.text != "<n>"
        && !is_sentence_word(&token.text)
        && !COMMON_WORDS.contains(&token.text)
        && !WORLD_NOUNS.is_match(&token.text)
        && !PLACES_AND_BODIES.is_match(&token.text)
}
/// Companies and people in general, the state, the law: the world an employer lives in.
static GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:companies|firms|employers|businesses|organisations|organizations|mondial\w*|global|globally|worldwide|the world|world's|du monde|dans le monde|nationwide|national\w*|in the uk|the uk's|in the us|in britain|in england|in france|en france|au royaume-uni|en europe|in europe|in the eu|dans l'ue|adults|households|researchers|gen z|millennials|jobseekers|job seekers|candidates say|respondents|according to|selon (?:une|un|l'|la|le|les)|on average|en moyenne|the average person|la moyenne nationale|a survey|a recent survey|a study|une étude|un sondage|une enquête nationale|statutory|by law|de droit|légal\w*|act \d{4}|regulations|directive|code du travail|les français|des français|les salariés français|les actifs|les jeunes|les femmes|les hommes|the law|laws|regulations?|legislation|the government|governments|the state|les entreprises|des entreprises|aux entreprises|les employeurs|des employeurs|la loi|les lois|le législateur|la réglementation|le gouvernement|l'état|le code du travail|the labour code|the labor code|the industry|the sector|le secteur|l'industrie|le marché|the market)\b",
    )
});
/// Capitalised words that name a country, a body or a month, not the employer.
static PLACES_AND_BODIES: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:france|french|europe|european|eu|ue|uk|us|usa|u|s|america|american|britain|british|england|germany|canada|insee|dares|apec|urssaf|acoss|ocde|oecd|ilo|oit|cnil|anact|cac|january|february|march|april|may|june|july|august|september|october|november|december|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|covid|linkedin|glassdoor|indeed|google)$",
    )
});
/// What a job ad asks of a candidate.
static REQUIREMENT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:years? of (?:\w+ )?experience|years' experience|experience (?:in|with|of)|ability to|able to|degree in|bachelor|master's|phd|fluent|fluency|proficien\w+|knowledge of|familiarity with|you will|you'll|you would|responsible for|your role|your missions?|in this role|must have|nice to have|a plus|required|requirements?|you have|you are|ans d'expérience|années d'expérience|expérience (?:en|de|dans)|capacité à|maîtrise|diplômée? d|bac ?\+|vous serez|tu seras|vous aurez pour|tu auras pour|vos missions|tes missions|vous (?:avez|êtes|maîtrisez|parlez)|tu (?:as|es|maîtrises|parles)|profil recherché|compétences)\b",
    )
});
static OWN_FACT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:we|nous|on) (?:also )?(?:offer|provide|pay|cover|fund|give|match|reimburse|offrons|proposons|versons|payons|prenons|finançons|remboursons|donnons)\b",
    )
});

/// The guide's first question, answered from a sentence's features: nothing in it points at
/// the employer while it speaks of the law, a sector, companies in general or the world. Such
/// a sentence is no claim whatever its figures, so the detector gives it no score at all.
pub fn outside_the_employer(features: &[String]) -> bool {
    features.iter().any(|f| f == "st:outside")
}

/// Words a capital does not make a name of when they open a clause.
fn is_sentence_word(word: &str) -> bool {
    EMPLOYER_WORDS.is_match(word)
        || AUTHOR_WORDS.is_match(word)
        || READER_WORDS.is_match(word)
        || SKIPPABLE.is_match(word)
        || OPENERS.is_match(word)
        || word == "<n>"
}

/// The subject of the main clause: the first word that can be one, after an opening
/// adverbial ("After every release, …") and determiners.
fn subject(tokens: &[Token], language: Language) -> Subject {
    let mut start = 0;
    if tokens.first().is_some_and(|t| OPENERS.is_match(&t.text)) {
        // Skip the adverbial: up to the next pronoun or noun that can carry a clause, at most
        // six words in.
        start = 1;
        while start < tokens.len().min(7) {
            let w = tokens[start].text.as_str();
            if EMPLOYER_WORDS.is_match(w)
                || AUTHOR_WORDS.is_match(w)
                || READER_WORDS.is_match(w)
                || (language == Language::Fr && (w == "on" || w == "il" || w == "elle"))
            {
                break;
            }
            start += 1;
        }
        if start >= tokens.len().min(7) {
            start = 1;
        }
    }
    for (i, token) in tokens.iter().enumerate().skip(start).take(8) {
        let w = token.text.as_str();
        if AUTHOR_WORDS.is_match(w) {
            return Subject::Author;
        }
        if EMPLOYER_WORDS.is_match(w) || (language == Language::Fr && w == "on") {
            return Subject::Employer;
        }
        if READER_WORDS.is_match(w) {
            return Subject::Reader;
        }
        if WORLD_NOUNS.is_match(w) && !preceded_by_our(tokens, i) {
            return Subject::World;
        }
        if EMPLOYER_NOUNS.is_match(w) {
            return Subject::Employer;
        }
        if token.capital && w != "<n>" && !is_sentence_word(w) {
            // A name opening the clause: the company, a team, a person, a place.
            return Subject::Employer;
        }
        if w == "<n>" || SKIPPABLE.is_match(w) || OPENERS.is_match(w) {
            continue;
        }
        if matches!(
            w,
            "it" | "il" | "elle" | "c'" | "c'est" | "ce" | "ça" | "cela" | "there" | "il y a" | "y"
        ) {
            continue;
        }
        // The verb comes after its subject: past it, whatever follows is no subject
        // ("Les horaires sont libres pour tout le monde").
        if COPULAS.is_match(w)
            || FACT_VERBS.is_match(w)
            || STANCE_VERBS.is_match(w)
            || HAVE_VERBS.is_match(w)
        {
            break;
        }
        // Another word: keep looking a little; a verb or an adjective often comes first in
        // fragments ("Proud to…", "Fiers de…").
    }
    Subject::Nobody
}

fn preceded_by_our(tokens: &[Token], i: usize) -> bool {
    tokens[i.saturating_sub(2)..i]
        .iter()
        .any(|t| EMPLOYER_WORDS.is_match(&t.text))
}

fn verb(words: &[&str], evaluative: bool) -> Verb {
    let fact = words.iter().any(|w| FACT_VERBS.is_match(w));
    let stance = words.iter().any(|w| STANCE_VERBS.is_match(w));
    let copula = words.iter().position(|w| COPULAS.is_match(w)).map(|i| {
        words[i + 1..(i + 5).min(words.len())]
            .iter()
            .any(|w| EVALUATIVE.is_match(w))
    });
    if stance && !fact {
        Verb::Stance
    } else if fact {
        Verb::Fact
    } else if copula == Some(true) || (evaluative && copula.is_none()) {
        Verb::Judgement
    } else if copula.is_some() || words.iter().any(|w| HAVE_VERBS.is_match(w)) {
        Verb::State
    } else {
        Verb::None
    }
}

fn number_role(lower: &str, subject: Subject, duty: bool, employer_named: bool) -> Numbers {
    let without_dates = DATE_ONLY.replace_all(lower, " ");
    let counted = DIGIT.is_match(&without_dates) || NUMBER_WORDS.is_match(&without_dates);
    if !counted {
        return if EVENT.is_match(lower) || INVITATION.is_match(lower) {
            Numbers::Event
        } else {
            Numbers::Date
        };
    }
    if duty {
        return Numbers::Duty;
    }
    if subject == Subject::World
        || (WORLD_FIGURE.is_match(lower) && !EMPLOYER_FIGURE.is_match(lower))
    {
        return Numbers::World;
    }
    if subject == Subject::Author && !EMPLOYER_FIGURE.is_match(lower) && !BENEFIT.is_match(lower) {
        return Numbers::Personal;
    }
    if employer_named || EMPLOYER_FIGURE.is_match(lower) || subject == Subject::Employer {
        return Numbers::Employer;
    }
    if subject == Subject::Reader {
        // "You get 25 days off": what a candidate is promised is the employer's figure.
        return Numbers::Employer;
    }
    Numbers::World
}

impl Reading {
    /// Feature names, prefixed `st:`, with the conjunctions a linear model cannot form itself.
    pub fn features(&self, rules: &[&str], add: &mut impl FnMut(String)) {
        let subject = match self.subject {
            Subject::Employer => "employer",
            Subject::Author => "author",
            Subject::Reader => "reader",
            Subject::World => "world",
            Subject::Nobody => "nobody",
        };
        let verb = match self.verb {
            Verb::Fact => "fact",
            Verb::Stance => "stance",
            Verb::Judgement => "judgement",
            Verb::State => "state",
            Verb::None => "none",
        };
        let mood = match self.mood {
            Mood::Statement => "statement",
            Mood::Question => "question",
            Mood::Imperative => "imperative",
            Mood::Conditional => "conditional",
            Mood::Aim => "aim",
            Mood::Future => "future",
        };
        let numbers = match self.numbers {
            Numbers::None => "none",
            Numbers::Employer => "employer",
            Numbers::World => "world",
            Numbers::Duty => "duty",
            Numbers::Personal => "personal",
            Numbers::Event => "event",
            Numbers::Date => "date",
        };
        let superlative = match self.superlative {
            Superlative::None => "none",
            Superlative::Market => "market",
            Superlative::Personal => "personal",
            Superlative::Loose => "loose",
        };
        add(format!("st:subject={subject}"));
        add(format!("st:verb={verb}"));
        add(format!("st:mood={mood}"));
        add(format!("st:numbers={numbers}"));
        add(format!("st:superlative={superlative}"));
        add(format!("st:subject={subject}&verb={verb}"));
        add(format!("st:subject={subject}&mood={mood}"));
        add(format!("st:numbers={numbers}&mood={mood}"));
        add(format!("st:numbers={numbers}&verb={verb}"));
        let flags = [
            (self.evaluative, "evaluative"),
            (self.feeling, "feeling"),
            (self.negated, "negated"),
            (self.greeting, "greeting"),
            (self.invitation, "invitation"),
            (self.habit, "habit"),
            (self.benefit, "benefit"),
            (self.business, "business"),
            (self.duty, "duty"),
            (self.employer_named, "employer_named"),
            (self.world_named, "world_named"),
            (self.outside, "outside"),
            (self.duty_only, "duty_only"),
            (self.aim_only, "aim_only"),
        ];
        for (on, name) in flags {
            if on {
                add(format!("st:{name}"));
                add(format!("st:{name}&subject={subject}"));
            }
        }
        // What a practice or a benefit needs to be stated: the employer's, as a fact.
        let stated = self.mood == Mood::Statement || self.mood == Mood::Future;
        if self.benefit && stated && matches!(self.subject, Subject::Employer | Subject::Reader) {
            add(format!("st:benefit_stated&verb={verb}"));
        }
        if self.habit && stated && self.subject == Subject::Employer {
            add(format!("st:habit_stated&verb={verb}"));
        }
        if self.business && stated && self.employer_named {
            add(format!("st:business_stated&verb={verb}"));
        }
        if self.feeling && self.numbers == Numbers::Employer {
            add("st:feeling&numbers=employer".to_string());
        }
        if self.evaluative && !matches!(self.verb, Verb::Fact) && self.numbers == Numbers::None {
            add("st:judgement_only".to_string());
        }
        for rule in rules {
            add(format!("st:rule={rule}&subject={subject}"));
            add(format!("st:rule={rule}&verb={verb}"));
            add(format!("st:rule={rule}&mood={mood}"));
            add(format!("st:rule={rule}&numbers={numbers}"));
            if self.evaluative {
                add(format!("st:rule={rule}&evaluative"));
            }
            if self.feeling {
                add(format!("st:rule={rule}&feeling"));
            }
        }
    }
}
