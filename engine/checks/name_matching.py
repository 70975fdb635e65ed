"""Fuzzy matching of a name (and birth date) against a sanctions list. Pure: no I/O, no global mutable state.

Three steps:

1. **Normalisation** (:func:`name_tokens`): a name becomes a tuple of :class:`Token`, each with a *phonetic key*
   that is the same for the usual transliteration variants of one name. `anyascii` takes any script to ASCII
   (`Александр` -> `Aleksandr`, `Đorđević` -> `Dordevic`); then case, accents and punctuation go; Arabic articles
   (`al-`, `el-`, `ad-`, ...), connectors (`bin`, `ibn`, `ould`), Dutch particles (`van`, `de`, ...) and titles
   (`Dr`, `Haji`, `Mullah`, ...) are dropped, and for organisations their legal forms (`OOO`, `LLC`, `B.V.`, also
   misspelt); `Abd al-X` / `Abdul X` / `Abdel X` / `AbdulX` become one word `abdx`; and each word is folded by
   :data:`PHONETIC_RULES`. So `Mohammed`/`Mohamed` -> `muhamid`, `Muhammad`/`Mohamad` -> `muhamad`,
   `Yevgeny`/`Evgeniy`/`Jewgeni` -> `ivgini`, `Ivanoff`/`Iwanow` -> `ivanuv`, `Hussein`/`Hossein` -> `husin`.
   Single letters (`J.`, `S.V.`) are *initials*. Names in Arabic or Hebrew script are not matched (ASCII folding of
   a script written without vowels gives bare consonants); the list always carries Latin forms of them too.

2. **Blocking** (:class:`NameIndex`): the keys of every listed name's words, of adjacent words joined and of all
   its words joined (`Kim Jong Un` ~ `Kim Jongun` ~ `Kimjongun`), and `initial|key` pairs (`s|ivanuv`) go into a
   vocabulary with postings per entry. Every word key is also filed under its one-letter deletions (and, from five
   letters, its two-letter deletions), so a query word finds the keys one or two edits away without a scan.
   Candidates are ranked by the summed rarity (inverse document frequency) of what they share with the query; the
   best `limit` are scored.

3. **Scoring** (:func:`screen`): per listed name, the query words are aligned one-to-one with the listed words
   (greedy by similarity, so word order does not matter). Two words score 1 when their keys are equal, else
   `1 - edits / length` (optimal string alignment, a little more lenient for one edit in three letters, see
   :data:`TYPO_LENGTH_ALLOWANCE`); an initial scores :data:`INITIAL_SIMILARITY` against a word it begins and covers
   it without adding weight. A query word that is itself a *known name* (a word of a candidate entry, or a common
   given or family name in the Netherlands) and is not a spelling of the listed word (other consonants, and no entry
   spells one name both ways) is another name rather than a typing error (`Karin` for `Karim`, `Alina` for
   `Marina`): its similarity is multiplied by :data:`KNOWN_NAME_FACTOR`. The name score is the mean similarity of
   the aligned query words weighted by length (2..8 letters), where unaligned words add to the denominator: a query
   word the listed name lacks weighs :data:`QUERY_EXTRA_WEIGHT`, a listed word the query lacks (a patronymic, a
   father's name) only :data:`LIST_EXTRA_WEIGHT`. Words left over on both sides are one word written for another
   (`Leonov` where the list has `Yefimov`): they are paired and count with their full weight and their similarity,
   none for a known other name. A match on one word only is discounted (:data:`SINGLE_TOKEN_FACTOR`,
   :data:`THIN_EVIDENCE_FACTOR`, :data:`COMMON_NAME_FACTOR`). Names whose words are merged or split differently are
   also compared with their words joined. The birth date then moves the score (:func:`birth_date_evidence`), and
   :data:`POTENTIAL_MATCH_THRESHOLD` decides.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Literal, NamedTuple

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import OSA

from engine.registers.records import SanctionsEntry

Kind = Literal["person", "entity"]

# --- thresholds ----------------------------------------------------------------------------------------------------

POTENTIAL_MATCH_THRESHOLD = 0.75
"""Score from which a listed entry is a potential match (a person must look). On this scale one typing error in a
two-word name scores about 0.9, two about 0.8, a transliteration variant or a dropped patronymic 0.9..1, a listed
family name with another given name 0.4..0.6. Chosen on the evaluation in :mod:`engine.checks.sanctions_evaluation`,
run on two other lists and seeds than the published figures: recall stays at or above 0.99 up to about 0.76 and falls
quickly above it, while the alert rate on ordinary applicants is about 0.2% anywhere between 0.72 and 0.80. It must
stay above `1 - DOB_CONFLICT_PENALTY`, so a namesake with another birth year is not referred."""

REPORT_THRESHOLD = 0.65
"""Name score from which a listed entry is reported at all (as context for the reviewer, and because an agreeing
birth date can still lift it over :data:`POTENTIAL_MATCH_THRESHOLD`)."""

PAIR_FLOOR = 0.6
"""Two words less similar than this are not aligned with each other: `Dmitri` is not a misspelt `Sergei`."""

STRONG_PAIR = 0.75
"""At least one aligned pair of whole words (not initials) must reach this, so initials alone never match."""

TYPO_LENGTH_ALLOWANCE = 2
"""Two different words that are not known names score `1 - edits / longer length`, and `1 - edits / (longer length +
this)` when there is at most one edit in three letters: one typing error in a short word (`Htu` for `Htun`) does not
cost half the word."""

INITIAL_SIMILARITY = 0.9
"""An initial against a word it begins (only for alignment: an initial covers the word but adds no weight)."""

INITIAL_WEIGHT = 1.0
"""An initial carries little information: about one letter's worth (when unaligned, it counts against the match)."""

QUERY_EXTRA_WEIGHT = 0.6
"""Share of its weight with which a query word that the listed name lacks counts against the match."""

