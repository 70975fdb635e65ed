"""How well the sanctions matcher finds listed people and how rarely it refers ordinary applicants, measured.

:func:`evaluate` builds a labelled set from a list with a fixed seed and screens every sample with
:class:`~engine.checks.name_matching.SanctionsMatcher`:

- **positives**, variants of listed names as an applicant might write them, with the listed person's birth date
  (half of them) or none: one or two typing errors, another transliteration (rules below, 1-2 applied), given and
  family name swapped, the list's own `FAMILY, Given` form, initials for the given names, middle names
  (patronymic, father's name) dropped, accents added or removed, a listed alias; for organisations typing errors,
  another or no legal form, an alias. A positive counts as found when its own entry is a potential match.
- **negatives**, near misses that are other people: a listed family name with another given name of the same
  origin; the listed name with another full birth date (a namesake); a listed name whose given name is replaced by
  a common Dutch given name one or two letters away (`Karim` -> `Karin`) - these two kinds without a birth date,
  so the names alone are tested; ordinary Dutch names with a birth date; Dutch company names. A negative counts as
  a false alert when anything is a potential match.
- a **clean population** of ordinary applicants (names common in the Netherlands, including names of Moroccan,
  Turkish and Surinamese origin in their real share, each with a random birth date): its alert rate is the share
  of ordinary applicants a person would have to look at.

Negatives are checked against the whole list, not only the entry they came from: a generated name whose family name
and given name (by a coarse sound key) are listed together is dropped, since it would be a true match.

    report = evaluate(read_sanctions_list(Path("data/registers")))
    print(format_table(report))
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from anyascii import anyascii
from rapidfuzz.distance import OSA

from engine.checks.name_matching import NameIndex, SanctionsMatcher
from engine.registers.identifiers import fold
from engine.registers.records import SanctionsEntry

DEFAULT_SEED = 20261126
Label = Literal["positive", "negative", "clean"]
Subject = Literal["person", "entity"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- Dutch names (this module's own tables, independent of the matcher's) ------------------------------------------

DUTCH_MALE = _words(
    "Jan Johannes Pieter Kees Cornelis Willem Hendrik Henk Gerrit Gerard Jacobus Jaap Koen Bas Daan Sem Lucas Luuk "
    "Lars Thijs Thomas Tim Bram Ruben Jesse Stijn Niels Joris Jeroen Maarten Martijn Mark Sander Erik Rob Ronald "
    "Richard Frank Paul Marcel Michel Arjen Dennis Patrick Wouter Frits Klaas Dirk Theo Ton Anton Arie Bert Albert "
    "Harm Herman Jos Joost Finn Noah Levi Milan Mees Liam Julian Gijs Teun Jens Niek Rik Roel Floris Olivier Hugo "
    "Max Jasper Vincent Wessel Mats Siem Jurre Hidde Pim Stefan Evert Jelle Sjoerd Douwe Leo Frans Kevin Mike Nick "
    "Rick Hein Huub Timo Ivo Bart Bob Casper Chris Coen Daniel David Edwin Emiel Fabian Jochem Karel Lennart Marius "
    "Matthijs Michiel Nico Oscar Otto Pepijn Remco Rens Roy Ruud Sam Simon Tobias Victor Walter Xander Yannick Ties "
    "Boaz Guus Jort Quinten Reinier Wilco Egbert Gerben Sven Bastiaan Sietse Tjeerd Hylke Auke Gosse Lammert Geert "
    "Dolf Wijnand Huib Ewout Olaf Reinout Thom Vince Mick Stan Jop Gert-Jan Jan-Willem Kasper Joep Tijn Olav Freek"
)
DUTCH_FEMALE = _words(
    "Maria Anna Johanna Cornelia Elisabeth Wilhelmina Hendrika Catharina Emma Julia Mila Sophie Tess Sara Zoë Eva "
    "Lotte Lisa Fleur Noa Nora Evi Saar Isa Liv Yara Sanne Femke Anouk Iris Lieke Marieke Ingrid Karin Monique "
    "Sandra Petra Linda Esther Annemarie Wilma Ria Els Mieke Joke Greet Truus Ans Annie Nel Tineke Marjolein Marloes "
    "Marleen Suzanne Judith Miriam Ellen Ilse Inge Kim Lisanne Manon Nienke Renske Roos Vera Anne Hanna Ilona "
    "Jolanda Yvonne Carla Daphne Denise Dewi Eline Esmee Fenna Floor Jasmijn Jet Jip Kiki Lana Lara Laura Lynn Maud "
    "Merel Myrthe Naomi Nina Noor Puck Rosa Sofie Stella Willemijn Amber Britt Chantal Charlotte Marit Mirjam Nicole "
    "Paula Rianne Sabine Sylvia Tamara Wendy Astrid Bianca Claudia Diana Elise Gerda Hilde Ineke Irene Janneke "
    "Jessica Karlijn Katja Louise Margot Marianne Martine Melanie Nathalie Patricia Renate Rosalie Saskia Simone "
    "Tanja Veerle Aaltje Baukje Dieuwertje Froukje Geeske Liesbeth Mirte Nynke Pien Rixt Sietske Tjitske Wietske "
    "Hennie Jannie Trees Nelleke Anneke Lida Corrie Dorien Fenne Guusje Hanneke Ymke Annelies Josine Marijke"
)
DUTCH_FAMILY = _words(
    "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smit Meijer de_Boer Mulder de_Groot Bos Vos "
    "Peters Hendriks van_Leeuwen Dekker Brouwer de_Wit Dijkstra Smits de_Graaf van_der_Meer van_der_Linden Kok "
    "Jacobs de_Haan Vermeulen van_den_Heuvel van_der_Veen van_den_Broek de_Bruijn de_Bruin van_der_Heijden Schouten "
    "van_Beek Willems van_Vliet van_de_Ven Hoekstra Maas Verhoeven Koster van_Dam van_der_Wal Prins Blom Huisman "
    "Peeters van_Wijk Kuipers Postma Kramer van_Doorn Scholten van_Rijn Jonker Post Veenstra Bosch Timmermans Groen "
    "Gerritsen Boer Verbeek van_Dongen Kuijpers Evers Hermans van_Veen van_den_Bosch Mertens Wouters Sanders Hofman "
    "van_Loon Claassen Bosman Hoogendoorn Koning Martens Vink Driessen Zijlstra Goossens Molenaar Tromp Geerts "
    "Veldhuis Bouwman Verschuren Lammers Brink Roos de_Ruiter Kooistra Wolters Beekman Schipper Heijnen Pronk "
    "van_Eck Koopman Terpstra Wagenaar Huizinga Mol Boersma Nijhuis Hartman Bergsma Wiersma van_Essen ter_Horst "
    "van_'t_Hof Verhagen Rutten Bakx Kuiper Hoogland Steenbergen Vos Oosterhuis Brands Ploeg Zwart Klein Admiraal"
)
MIGRANT_MALE = _words(
    "Mohamed Ahmed Mustafa Youssef Ibrahim Omar Ayoub Bilal Hamza Rachid Soufiane Anouar Mehmet Emre Murat Hakan "
    "Ali Yusuf Burak Kerem Rajesh Sanjay Ravi Dinesh Jermaine Rigillio Quincy Ricardo Anil Tarik Karim Nordin "
    "Redouan Mourad Samir Ilias Adam Zakaria Mohammed Khalid Abdel Said"
)
MIGRANT_FEMALE = _words(
    "Fatima Amina Salma Khadija Naima Nora Zeynep Elif Ayşe Hatice Büşra Meryem Priya Anjali Shanti Ilham Latifa "
    "Yasmina Houda Soumaya Dounia Sara Malika Rania Ikram"
)
MIGRANT_FAMILY = _words(
    "El_Amrani Bouzid El_Idrissi Benali Yilmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın El_Khattabi Ait_Ouali "
    "Ouahabi Boukhari Haddou Ramdin Sewdien Ramlal Biharie Mahabier Jagesar Kartosen Pinas Doelwijt Kross "
    "El_Hamdaoui Amrani Bakkali Tahiri Chaouch Aslan Arslan Koç Kurt Özdemir Doğan Polat Erdoğan Nguyen Tran "
    "Azzouz El_Ouazzani Achahbar Bennani Mansouri Ziani El_Fassi Boulahrouz Kandemir Karaca"
)
MIGRANT_SHARE = 0.12
"""Share of names of Moroccan, Turkish, Surinamese and other origins among Dutch applicants (CBS: about one in
seven residents has a non-Western migration background)."""

DUTCH_COMPANY_SECTORS = _words(
    "Bouw Installatietechniek Transport Holding Beheer Advies Handel Logistiek Schilderwerken Hoveniers Techniek "
    "Administratie Trading Shipping International Group Energy Engineering Consulting Import Export Services"
)
DUTCH_COMPANY_FORMS = ("B.V.", "B.V.", "B.V.", "V.O.F.", "", "& Zn.", "Holding B.V.")

# --- variants ------------------------------------------------------------------------------------------------------

TransliterationRule = tuple[str, tuple[str, ...]]
"""A pattern (regular expression, lower case) and what else it is written as."""

COMMON_RULES: tuple[TransliterationRule, ...] = (
    (r"([bdfgklmnprstz])\1", (r"\1",)),  # doubled consonant written single: Hassan -> Hasan
    (r"(?<=[aeiou])([bdlmnrst])(?=[aeiou])", (r"\1\1",)),  # and the other way: Hasan -> Hassan
    (r"-", (" ", "")),  # hyphen written as space or not at all: Jong-un, Al-Assad
    (r"y\b", ("i", "iy", "ii")),
    (r"iy\b", ("y", "ii", "i")),
)
SLAVIC_RULES: tuple[TransliterationRule, ...] = (
    (r"kh", ("h", "ch")),
    (r"ks", ("x",)),
    (r"x", ("ks",)),
    (r"ov\b", ("ow", "off")),
    (r"ev\b", ("ew", "eff")),
    (r"v", ("w",)),
    (r"w", ("v",)),
    (r"ch", ("tch", "tsch")),
    (r"sh", ("sch", "ch")),
    (r"zh", ("j", "sch", "z")),
    (r"ts", ("z", "tz")),
    (r"\by(?=[aeou])", ("i", "j", "")),  # Yevgeny / Evgeny, Yuri / Iouri / Juri
    (r"ya", ("ia", "ja")),
    (r"yu", ("iu", "ju", "you")),
    (r"ye", ("e", "je", "ie")),
    (r"ei\b", ("ey", "ej")),
    (r"ey\b", ("ei", "ej")),
    (r"ii\b", ("y", "iy", "i")),
    (r"u", ("ou",)),
    (r"e", ("ie",)),
    (r"yo", ("io", "e", "jo")),
)
ARABIC_RULES: tuple[TransliterationRule, ...] = (
    (r"kh", ("h", "ch")),
    (r"ou", ("u", "oo")),
    (r"u", ("ou", "o", "oo")),
    (r"o", ("u",)),
    (r"e", ("a", "i")),
    (r"a", ("e",)),
    (r"i", ("e", "ee")),
    (r"ee", ("i",)),
    (r"q", ("k", "g")),
    (r"k", ("q", "c")),
    (r"sh", ("ch",)),
    (r"ch", ("sh",)),
    (r"j", ("dj", "g")),
    (r"th", ("t", "s")),
    (r"dh", ("d", "z")),
    (r"gh", ("g",)),
    (r"\bal-", ("el-", "", "al ", "Al-", "ul-", "al")),
    (r"\bel-", ("al-", "")),
    (r"\bal\b ?", ("el ", "")),
    (r"\babdul ", ("abd al-", "abdel ", "abdul", "abd-al-")),
    (r"\babd al-", ("abdul ", "abdel", "abd el-")),
    (r"ah\b", ("a",)),
    (r"ei", ("ay", "ai", "ey")),
    (r"ay", ("ai", "ei")),
    (r"w", ("ou", "v")),
    (r"y", ("i",)),
)
KOREAN_RULES: tuple[TransliterationRule, ...] = (
    (r"o", ("eo",)),
    (r"u", ("oo", "eu")),
    (r"\bk", ("g",)),
    (r"\bp", ("b",)),
    (r"\bch", ("j",)),
    (r"\bj", ("ch",)),
    (r"\bri\b", ("li", "lee", "yi", "rhee")),
    (r" (?=[a-z]{1,5}$)", ("-", "")),  # Kim Jong Un -> Kim Jong-un / Kim Jongun
    (r"yo", ("yeo",)),
    (r"ae", ("ay",)),
)
BURMESE_RULES: tuple[TransliterationRule, ...] = (
    (r"ht", ("t",)),
    (r"ky", ("ch",)),
    (r"aw", ("au",)),
    (r"ei", ("ay",)),
    (r" ", ("",)),  # syllables run together
    (r"oo", ("u",)),
)
LATIN_RULES: tuple[TransliterationRule, ...] = (
    (r"z\b", ("s",)),
    (r"ll", ("y",)),
    (r"v", ("b",)),
    (r"ch", ("sh",)),
    (r"j", ("h",)),
)
RULE_GROUPS: dict[str, tuple[TransliterationRule, ...]] = {
    "slavic": SLAVIC_RULES,
    "arabic": ARABIC_RULES,
    "korean": KOREAN_RULES,
    "burmese": BURMESE_RULES,
    "balkan": SLAVIC_RULES,
    "latin": LATIN_RULES,
}
PROGRAMME_GROUPS: dict[str, str] = {
    **dict.fromkeys(("RUS", "UKR", "BLR"), "slavic"),
    **dict.fromkeys(("SYR", "IRQ", "LBY", "YEM", "AQ", "IRN", "AFG", "MLI", "GIN", "CAF"), "arabic"),
    "PRK": "korean",
    "MMR": "burmese",
    "BIH": "balkan",
    **dict.fromkeys(("VEN", "NIC"), "latin"),
}
TITLES = frozenset({"mullah", "haji", "mawlawi", "qari", "u", "daw"})
COMPOUND_HEADS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abu", "abou"})
ARTICLES = frozenset({"al", "el"})
CONNECTORS = frozenset({"ben", "bin", "ibn", "ould", "ag"})  # part of the family name: Ben Ali, Ould Abdallah
LEGAL_FORMS = _words("OOO AO PAO ZAO LLC JSC PJSC CJSC FZE FZCO Ltd. Limited Co. Company Corporation")
OTHER_LEGAL_FORMS = ("Ltd", "Limited", "B.V.", "GmbH", "Limited Liability Company", "LLC", "S.A.", "Co. Ltd.", "Inc.")
KEYBOARD_NEIGHBOURS = {
    row[i]: row[max(i - 1, 0) : i] + row[i + 1 : i + 2]
    for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm")
    for i in range(len(row))
}
ACCENTED = {"a": "áàä", "e": "éèë", "i": "íï", "o": "óö", "u": "úü", "c": "ç", "s": "š", "n": "ñ"}


# --- samples and the report ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    """One name to screen, with what it is."""

    kind: str
    label: Label
    subject: Subject
    name: str
    birth_date: date | None
    entry_id: str | None = None  # the listed entry a positive is a variant of


@dataclass(frozen=True, slots=True)
class KindResult:
    kind: str
    label: Label
    subject: Subject
    samples: int
    alerts: int  # samples with at least one potential match
    found: int  # positives only: samples whose own entry is a potential match

    @property
    def rate(self) -> float:
        """Recall for positives, alert rate for negatives and the clean population."""
        if not self.samples:
            return float("nan")
        return (self.found if self.label == "positive" else self.alerts) / self.samples


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    entries: int
    seed: int
    kinds: tuple[KindResult, ...]
    recall_by_origin: dict[str, tuple[int, int]]  # origin group -> (found, positives)
    misses: tuple[Sample, ...]  # positives not found (at most 50, for inspection)
    false_alerts: tuple[tuple[Sample, str], ...]  # negatives and clean names that alerted, with the listed name

    def _total(self, label: Label, field: str) -> int:
        return sum(getattr(k, field) for k in self.kinds if k.label == label)

    @property
    def positives(self) -> int:
        return self._total("positive", "samples")

    @property
    def recall(self) -> float:
        return self._total("positive", "found") / max(self.positives, 1)

    @property
    def negatives(self) -> int:
        return self._total("negative", "samples")

    @property
    def false_positive_rate(self) -> float:
        return self._total("negative", "alerts") / max(self.negatives, 1)

    @property
    def precision(self) -> float:
        """Found positives over all alerts on positives found and negatives (depends on their mix, see the table)."""
        found = self._total("positive", "found")
        return found / max(found + self._total("negative", "alerts"), 1)

    @property
    def clean_population(self) -> int:
        return self._total("clean", "samples")

    @property
    def clean_alert_rate(self) -> float:
        return self._total("clean", "alerts") / max(self.clean_population, 1)


# --- the evaluation ------------------------------------------------------------------------------------------------


def evaluate(
    entries: Sequence[SanctionsEntry],
    *,
    seed: int = DEFAULT_SEED,
    per_kind: int = 500,
    clean_population: int = 5_000,
    matcher: SanctionsMatcher | None = None,
) -> EvaluationReport:
    """Build the labelled set from `entries` (`per_kind` samples of each kind, fewer where the list offers fewer)
    and a clean population, screen them all and count."""
    matcher = matcher or SanctionsMatcher(NameIndex(entries))
    samples = build_samples(entries, seed=seed, per_kind=per_kind, clean_population=clean_population)
    programmes = {entry.id: entry.programme for entry in entries}
    counts: dict[tuple[str, Label, Subject], list[int]] = {}
    by_origin: dict[str, list[int]] = {}
    misses: list[Sample] = []
    false_alerts: list[tuple[Sample, str]] = []
    for sample in samples:
        potential = matcher.potential_matches(sample.name, birth_date=sample.birth_date, kind=sample.subject)
        found = any(match.entry_id == sample.entry_id for match in potential)
        count = counts.setdefault((sample.kind, sample.label, sample.subject), [0, 0, 0])
        count[0] += 1
        count[1] += bool(potential)
        count[2] += found
        if sample.label == "positive":
            origin = f"{sample.subject}: {PROGRAMME_GROUPS.get(programmes[sample.entry_id or ''], 'other')}"
            tally = by_origin.setdefault(origin, [0, 0])
            tally[0] += found
            tally[1] += 1
            if not found and len(misses) < 50:
                misses.append(sample)
        elif potential and len(false_alerts) < 50:
            false_alerts.append((sample, potential[0].matched_name))
    return EvaluationReport(
        entries=len(entries),
        seed=seed,
        kinds=tuple(KindResult(kind, label, subject, *count) for (kind, label, subject), count in counts.items()),
        recall_by_origin={origin: (found, total) for origin, (found, total) in sorted(by_origin.items())},
        misses=tuple(misses),
        false_alerts=tuple(false_alerts),
    )


def build_samples(
    entries: Sequence[SanctionsEntry], *, seed: int, per_kind: int, clean_population: int
) -> list[Sample]:
    """The labelled samples, deterministic for a seed and a list."""
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    persons = [e for e in entries if e.kind == "person"]
    entities = [e for e in entries if e.kind == "entity"]
    listed = _ListedPairs(persons)
    near = _DutchNearMiss()
    kinds: list[tuple[Sequence[SanctionsEntry], Callable[[SanctionsEntry], Sample | None]]] = [
        *((persons, _positive_maker(rng, kind, make, "person")) for kind, make in POSITIVE_PERSON_VARIANTS.items()),
        *((entities, _positive_maker(rng, kind, make, "entity")) for kind, make in POSITIVE_ENTITY_VARIANTS.items()),
        (persons, lambda e: _other_given_name(rng, e, persons, listed)),
        ([e for e in persons if e.birth_dates], lambda e: _namesake(rng, e, listed)),
        (persons, lambda e: near.sample(rng, e, listed)),
    ]
    samples = [sample for pool, make in kinds for sample in _draw(rng, pool, per_kind, make)]
    samples += [Sample("dutch_name", "negative", "person", *_dutch_person(rng)) for _ in range(per_kind)]
    samples += [Sample("dutch_company", "negative", "entity", _dutch_company(rng), None) for _ in range(per_kind)]
    samples += [Sample("clean_population", "clean", "person", *_dutch_person(rng)) for _ in range(clean_population)]
    return samples


def _draw(
    rng: random.Random, pool: Sequence[SanctionsEntry], count: int, make: Callable[[SanctionsEntry], Sample | None]
) -> list[Sample]:
    """Up to `count` samples from entries drawn at random (each at most once); entries a kind does not apply to
    (no middle name to drop, no alias) are skipped."""
    order = list(range(len(pool)))
    rng.shuffle(order)
    out: list[Sample] = []
    for index in order:
        if len(out) == count:
            break
        sample = make(pool[index])
        if sample is not None:
            out.append(sample)
    return out


# --- positives -----------------------------------------------------------------------------------------------------

Variant = Callable[[random.Random, SanctionsEntry], str | None]


def _positive_maker(
    rng: random.Random, kind: str, make: Variant, subject: Subject
) -> Callable[[SanctionsEntry], Sample | None]:
    """Positives of one kind: the variant, with one of the listed birth dates half of the time."""

    def positive(entry: SanctionsEntry) -> Sample | None:
        name = make(rng, entry)
        if not name or not fold(name):
            return None
        birth_date = _listed_birth_date(rng, entry) if rng.random() < 0.5 else None
        return Sample(kind, "positive", subject, name, birth_date, entry.id)

    return positive


def _listed_birth_date(rng: random.Random, entry: SanctionsEntry) -> date | None:
    if not entry.birth_dates:
        return None
    text = rng.choice(entry.birth_dates)
    if len(text) == 4:
        return date(int(text), 1, 1) + timedelta(days=rng.randrange(365))
    return date.fromisoformat(text)


def _parts(entry: SanctionsEntry) -> tuple[list[str], list[str]] | None:
    """The primary name's given names and family name as words, by the conventions of the entry's origin; None for
    origins without a family name (Burmese)."""
    words = _compound_words([w for w in entry.names[0].split() if w.lower() not in TITLES] or entry.names[0].split())
    group = PROGRAMME_GROUPS.get(entry.programme, "")
    if group == "burmese" or len(words) < 2:
        return None
    if group == "korean":
        return words[1:], words[:1]
    if group == "latin" and len(words) >= 3:
        return words[:-2], words[-2:]
    family = 2 if len(words) >= 3 and words[-2].lower() in ARTICLES | CONNECTORS else 1
    return words[:-family], words[-family:]


def _compound_words(words: list[str]) -> list[str]:
    """Words with `Abd al-Rahman`, `Abdul Karim`, `Abu Bakr` kept together as one given name."""
    out: list[str] = []
    for word in words:
        if out and fold(out[-1]) in COMPOUND_HEADS:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    return out


def _typos(rng: random.Random, name: str, count: int) -> str:
    letters = list(name)
    for _ in range(count):
        positions = [i for i, c in enumerate(letters) if c.isalpha()]
        i = rng.choice(positions)
        operation = rng.choice(("substitute", "delete", "insert", "transpose"))
        if operation == "substitute":
            letters[i] = _case_like(letters[i], _neighbour(rng, letters[i].lower()))
        elif operation == "delete" and len(positions) > 2:
            del letters[i]
        elif operation == "insert":
            letters.insert(i, _case_like(letters[i], _neighbour(rng, letters[i].lower())))
        elif i + 1 < len(letters) and letters[i + 1].isalpha() and letters[i] != letters[i + 1]:
            letters[i], letters[i + 1] = letters[i + 1], letters[i]
        else:
            letters[i] = _case_like(letters[i], _neighbour(rng, letters[i].lower()))
    return "".join(letters)


def _neighbour(rng: random.Random, letter: str) -> str:
    """A key next to `letter` on a keyboard (half the time), else any letter other than it."""
    near = KEYBOARD_NEIGHBOURS.get(letter, "")
    if near and rng.random() < 0.5:
        return rng.choice(near)
    return rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != letter])


def _case_like(original: str, letter: str) -> str:
    return letter.upper() if original.isupper() else letter


def _typo_1(rng: random.Random, entry: SanctionsEntry) -> str | None:
    return _typos(rng, entry.names[0], 1)


def _typo_2(rng: random.Random, entry: SanctionsEntry) -> str | None:
    return _typos(rng, entry.names[0], 2)


def _transliteration(rng: random.Random, entry: SanctionsEntry) -> str | None:
    """One or two spelling rules of the entry's origin (and the common ones), each applied at one place of a
    Latin-script name of the entry."""
    rules = RULE_GROUPS.get(PROGRAMME_GROUPS.get(entry.programme, ""), ()) + COMMON_RULES
    name = rng.choice([n for n in entry.names if _is_latin(n)] or [entry.names[0]])
    original = name
    for _ in range(rng.choice((1, 2))):
        name = _apply_rule(rng, name, rules)
    return name if name.casefold() != original.casefold() else None


def _apply_rule(rng: random.Random, name: str, rules: Sequence[TransliterationRule]) -> str:
    lower = name.lower()
    applicable = [(pattern, options) for pattern, options in rules if re.search(pattern, lower)]
    if not applicable:
        return name
    pattern, options = rng.choice(applicable)
    match = rng.choice(list(re.finditer(pattern, lower)))
    changed = lower[: match.start()] + match.expand(rng.choice(options)) + lower[match.end() :]
    return _recase(changed, name)


def _recase(new: str, old: str) -> str:
    """`new` (lower case) with a capital starting each word where `old` starts its first word with one."""
    if not old[:1].isupper():
        return new
    return re.sub(r"(^|\s)([a-z])", lambda m: m.group(1) + m.group(2).upper(), new)


def _swapped_order(rng: random.Random, entry: SanctionsEntry) -> str | None:
    parts = _parts(entry)
    if parts is None:
        words = entry.names[0].split()
        return " ".join(words[1:] + words[:1]) if len(words) > 1 else None
    given, family = parts
    if PROGRAMME_GROUPS.get(entry.programme) == "korean":
        return " ".join(given + family)
    return " ".join(family + given)


def _list_format(rng: random.Random, entry: SanctionsEntry) -> str | None:
    parts = _parts(entry)
    if parts is None:
        return None
    given, family = parts
    return f"{' '.join(family).upper()}, {' '.join(given)}"


def _initials(rng: random.Random, entry: SanctionsEntry) -> str | None:
    parts = _parts(entry)
    if parts is None:
        return None
    given, family = parts
    letters = [part[0].upper() for word in given for part in re.split(r"[-\s]", word) if part.lower() not in ARTICLES]
    style = rng.choice(("compact", "spaced", "first"))
    if style == "first":
        letters = letters[:1]
    initials = "".join(f"{letter}." for letter in letters)
    if style == "spaced":
        initials = " ".join(f"{letter}." for letter in letters)
    return f"{initials} {' '.join(family)}"


def _dropped_middle(rng: random.Random, entry: SanctionsEntry) -> str | None:
    parts = _parts(entry)
    if parts is None or PROGRAMME_GROUPS.get(entry.programme) == "korean":
        return None
    given, family = parts
    if len(given) < 2:
        return None
    if PROGRAMME_GROUPS.get(entry.programme) == "latin":
        return " ".join([given[0], family[0]])  # the paternal surname stays
    return " ".join([given[0], *family])


def _accents(rng: random.Random, entry: SanctionsEntry) -> str | None:
    name = rng.choice([n for n in entry.names if _is_latin(n)] or [entry.names[0]])
    if anyascii(name) != name:
        return anyascii(name)
    letters = list(name)
    positions = [i for i, c in enumerate(letters) if c.lower() in ACCENTED]
    for i in rng.sample(positions, min(len(positions), rng.choice((1, 2)))):
        letters[i] = _case_like(letters[i], rng.choice(ACCENTED[letters[i].lower()]))
    return "".join(letters)


def _alias(rng: random.Random, entry: SanctionsEntry) -> str | None:
    aliases = [n for n in entry.names[1:] if _is_latin(n)]
    return rng.choice(aliases) if aliases else None


def _legal_form(rng: random.Random, entry: SanctionsEntry) -> str | None:
    words = entry.names[0].replace('"', "").split()
    core = [w for w in words if w not in LEGAL_FORMS]
    if not core:
        return None
    if rng.random() < 0.4:
        return " ".join(core)
    return f"{' '.join(core)} {rng.choice(OTHER_LEGAL_FORMS)}"


def _is_latin(name: str) -> bool:
    return all(unicodedata.name(c, "LATIN").startswith(("LATIN", "SPACE", "HYPHEN", "FULL STOP", "APOSTROPHE",
                                                         "COMMA", "QUOTATION", "LEFT", "RIGHT", "DIGIT"))
               for c in name)  # fmt: skip


POSITIVE_PERSON_VARIANTS: dict[str, Variant] = {
    "typo_1": _typo_1,
    "typo_2": _typo_2,
    "transliteration": _transliteration,
    "swapped_order": _swapped_order,
    "list_format": _list_format,
    "initials": _initials,
    "dropped_middle": _dropped_middle,
    "accents": _accents,
    "alias": _alias,
}
POSITIVE_ENTITY_VARIANTS: dict[str, Variant] = {
    "entity_typo": lambda rng, e: _typos(rng, e.names[0], rng.choice((1, 2))),
    "entity_legal_form": _legal_form,
    "entity_alias": _alias,
}

# --- negatives -----------------------------------------------------------------------------------------------------


COARSE_PAIRS = (
    ("tsch", "s"), ("sch", "s"), ("tch", "s"), ("ch", "s"), ("sh", "s"), ("zh", "s"), ("dh", "s"), ("ts", "s"),
    ("tz", "s"), ("z", "s"), ("dj", "j"), ("kh", "g"), ("gh", "g"), ("h", "g"), ("ph", "f"), ("th", "t"),
    ("x", "ks"), ("w", "v"), ("q", "k"), ("c", "k"), ("j", "i"), ("y", "i"), ("ou", "u"),
)  # fmt: skip
"""Broad merges: the key is only used to make sure a generated negative is not a spelling of a listed name."""


def _coarse(word: str) -> str:
    """A coarse sound key (this module's own, deliberately independent of the matcher): the first letter and the
    consonants, with the usual transliteration pairs merged. Two names with one key are treated as spellings of one
    name, never as different people."""
    text = fold(word)
    for old, new in COARSE_PAIRS:
        text = text.replace(old, new)
    head = "a" if text[:1] in "aeiouy" else text[:1]
    return re.sub(r"(.)\1+", r"\1", head + re.sub(r"[aeiouy]", "", text[1:]))


class _ListedPairs:
    """Which entries hold which (family name, given name) pairs in any of their names, by coarse key: a generated
    negative that pairs them is a listed person after all, and is not used."""

    def __init__(self, persons: Sequence[SanctionsEntry]) -> None:
        self.pairs: dict[tuple[str, str], set[str]] = {}
        for entry in persons:
            for name in entry.names:
                words = [word for word in re.split(r"[\s-]+", anyascii(name)) if fold(word)]
                keys = [_coarse(word) for word in words] + [_coarse(a + b) for a, b in itertools.pairwise(words)]
                for pair in itertools.permutations(keys, 2):
                    self.pairs.setdefault(pair, set()).add(entry.id)

    def holders(self, given: str, family: str) -> set[str]:
        """The entries that pair a word of `given` with the last word of `family`."""
        family_key = _coarse(re.split(r"[\s-]+", anyascii(family))[-1])
        found: set[str] = set()
        for word in [*re.split(r"[\s-]+", anyascii(given)), given]:
            found |= self.pairs.get((family_key, _coarse(word)), set())
        return found

    def holds(self, given: str, family: str) -> bool:
        return bool(self.holders(given, family))


def _other_given_name(
    rng: random.Random, entry: SanctionsEntry, persons: Sequence[SanctionsEntry], listed: _ListedPairs
) -> Sample | None:
    parts = _parts(entry)
    if parts is None:
        return None
    given, family = parts
    same_origin = [e for e in rng.sample(persons, min(len(persons), 40)) if e.programme == entry.programme]
    for other in same_origin:
        other_parts = _parts(other)
        if other_parts is None:
            continue
        candidate = other_parts[0][0]
        if any(_coarse(candidate) == _coarse(g) or OSA.distance(fold(candidate), fold(g)) < 2 for g in given):
            continue
        if listed.holds(candidate, " ".join(family)):
            continue
        words = [*family, candidate] if PROGRAMME_GROUPS.get(entry.programme) == "korean" else [candidate, *family]
        return Sample("other_given_name", "negative", "person", " ".join(words), None)
    return None


def _namesake(rng: random.Random, entry: SanctionsEntry, listed: _ListedPairs) -> Sample | None:
    parts = _parts(entry)
    if parts is not None and listed.holders(parts[0][0], " ".join(parts[1])) - {entry.id}:
        return None  # another entry has the name too: with its own (or no) birth dates it would rightly match
    full = {d for d in entry.birth_dates if len(d) == 10}
    years = {int(d) for d in entry.birth_dates if len(d) == 4}
    for _ in range(20):
        birth_date = _random_birth_date(rng)
        if birth_date.isoformat() not in full and birth_date.year not in years:
            return Sample("namesake", "negative", "person", entry.names[0], birth_date)
    return None


class _DutchNearMiss:
    """A listed name with its given name replaced by a common Dutch given name one or two letters away."""

    def __init__(self) -> None:
        self.given = DUTCH_MALE + DUTCH_FEMALE
        self.near: dict[str, list[str]] = {}

    def names_near(self, word: str) -> list[str]:
        key = fold(word)
        if key not in self.near:
            self.near[key] = [
                name
                for name in self.given
                if 1 <= OSA.distance(fold(name), key) <= 2 and _coarse(name) != _coarse(word) and len(key) >= 3
            ]
        return self.near[key]

    def sample(self, rng: random.Random, entry: SanctionsEntry, listed: _ListedPairs) -> Sample | None:
        parts = _parts(entry)
        if parts is None:
            return None
        given, family = parts
        options = [n for n in self.names_near(given[0]) if not listed.holds(n, " ".join(family))]
        if not options:
            return None
        dutch = rng.choice(options)
        words = [*family, dutch] if PROGRAMME_GROUPS.get(entry.programme) == "korean" else [dutch, *family]
        return Sample("dutch_near_miss", "negative", "person", " ".join(words), None)


def _random_birth_date(rng: random.Random) -> date:
    return date(1940, 1, 1) + timedelta(days=rng.randrange((date(2006, 12, 31) - date(1940, 1, 1)).days))


def _dutch_person(rng: random.Random) -> tuple[str, date]:
    """An ordinary applicant: a name common in the Netherlands (one in eight of other origins), a birth date."""
    female = rng.random() < 0.5
    if rng.random() < MIGRANT_SHARE:
        given = [rng.choice(MIGRANT_FEMALE if female else MIGRANT_MALE)]
        family = rng.choice(MIGRANT_FAMILY)
    else:
        pool = DUTCH_FEMALE if female else DUTCH_MALE
        given = [rng.choice(pool) for _ in range(rng.choices((1, 2, 3), weights=(55, 35, 10))[0])]
        family = rng.choice(DUTCH_FAMILY)
    family = family.replace("_", " ")
    style = rng.random()
    if style < 0.2:
        name = f"{''.join(g[0] + '.' for g in given)} {family}"
    elif style < 0.3:
        name = f"{given[0]} {''.join(g[0] + '.' for g in given[1:])} {family}".replace("  ", " ")
    else:
        name = f"{' '.join(given)} {family}"
    return name, _random_birth_date(rng)


def _dutch_company(rng: random.Random) -> str:
    family = rng.choice(DUTCH_FAMILY).replace("_", " ")
    family = family[:1].upper() + family[1:]
    sector = rng.choice(DUTCH_COMPANY_SECTORS)
    if rng.random() < 0.3:
        return f"{sector}bedrijf {family}" if sector[0].isupper() and rng.random() < 0.5 else f"{family} {sector}"
    return f"{family} {sector} {rng.choice(DUTCH_COMPANY_FORMS)}".strip()


# --- the table -----------------------------------------------------------------------------------------------------


def format_table(report: EvaluationReport) -> str:
    """The report as markdown: per kind of sample, then recall by origin, then the totals."""
    lines = [
        f"Sanctions screening evaluation: {report.entries:,} listed entries, seed {report.seed}.",
        "",
        "| sample kind | subject | label | samples | flagged | recall / alert rate |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    order = {"positive": 0, "negative": 1, "clean": 2}
    for k in sorted(report.kinds, key=lambda k: (order[k.label], k.subject != "person")):
        flagged = k.found if k.label == "positive" else k.alerts
        lines.append(f"| {k.kind} | {k.subject} | {k.label} | {k.samples:,} | {flagged:,} | {k.rate:.2%} |")
    lines += ["", "| positives by origin | found | samples | recall |", "| --- | ---: | ---: | ---: |"]
    for origin, (found, total) in report.recall_by_origin.items():
        lines.append(f"| {origin} | {found:,} | {total:,} | {found / max(total, 1):.2%} |")
    negatives_flagged = round(report.false_positive_rate * report.negatives)
    lines += [
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| recall (all positives, {report.positives:,}) | {report.recall:.2%} |",
        f"| precision (positives found / all alerts on positives and negatives) | {report.precision:.2%} |",
        f"| false-positive rate on near-miss negatives ({negatives_flagged:,} of {report.negatives:,}) "
        f"| {report.false_positive_rate:.2%} |",
        f"| alert rate on the clean population ({report.clean_population:,} ordinary applicants) "
        f"| {report.clean_alert_rate:.2%} |",
    ]
    return "\n".join(lines)