ENTITY_QUERY_EXTRA_WEIGHT = 0.3
"""The same for organisations, whose names in a form often carry words the list lacks (`Holding`, `Nederland`)."""

LIST_EXTRA_WEIGHT = 0.1
"""Share of its weight with which a listed word that the query lacks counts against the match: lists carry
patronymics, fathers' and grandfathers' names that nobody types into a form."""

SINGLE_TOKEN_FACTOR = 0.75
"""When only one word of a multi-word name is aligned (`Ivanov` alone against `Sergei Ivanov`), the score is
multiplied by this: one shared word is not a name match."""

MIN_EVIDENCE_LETTERS = 5
THIN_EVIDENCE_FACTOR = 0.9
"""A match on one whole word (and initials) is multiplied by that word's own similarity, and by this when the word
has fewer than :data:`MIN_EVIDENCE_LETTERS` letters (`M. Kok` against `Park Man Kuk`)."""

COMMON_NAME_FACTOR = 0.85
"""And by this when that one word is a common name in the Netherlands (`E. de Jong` against the Korean `Jang Sik
Jong`): many applicants share it, so agreeing on it is weak evidence."""

KNOWN_NAME_FACTOR = 0.6
"""A query word that is a known name but not the listed word nor a spelling of it is more likely the applicant's own,
different name than a typing error: its similarity is multiplied by this."""

JOINED_FACTOR = 0.95
"""Names matched only with their words joined (`Kim Jongun` ~ `Kim Jong Un`) count a little less."""

GENERIC_WORD_FACTOR = 0.25
"""Weight factor of generic words in organisation names (`Trading`, `Shipping`, `International`)."""

DOB_EXACT_BONUS = 0.10
"""Added when the applicant's birth date is one the list gives: one chance in ~20,000 for a stranger."""

DOB_YEAR_BONUS = 0.04
"""Added when the list gives only a year and it is the applicant's: one chance in ~60 for a stranger."""

DOB_SAME_YEAR_PENALTY = 0.10
"""Subtracted when the list gives full dates, none is the applicant's, but one is in the same year (a listed date
may be wrong by days or with day and month swapped): an exact name still refers."""

DOB_CONFLICT_PENALTY = 0.30
"""Subtracted when the list gives dates and none is in the applicant's birth year: the classic namesake. Even an
exact name then scores 0.70, under the threshold, so a namesake born in another year is not referred. This relies on
the applicant's birth date being true; the identity check corroborates it elsewhere."""

# --- normalisation tables ------------------------------------------------------------------------------------------


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


PHONETIC_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ou", "u"),  # French transliteration: Youssef, Moussa, Abdoulaye
        (r"(?<=[aeiouy])h$", ""),  # Abdullah ~ Abdulla, Fatimah ~ Fatima, Saleh ~ Sale
        (r"^abd[aeiu](?:l|([dnrstz])(?=\1))", "abd"),  # Abdul-, Abdel-, Abdal-, Abdur-r..., Abder-r...
        (r"i(?:t?s?ch|c)$", "ik"),  # -ić / -ich / -itch / -itsch: Petrović ~ Petrovich ~ Petrowitsch
        (r"(?<=[aeiouy])ff$", "v"),  # Ivanoff, Andreeff
        (r"ow$", "ov"),  # German: Iwanow
        (r"t?s?ch", "sh"),  # sch (German ш), tsch / tch (ч), ch (French ш, English ч)
        (r"shsh", "sh"),  # shch (щ) after the rule above
        (r"dzh|dj|zh", "j"),  # Dzhokhar ~ Jokhar, Djamel ~ Jamel, Zhukov ~ Joukov
        (r"kh", "h"),
        (r"gh", "g"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"(?<!ab)dh", "d"),  # not in Abd-Hamid
        (r"rh", "r"),
        (r"ck|c|q", "k"),
        (r"x", "ks"),
        (r"w", "v"),
        (r"(?<=[aeiou])[yj](?=[aeiou])", "J"),  # between vowels y and j are consonants: Majid, Maya
        (r"[yj]", "i"),  # elsewhere vowels: Yusuf ~ Iusuf ~ Jusuf, Sergej ~ Sergey ~ Sergei, Husayn ~ Husain
        (r"J", "j"),
        (r"e", "i"),
        (r"o", "u"),
        (r"(.)\1+", r"\1"),  # doubled letters
    )
)
"""Applied in order to each lower-case ASCII token; the result is the token's phonetic key."""

TITLES = _word_set(
    "mr mrs ms dr prof gen general col colonel maj major lt capt brig sheikh shaikh shaykh cheikh haji hajji hadji "
    "mullah mulla mawlawi maulavi mawlavi maulvi qari imam daw dhr mevr ir ing drs jhr"
)
"""Dropped when the name has other tokens."""

PARTICLES = _word_set(
    "bin ibn bint ben ould wuld van de der den het ten ter te op in von vom zu du le la da di do dos das del della"
)
"""Connectors (`bin`, `ould`) and family-name particles (`van der`, `de`): dropped unless last in the name."""

LEGAL_FORMS = _word_set(
    "llc ltd limited liability co company corp corporation inc incorporated plc gmbh ag bv nv vof sa sarl sas spa srl "
    "ooo oao zao pao ao ojsc cjsc pjsc jsc fze fzco fzc fzllc llp lp est establishment joint stock public closed open "
    "the of and for"
)
"""Legal forms and filler words of organisation names: dropped, unless nothing else is left."""

FUZZY_LEGAL_FORMS = tuple(
    sorted(
        _word_set(
            "llc ltd ooo oao zao pao jsc pjsc cjsc ojsc fze fzco gmbh plc llp corp company limited liability "
            "corporation incorporated establishment joint stock public closed"
        )
    )
)
"""Legal forms also recognised when misspelt (`Compnay`, `LLV`, `ZAI`); short ones only with a letter replaced or two
swapped, so that `Test` is not taken for `Est.`."""

GENERIC_WORDS = _word_set(
    "trading trade shipping general group industries industrial industry international holding holdings petroleum oil "
    "gas energy exchange investment investments invest bank services service logistics import export construction "
    "engineering development technology technologies enterprise enterprises lines line national united global "
    "commercial research production association scientific plant factory concern transport marine maritime airlines "
    "aviation defence defense systems solutions consulting management partners bouw handel beheer advies installatie "
    "techniek groep diensten nederland holland foundation stichting center centre korea myanma myanmar iran islamic "
    "republic russia russian syrian arab federal"
)
"""Words common to many organisation names; they count with :data:`GENERIC_WORD_FACTOR` of their weight."""

FUZZY_GENERIC_WORDS = tuple(sorted(GENERIC_WORDS))
"""Generic words also recognised when misspelt (`Tradign`, `Gwnerax`)."""

COMMON_DUTCH_GIVEN_NAMES = _word_set(
    """
    jan johannes johan hans pieter piet peter kees cornelis willem wim hendrik henk gerrit gert gerard jacobus jaap
    jacob koen bas sebastiaan daan sem lucas luuk lars thijs thomas tom tim bram ruben jesse stijn niels joris jeroen
    maarten martijn mark marco sander erik rob robert ronald richard frank paul marcel michel arjen arjan dennis
    patrick wouter frits klaas dirk dick theo ton toon anton antonius adrianus arie ad bert albert harm herman jos
    joost joep job finn noah levi milan mees liam julian ties sven gijs guus teun jens niek rik roel rutger tijmen
    floris olivier hugo max jasper vincent wessel mats boaz siem jurre hidde pim stefan steven evert egbert gerben
    jelle sjoerd wiebe douwe feike rien leo frans kevin mike nick rick hein huub jort quinten reinier timo wilco ivo
    bart barend benno bob bjorn casper chris christiaan coen daniel david diederik edwin emiel eric fabian gerard
    gerben gerrit hajo hendrikus hubert jaco jeffrey jelmer jochem jorrit jurgen justin kai karel lennart lodewijk
    lourens marius mathijs matthijs maurits melle michiel mika morris nathan nico noud oscar otto pepijn pieter ramon
    remco rene rens rob roderick roy rudolf ruud sam sieger simon sjors sybren tobias tycho valentijn victor walter
    wietse xander yannick
    maria anna johanna cornelia elisabeth wilhelmina hendrika geertruida catharina petronella adriana jacoba emma
    julia mila sophie tess sara zoe eva lotte lisa fleur noa nora evi saar isa liv yara sanne femke anouk iris lieke
    marieke ingrid karin monique sandra petra linda esther annemarie wilma ria riet els mieke joke greet truus ans
    annie nel tineke marjolein marloes marleen suzanne judith miriam ellen ilse inge kim lisanne manon nienke renske
    roos vera anne hanna hannah ilona jolanda yvonne carla carola daphne denise dewi eline esmee fenna floor jasmijn
    jet jip kiki lana lara laura lynn maud merel myrthe naomi nina noor puck rosa sofie stella willemijn nadia amber
    britt chantal charlotte marit mirjam nicole paula rianne sabine sylvia tamara wendy astrid bianca brenda carmen
    claudia corine danielle debora diana elise elles emily evelien froukje gerda hilde ineke irene jacqueline janneke
    jessica jolien josephine karlijn katja lieve lotte louise margot marianne martine melanie mirthe natasja nathalie
    nadine patricia rebecca renate rosalie saskia selma silvia simone tanja teuntje trijntje valerie veerle wieke
    mohamed ahmed mustafa youssef ibrahim omar ayoub bilal hamza rachid soufiane anouar mehmet emre murat hakan ali
    yusuf burak kerem mert can deniz rajesh sanjay ravi dinesh anil jermaine quincy tarik karim nordin redouan
    mourad samir ilias adam zakaria khalid said mohammed fatima amina salma khadija naima zeynep elif ayse hatice
    busra meryem priya anjali shanti ilham latifa yasmina houda soumaya dounia malika rania ikram imane chaima
    """
)
"""Common given names in the Netherlands, all generations (lower-case ASCII): known names (:data:`KNOWN_NAME_FACTOR`)
whatever the list holds, since most applicants live in the Netherlands."""

COMMON_DUTCH_FAMILY_NAMES = _word_set(
    """
    jong jansen vries berg dijk bakker janssen visser smit meijer meyer boer mulder groot bos vos peters hendriks
    leeuwen dekker brouwer wit dijkstra smits graaf meer linden kok jacobs haan vermeulen heuvel veen broek bruijn
    bruin heijden schouten beek willems vliet ven hoekstra maas verhoeven koster dam wal prins blom huisman peeters
    wijk kuipers postma kramer doorn scholten rijn jonker post veenstra bosch timmermans groen gerritsen verbeek
    dongen kuijpers evers hermans mertens wouters sanders hofman loon claassen bosman hoogendoorn koning martens vink
    driessen zijlstra goossens molenaar tromp geerts veldhuis bouwman verschuren lammers brink ruiter kooistra
    wolters beekman schipper heijnen pronk eck koopman terpstra wagenaar huizinga mol boersma nijhuis hartman bergsma
    wiersma horst hof verhagen rutten kuiper hoogland oosterhuis zwart klein akkerman baas bekker berends bijl
    blokland boon borst bosma bouma brouwers burger dekkers dirksen faber gerrits groenewegen haverkamp hendriksen
    hoek hoekman jager jansma kamp kersten klaassen kloosterman knol koch kroon kuijper laan lambers langen lubbers
    maat meulen mooij mulders nauta nieuwenhuis otten pol reinders rietveld schaap schepers schuurman sijtsma smeets
    snijders spijker stam teunissen tol velde verhoef verkerk vermeer visscher vlaming westra wijnen wolff zeeman
    yilmaz kaya demir sahin celik yildiz ozturk aydin ozdemir arslan dogan kilic aslan cetin kara koc kurt ozkan
    simsek polat amrani idrissi bakkali haddouchi azzouzi ouali tahiri alaoui boukhari khattabi ziani hamdaoui
    fassi chaouch aouragh ramdin ramlal sewdien biharie mahabier jagesar baldew soekhai nguyen tran
    """
)
"""Common family names in the Netherlands (lower-case ASCII, without particles), of Dutch and of Turkish, Moroccan,
Surinamese and other origins: known names like :data:`COMMON_DUTCH_GIVEN_NAMES`."""

_VOWELLESS_SCRIPTS = re.compile(r"[\u0590-\u05FF\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")
_QUOTES = re.compile(r"['`\"]")
_ARTICLE_HYPHEN = re.compile(r"\b(?:[aeiu](?:[lrsdtzn]|sh))-(?=[a-z])")
_ARTICLE_SPACE = re.compile(r"\b(?:al|el)\s+(?=[a-z]{2})")
_ABD_JOIN = re.compile(r"\b(abd(?:[aeiou][a-z])?)[\s-]+(?=[a-z]{2})")
_NOT_LETTERS = re.compile(r"[^a-z]+")
_NO_VOWELS = str.maketrans("", "", "aiu")  # the only vowels phonetic keys keep


class Token(NamedTuple):
    """One word of a normalised name."""

    key: str  # phonetic key (for an initial: the folded letter)
    raw: str  # the word as written, lower-case ASCII letters
    weight: float
    initial: bool = False
    generic: bool = False  # a generic word of an organisation name (`Trading`)


def phonetic_key(word: str) -> str:
    """The phonetic key of one lower-case ASCII word: `Mohammed` -> `muhamid`, `Iwanow` -> `ivanuv`."""
    for pattern, replacement in PHONETIC_RULES:
        word = pattern.sub(replacement, word)
    return word


def name_tokens(name: str, kind: Kind = "person") -> tuple[Token, ...]:
    """The normalised words of a name; empty when nothing matchable is left (or the script has no vowels)."""
    if _VOWELLESS_SCRIPTS.search(name):
        return ()
    text = _QUOTES.sub("", anyascii(name).lower())
    if kind == "entity":
        text = text.replace(".", "")  # B.V., S.A., L.L.C. -> bv, sa, llc
    text = _ARTICLE_SPACE.sub("", _ARTICLE_HYPHEN.sub("", text))
    text = _ABD_JOIN.sub(r"\1", text)
    words = [word for word in _NOT_LETTERS.split(text) if word]
    return tuple(_token(word, kind) for word in _drop_noise(words, kind))


def _drop_noise(words: list[str], kind: Kind) -> list[str]:
    if kind == "entity":
        words = [word for word in words if not _is_legal_form(word)] or words
    words = [word for word in words if word not in TITLES] or words
    last = len(words) - 1
    kept = [w for i, w in enumerate(words) if i == last or w not in PARTICLES or (w == "ben" and i == 0)]
    return kept or words


def _is_legal_form(word: str) -> bool:
    return word in LEGAL_FORMS or _near_any(word, FUZZY_LEGAL_FORMS, shortest=3)


def _is_generic(word: str) -> bool:
    return word in GENERIC_WORDS or _near_any(word, FUZZY_GENERIC_WORDS, shortest=5)


def _near_any(word: str, vocabulary: Sequence[str], *, shortest: int) -> bool:
    """Whether `word` is a misspelling of a word of `vocabulary`: one edit (two from seven letters; under five letters
    only a replaced letter or two swapped, not one more or less)."""
    if len(word) < shortest:
        return False
    edits = 1 if len(word) < 7 else 2
    length_change = 0 if len(word) < 5 else edits
    return any(
        abs(len(known) - len(word)) <= length_change and OSA.distance(word, known, score_cutoff=edits) <= edits
        for known in vocabulary
    )


def _token(word: str, kind: Kind) -> Token:
    key = phonetic_key(word) or word
    if len(word) == 1 and kind == "person":
        return Token(key[0], word, INITIAL_WEIGHT, initial=True)
    weight = float(min(max(len(key), 2), 8))
    if kind == "entity" and _is_generic(word):
        return Token(key, word, weight * GENERIC_WORD_FACTOR, generic=True)
    return Token(key, word, weight)


# --- known names ---------------------------------------------------------------------------------------------------

DUTCH_NAME_KEYS = frozenset(phonetic_key(name) for name in COMMON_DUTCH_GIVEN_NAMES | COMMON_DUTCH_FAMILY_NAMES)


def consonants(key: str) -> str:
    """The first letter of a phonetic key and its consonants: `muhamid` and `muhamad` -> `mhmd`."""
    return key[:1] + key[1:].translate(_NO_VOWELS)


@dataclass(frozen=True, slots=True)
class NameKnowledge:
    """What the candidate entries teach about names: which words are names (`known`: the words of their names), and
    which pairs of different keys are spellings of one name (`variants`: the keys in the same place of two names of
    one entry, `Hanna` and `Anna` for one Belarusian). Common names in the Netherlands are always known. Only used for
    persons."""

    known: frozenset[str] = frozenset()
    variants: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, entries: Iterable[PreparedEntry]) -> NameKnowledge:
        entries = tuple(entries)
        return cls(
            frozenset().union(*(prepared.words for prepared in entries)),
            frozenset().union(*(prepared.spellings for prepared in entries)),
        )

    def is_known(self, key: str) -> bool:
        return key in DUTCH_NAME_KEYS or key in self.known

    def other_name(self, query: str, listed: str) -> bool:
        """Whether the (different) query key is a known name and not a spelling of the listed key: not the same
        consonants (`Hedi`/`Hadi`, `Yevgen`/`Yevgeny`), nor a pair an entry spells one name with."""
        return self.is_known(query) and consonants(query) != consonants(listed) and (query, listed) not in self.variants


def _spellings(names: Sequence[Sequence[Token]]) -> frozenset[tuple[str, str]]:
    """Pairs of different keys in the same place of two names of one entry (both orders): its own spellings."""
    out: set[tuple[str, str]] = set()
    words = [[t.key for t in tokens if not t.initial] for tokens in names]
    for first, second in itertools.combinations(words, 2):
        pairs = sorted(((OSA.normalized_similarity(a, b), a, b) for a in first for b in second if a != b), reverse=True)
        used = set(first) & set(second)
        for similarity, a, b in pairs:
            if similarity < PAIR_FLOOR:
                break
            if a not in used and b not in used:
                used.update((a, b))
                out.update(((a, b), (b, a)))
    return frozenset(out)


# --- scoring -------------------------------------------------------------------------------------------------------


def word_similarity(query: str, listed: str, knowledge: NameKnowledge | None = None) -> float:
    """Similarity of the phonetic keys of a query word and a listed word, 0..1."""
    if query == listed:
        return 1.0
    if knowledge is not None and knowledge.other_name(query, listed):
        return KNOWN_NAME_FACTOR * OSA.normalized_similarity(query, listed)
    edits = OSA.distance(query, listed)
    length = max(len(query), len(listed))
    if edits * 3 <= length:  # at most one edit in three letters: forgiven as typing errors
        length += TYPO_LENGTH_ALLOWANCE
    return max(0.0, 1.0 - edits / length)


def initial_similarity(query: Token, listed: Token) -> float:
    """An initial against an initial or a word it begins (by its letter as written or folded), else 0."""
    if query.initial and listed.initial:
        return INITIAL_SIMILARITY if query.key == listed.key else 0.0
    letter, word = (query, listed) if query.initial else (listed, query)
    return INITIAL_SIMILARITY if letter.key == word.key[0] or letter.raw == word.raw[0] else 0.0


class ListedName(NamedTuple):
    """One name of an entry, normalised, with what the joined comparison needs."""

    text: str
    tokens: tuple[Token, ...]
    joined: str  # the keys of its whole words (not initials, not generic words) without spaces
    words: int  # how many such words

    @classmethod
    def of(cls, text: str, tokens: tuple[Token, ...]) -> ListedName:
        keys = [t.key for t in tokens if not t.initial and not t.generic]
        return cls(text, tokens, "".join(keys), len(keys))


class _Scorer:
    """One query scored against many listed names. The similarity of each query word to every word of the
    candidates is computed once, in one call per query word (`rapidfuzz.process.extract`); pairs under
    :data:`PAIR_FLOOR` are never aligned, so only the others are kept."""

    def __init__(
        self, query: Sequence[Token], words: Iterable[str], knowledge: NameKnowledge | None, kind: Kind = "person"
    ) -> None:
        self.query = tuple(query)
        self.extra_weight = QUERY_EXTRA_WEIGHT if kind == "person" else ENTITY_QUERY_EXTRA_WEIGHT
        self.knowledge = knowledge
        self.whole = tuple(i for i, t in enumerate(self.query) if not t.initial)
        keys = [t.key for t in self.query if not t.initial and not t.generic]
        self.joined_words = len(keys)
        self.joined_length = sum(map(len, keys))
        self.joined_orders = {"".join(keys), "".join(keys[1:] + keys[:1]), "".join(keys[-1:] + keys[:-1])} - {""}
        choices = list(words)
        self._similar = [{} if t.initial else self._similar_words(t.key, choices) for t in self.query]

    def _similar_words(self, query: str, choices: Sequence[str]) -> dict[str, float]:
        """The listed keys at least :data:`PAIR_FLOOR` similar to a query key. The known-name discount can only lower
        the plain similarity and the typing-error allowance only applies above the floor, so the plain similarity
        pre-selects (with a margin: rapidfuzz's cutoff is exclusive at exact fractions)."""
        near = process.extract(
            query, choices, scorer=OSA.normalized_similarity, score_cutoff=PAIR_FLOOR - 0.05, limit=None
        )
        out = {}
        for key, _, _ in near:
            similarity = word_similarity(query, key, self.knowledge)
            if similarity >= PAIR_FLOOR:
                out[key] = similarity
        return out

    def word(self, i: int, key: str) -> float:
        """:func:`word_similarity` of query word `i` and a listed key, 0 when under :data:`PAIR_FLOOR`."""
        return self._similar[i].get(key, 0.0)

    def bound(self, words: Iterable[str]) -> float:
        """An upper bound of the aligned score of any name made of these words: each query word at its best."""
        matched = weight = strongest = 0.0
        keys = tuple(words)
        for i in self.whole:
            best = max(map(self._similar[i].get, keys, itertools.repeat(0.0)), default=0.0)
            query_weight = self.query[i].weight
            if best:
                matched += query_weight * best
                weight += query_weight
                strongest = max(strongest, best)
            else:
                weight += self.extra_weight * query_weight
        return matched / weight if strongest >= STRONG_PAIR else 0.0

    def name(self, listed: ListedName, *, aligned_possible: bool = True) -> float:
        aligned = self.aligned(listed.tokens) if aligned_possible else 0.0
        if aligned >= POTENTIAL_MATCH_THRESHOLD:
            return aligned
        return max(aligned, self.joined(listed))

    def aligned(self, listed: Sequence[Token]) -> float:
        """The words aligned one-to-one, best pairs first; see the module docstring."""
        query = self.query
        pairs = []
        for i, q in enumerate(query):
            for j, e in enumerate(listed):
                similarity = initial_similarity(q, e) if q.initial or e.initial else self.word(i, e.key)
                if similarity >= PAIR_FLOOR:
                    pairs.append((similarity, i, j))
        pairs.sort(reverse=True)
        used_query = [False] * len(query)
        used_listed = [False] * len(listed)
        matched = weight = best = 0.0
        covered = whole_words = whole_letters = 0
        for similarity, i, j in pairs:
            if used_query[i] or used_listed[j]:
                continue
            used_query[i] = used_listed[j] = True
            covered += 1
            q, e = query[i], listed[j]
            if q.initial or e.initial:  # covers the word, adds no weight: an initial cannot raise the mean
                continue
            matched += q.weight * similarity
            weight += q.weight
            best = max(best, similarity)
            whole_words += 1
            whole_letters += min(len(q.key), len(e.key))
        if best < STRONG_PAIR:
            return 0.0
        for credit, i, j in self._leftovers(listed, used_query, used_listed):
            used_query[i] = used_listed[j] = True
            matched += query[i].weight * credit
            weight += query[i].weight
        extra_query = sum(q.weight for q, used in zip(query, used_query, strict=True) if not used)
        extra_listed = sum(e.weight for e, used in zip(listed, used_listed, strict=True) if not used)
        score = matched / (weight + self.extra_weight * extra_query + LIST_EXTRA_WEIGHT * extra_listed)
        if covered < min(2, len(listed)):
            score *= SINGLE_TOKEN_FACTOR
        if whole_words == 1 and len(listed) > 1:
            score *= self._one_word_factor(best, whole_letters, used_query)
        return score

    def _leftovers(
        self, listed: Sequence[Token], used_query: Sequence[bool], used_listed: Sequence[bool]
    ) -> list[tuple[float, int, int]]:
        """Whole words left over on both sides, paired best first: one word written for another. A misspelt word
        keeps the credit of its (low) similarity; a known name other than the listed one gets none."""
        left_query = [i for i, q in enumerate(self.query) if not used_query[i] and not q.initial]
        left_listed = [j for j, e in enumerate(listed) if not used_listed[j] and not e.initial]
        if not left_query or not left_listed:
            return []
        pairs = sorted(
            ((self._credit(self.query[i], listed[j]), i, j) for i in left_query for j in left_listed), reverse=True
        )
        out: list[tuple[float, int, int]] = []
        for credit, i, j in pairs:
            if all(i != a and j != b for _, a, b in out):
                out.append((credit, i, j))
        return out

    def _credit(self, query: Token, listed: Token) -> float:
        if self.knowledge is not None and self.knowledge.other_name(query.key, listed.key):
            return 0.0
        return word_similarity(query.key, listed.key)

    def _one_word_factor(self, similarity: float, letters: int, used_query: Sequence[bool]) -> float:
        """A match on one whole word (and initials) must rest on a good, long and uncommon word."""
        factor = similarity
        if letters < MIN_EVIDENCE_LETTERS:
            factor *= THIN_EVIDENCE_FACTOR
        words = (q.key for q, used in zip(self.query, used_query, strict=True) if used and not q.initial)
        if any(key in DUTCH_NAME_KEYS for key in words):
            factor *= COMMON_NAME_FACTOR
        return factor

    def joined(self, listed: ListedName) -> float:
        """For words merged or split differently (`Mohammadreza` ~ `Mohammad Reza`, `Kim Jongun` ~ `Kim Jong Un`):
        the names with the spaces taken out, the query in its order and rotated by one word (family name first or
        last), times :data:`JOINED_FACTOR`. Only when the two have different numbers of whole words."""
        if not listed.words or not self.joined_words or listed.words == self.joined_words:
            return 0.0
        cutoff = REPORT_THRESHOLD / JOINED_FACTOR
        longer = max(self.joined_length, len(listed.joined))
        if 1 - abs(self.joined_length - len(listed.joined)) / longer < cutoff:  # the lengths alone rule it out
            return 0.0
        best = max(OSA.normalized_similarity(o, listed.joined, score_cutoff=cutoff) for o in self.joined_orders)
        return JOINED_FACTOR * best

    def entry(self, prepared: PreparedEntry, birth_date: date | None) -> NameMatch | None:
        """The entry's best name, with the birth date; None when its name score is under :data:`REPORT_THRESHOLD`."""
        aligned_possible = self.bound(prepared.words) >= REPORT_THRESHOLD
        best, best_name = 0.0, ""
        for listed in prepared.names:
            score = self.name(listed, aligned_possible=aligned_possible)
            if score > best:
                best, best_name = score, listed.text
        if best < REPORT_THRESHOLD:
            return None
        agrees, adjustment = birth_date_evidence(prepared.birth_dates, birth_date)
        total = min(1.0, max(0.0, best + adjustment))
        return NameMatch(
            entry_id=prepared.entry.id,
            matched_name=best_name,
            name_score=round(best, 4),
            birth_date_agrees=agrees,
            score=round(total, 4),
            potential_match=total >= POTENTIAL_MATCH_THRESHOLD,
        )


def name_score(query: Sequence[Token], listed: Sequence[Token], knowledge: NameKnowledge | None = None) -> float:
    """How well a query name matches one listed name, 0..1, names alone (see the module docstring)."""
    if not query or not listed:
        return 0.0
    words = {t.key for t in listed if not t.initial}
    return _Scorer(query, words, knowledge).name(ListedName.of("", tuple(listed)))


# --- birth dates ---------------------------------------------------------------------------------------------------


class ListedDate(NamedTuple):
    year: int
    month: int | None
    day: int | None


def parse_listed_date(text: str) -> ListedDate:
    """`YYYY-MM-DD` or `YYYY`."""
    if len(text) == 4:
        return ListedDate(int(text), None, None)
    day = date.fromisoformat(text)
    return ListedDate(day.year, day.month, day.day)


def birth_date_evidence(listed: Sequence[ListedDate], birth_date: date | None) -> tuple[bool | None, float]:
    """Whether the birth date agrees with the list, and by how much it moves the score.

    `None` (no adjustment) when either side has no date. Agrees: a listed full date equal to it
    (+:data:`DOB_EXACT_BONUS`), or a listed year-only date in its year (+:data:`DOB_YEAR_BONUS`). Otherwise it
    conflicts: -:data:`DOB_SAME_YEAR_PENALTY` when a listed full date is in the same year, else
    -:data:`DOB_CONFLICT_PENALTY`.
    """
    if birth_date is None or not listed:
        return None, 0.0
    exact = (birth_date.year, birth_date.month, birth_date.day)
    if any(d.month is not None and (d.year, d.month, d.day) == exact for d in listed):
        return True, DOB_EXACT_BONUS
    if any(d.month is None and d.year == birth_date.year for d in listed):
        return True, DOB_YEAR_BONUS
    if any(d.year == birth_date.year for d in listed):
        return False, -DOB_SAME_YEAR_PENALTY
    return False, -DOB_CONFLICT_PENALTY


# --- prepared entries, screening -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameMatch:
    """One listed entry as a possible match of the screened name."""

    entry_id: str
    matched_name: str  # the listed name (primary or alias) that matched best
    name_score: float  # 0..1, names alone
    birth_date_agrees: bool | None  # None when the applicant or the list has no birth date
    score: float  # 0..1, names and birth date
    potential_match: bool  # score >= POTENTIAL_MATCH_THRESHOLD: a person must look


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """A listed entry with its names normalised, birth dates parsed and what it teaches about names, once."""

    entry: SanctionsEntry
    names: tuple[ListedName, ...]
    birth_dates: tuple[ListedDate, ...]
    words: frozenset[str]  # the keys of its names' whole words (not initials)
    spellings: frozenset[tuple[str, str]]  # its own spellings of one name, see :func:`_spellings`

    @classmethod
    def of(cls, entry: SanctionsEntry) -> PreparedEntry:
        distinct: dict[tuple[tuple[str, str, bool], ...], ListedName] = {}  # aliases that normalise alike: scored once
        for name in entry.names:
            if tokens := name_tokens(name, entry.kind):
                signature = tuple((t.key, t.raw[:1], t.initial) for t in tokens)
                distinct.setdefault(signature, ListedName.of(name, tokens))
        names = tuple(distinct.values())
        words = frozenset(t.key for name in names for t in name.tokens if not t.initial)
        return cls(
            entry,
            names,
            tuple(parse_listed_date(text) for text in entry.birth_dates),
            words,
            _spellings([name.tokens for name in names]) if entry.kind == "person" else frozenset(),
        )


def score_candidates(
    query: Sequence[Token], candidates: Sequence[PreparedEntry], birth_date: date | None
) -> list[NameMatch]:
    """Score normalised query words against prepared entries of one kind, with what they teach about names (for
    persons); best first."""
    if not query or not candidates:
        return []
    kind = candidates[0].entry.kind
    knowledge = NameKnowledge.of(candidates) if kind == "person" else None
    words = knowledge.known if knowledge is not None else frozenset().union(*(p.words for p in candidates))
    scorer = _Scorer(query, words, knowledge, kind)
    matches = [match for prepared in candidates if (match := scorer.entry(prepared, birth_date)) is not None]
    matches.sort(key=lambda m: (-m.score, m.entry_id))
    return matches


def screen(
    name: str, *, birth_date: date | None, candidates: Sequence[SanctionsEntry], kind: Kind = "person"
) -> list[NameMatch]:
    """Score a name (and birth date) against candidate entries of its kind; best first, only those with a name score
    of at least :data:`REPORT_THRESHOLD`. `potential_match` says which a person must look at.

    The known names and spellings (:class:`NameKnowledge`) are those of the candidates, so the same candidates give
    the same answer whether they come from :meth:`NameIndex.candidates` or from a remote list service."""
    prepared = [PreparedEntry.of(entry) for entry in candidates if entry.kind == kind]
    return score_candidates(name_tokens(name, kind), prepared, birth_date)


# --- blocking ------------------------------------------------------------------------------------------------------

NEAR_KEY_FACTOR = 0.8
"""A query word one edit (or two deletions) from a listed key counts this share of the key's rarity in ranking."""

FAR_KEY_FACTOR = 0.6
"""A query word further away (three or four letters deleted between the two: two edits) counts this share."""

MAX_LACKING = 4
"""A query word and a listed key meet when deleting at most this many letters, from both together, makes them equal:
two replaced letters need four."""

MIN_DELETION_LENGTH = 4
"""Keys shorter than this are looked up exactly only: deletions of short keys match too much."""

MIN_DOUBLE_DELETION_LENGTH = 5
"""Listed words from this length are also filed under their two-letter deletions."""

MIN_QUERY_DOUBLE_DELETION_LENGTH = 6
"""Query words from this length are also looked up by their two-letter deletions (shorter ones by one-letter
deletions, which meet the listed words' two-letter deletions too)."""


def _deletions(key: str, depth: int) -> dict[str, int]:
    """`key` and its deletions of up to `depth` letters, with how many letters each lacks."""
    out = {key: 0}
    frontier = {key}
    for level in range(1, depth + 1):
        frontier = {k[:i] + k[i + 1 :] for k in frontier for i in range(len(k))}
        for variant in frontier:
            out.setdefault(variant, level)
    return out


def _depth(key: str, word: bool) -> int:
    if len(key) < MIN_DELETION_LENGTH:
        return 0
    return 2 if word and len(key) >= MIN_DOUBLE_DELETION_LENGTH else 1


class _BlockingKeys(NamedTuple):
    words: frozenset[str]  # single words: deletions up to two letters
    joined: frozenset[str]  # adjacent words and all words joined: deletions of one letter
    initials: frozenset[str]  # `letter|key`: exact only


def _blocking_keys(tokens: Sequence[Token], *, listed: bool) -> _BlockingKeys:
    words = [t.key for t in tokens if not t.initial]
    joined = {a + b for a, b in itertools.pairwise(words)}
    if len(words) > 2:
        joined.add("".join(words))
    if listed:  # every letter a listed word can be abbreviated to, with every other word
        letters = [({t.raw[0], t.key[0]}, t.key) for t in tokens if not t.initial]
        initials = {
            f"{letter}|{key}" for (firsts, _), (_, key) in itertools.permutations(letters, 2) for letter in firsts
        }
    else:
        initials = {f"{letter}|{key}" for t in tokens if t.initial for letter in {t.raw, t.key} for key in words}
    return _BlockingKeys(frozenset(words), frozenset(joined - set(words)), frozenset(initials))


class _KindIndex:
    """The blocking index of the entries of one kind."""

    def __init__(self, entries: Sequence[tuple[int, PreparedEntry]]) -> None:
        postings: dict[str, set[int]] = {}
        depths: dict[str, int] = {}
        for position, prepared in entries:
            for listed in prepared.names:
                keys = _blocking_keys(listed.tokens, listed=True)
                for key in itertools.chain(keys.words, keys.joined, keys.initials):
                    postings.setdefault(key, set()).add(position)
                for key in keys.words:
                    depths[key] = _depth(key, word=True)
                for key in keys.joined:
                    depths.setdefault(key, _depth(key, word=False))
        self.postings = {key: tuple(sorted(positions)) for key, positions in postings.items()}
        count = max(len(entries), 1)
        self.rarity = {key: math.log(1 + count / len(positions)) for key, positions in self.postings.items()}
        neighbours: dict[str, list[tuple[str, int]]] = {}
        for key, depth in depths.items():
            for variant, lacking in _deletions(key, depth).items():
                neighbours.setdefault(variant, []).append((key, lacking))
        self.neighbours = {variant: tuple(keys) for variant, keys in neighbours.items()}

    def similar_keys(self, key: str, *, word: bool) -> dict[str, float]:
        """Listed keys equal to or a few edits from `key`, with the share of their rarity they count for."""
        found: dict[str, float] = {}
        if key in self.postings:
            found[key] = 1.0
        depth = _depth(key, word)
        if depth == 2 and len(key) < MIN_QUERY_DOUBLE_DELETION_LENGTH:
            depth = 1
        for variant, lacking in _deletions(key, depth).items():
            for listed, listed_lacking in self.neighbours.get(variant, ()):
                if lacking + listed_lacking > MAX_LACKING:
                    continue
                share = NEAR_KEY_FACTOR if lacking + listed_lacking <= 2 else FAR_KEY_FACTOR
                if share > found.get(listed, 0.0):
                    found[listed] = share
        return found

    def rank(self, tokens: Sequence[Token], limit: int) -> list[int]:
        """Positions of the best `limit` entries, by the summed rarity of what they share with the query (summed in a
        fixed order, ties to the entry met first, so the answer does not depend on string hashing)."""
        keys = _blocking_keys(tokens, listed=False)
        lookups = [self.similar_keys(key, word=True) for key in sorted(keys.words)]
        lookups += [self.similar_keys(key, word=False) for key in sorted(keys.joined)]
        lookups += [{key: 1.0} for key in sorted(keys.initials) if key in self.postings]
        totals: dict[int, float] = {}
        for found in lookups:
            best: dict[int, float] = {}  # per entry, the best value of this query key; ascending, so the best wins
            for value, listed in sorted((self.rarity[listed] * share, listed) for listed, share in found.items()):
                best.update(dict.fromkeys(self.postings[listed], value))
            for position, value in best.items():
                totals[position] = totals.get(position, 0.0) + value
        top = heapq.nlargest(limit, totals.items(), key=itemgetter(1))  # stable: ties to the earlier entry
        return [position for position, _ in top]


class NameIndex:
    """Blocking index over a sanctions list: finds the entries worth scoring for a name without scanning the list."""

    def __init__(self, entries: Iterable[SanctionsEntry]) -> None:
        self.prepared: tuple[PreparedEntry, ...] = tuple(PreparedEntry.of(entry) for entry in entries)
        self.entries: tuple[SanctionsEntry, ...] = tuple(prepared.entry for prepared in self.prepared)
        self._kinds: dict[Kind, _KindIndex] = {
            kind: _KindIndex([(i, p) for i, p in enumerate(self.prepared) if p.entry.kind == kind])
            for kind in ("person", "entity")
        }

    def __len__(self) -> int:
        return len(self.prepared)

    def candidate_entries(self, tokens: Sequence[Token], kind: Kind = "person", limit: int = 50) -> list[PreparedEntry]:
        """The candidates for already normalised words, with their names normalised too."""
        return [self.prepared[position] for position in self._kinds[kind].rank(tokens, limit)]

    def candidates(self, name: str, kind: Kind = "person", limit: int = 50) -> list[SanctionsEntry]:
        """At most `limit` entries of `kind` sharing a word (or a word a few edits away, or an initial and a word)
        with the name, those sharing the rarest first."""
        return [prepared.entry for prepared in self.candidate_entries(name_tokens(name, kind), kind, limit)]


class SanctionsMatcher:
    """Blocking and scoring together: screen one name (and birth date) against the whole list."""

    def __init__(self, index: NameIndex, *, limit: int = 50) -> None:
        self.index = index
        self.limit = limit

    def screen(self, name: str, *, birth_date: date | None, kind: Kind = "person") -> list[NameMatch]:
        """Reported matches, best first; `potential_match` on those a person must look at."""
        tokens = name_tokens(name, kind)
        return score_candidates(tokens, self.index.candidate_entries(tokens, kind, self.limit), birth_date)

    def potential_matches(self, name: str, *, birth_date: date | None, kind: Kind = "person") -> list[NameMatch]:
        return [match for match in self.screen(name, birth_date=birth_date, kind=kind) if match.potential_match]
