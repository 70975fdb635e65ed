"""Reasons that come from the law and the engine itself rather than from a product's policy."""

from __future__ import annotations

from engine.domain.decision import Effect, LocalText, NextStep, Outcome, Reason

PERSON_WILL_ASSESS_NL = "Een medewerker beoordeelt uw aanvraag."
PERSON_WILL_ASSESS_EN = "A member of our staff will assess your application."


def _core(code: str, effect: Effect | None, nl: str, en: str, underwriter: str) -> Reason:
    return Reason(
        code=code,
        effect=effect,
        applicant_text=LocalText(nl=nl, en=en),
        underwriter_text=underwriter,
        source="core",
    )


APPLICANT_UNDER_16 = _core(
    "APPLICANT_UNDER_16",
    Effect.REJECT,
    "Wij verwerken geen aanvragen van kinderen onder de 16 jaar. Uw aanvraag is niet beoordeeld en er zijn geen "
    "gegevens over u opgevraagd. Een ouder of voogd kan de verzekering afsluiten.",
    "We do not process applications from children under 16. Your application was not assessed and no data about "
    "you was looked up. A parent or guardian can take out the insurance.",
    "Applicant is under 16: not processed (no checks, no scoring, no profiling).",
)
APPLICANT_UNDER_18 = _core(
    "APPLICANT_UNDER_18",
    Effect.REJECT,
    "U moet 18 jaar of ouder zijn om zelf een verzekering af te sluiten. Een ouder of voogd kan de verzekering "
    "afsluiten.",
    "You must be 18 or older to take out insurance yourself. A parent or guardian can take out the insurance.",
    "Applicant is under 18 and cannot enter into the contract.",
)
OBJECTED_TO_AUTOMATED_DECISION = _core(
    "OBJECTED_TO_AUTOMATED_DECISION",
    Effect.REFER,
    "U heeft bezwaar gemaakt tegen geautomatiseerde besluitvorming. " + PERSON_WILL_ASSESS_NL,
    "You objected to automated decision-making. " + PERSON_WILL_ASSESS_EN,
    "The applicant objects to automated decision-making: decide yourself; the machine's outcome is advice only.",
)
OBJECTED_EARLIER = _core(
    "OBJECTED_EARLIER",
    Effect.REFER,
    "U heeft eerder bezwaar gemaakt tegen geautomatiseerde besluitvorming; dat geldt ook voor deze aanvraag. "
    + PERSON_WILL_ASSESS_NL,
    "You objected to automated decision-making before; that holds for this application too. " + PERSON_WILL_ASSESS_EN,
    "The applicant has a standing objection to automated decision-making (filed on an earlier application): decide "
    "yourself; the machine's outcome is advice only.",
)
AUTOMATION_SUSPENDED = _core(
    "AUTOMATION_SUSPENDED",
    Effect.REFER,
    "Wij nemen op dit moment geen automatische beslissingen. " + PERSON_WILL_ASSESS_NL,
    "We are not taking automated decisions at the moment. " + PERSON_WILL_ASSESS_EN,
    "Automated decisions were suspended by an administrator when this application arrived: decide yourself; the "
    "machine's outcome is advice only.",
)
PROCESSING_RESTRICTED = _core(
    "PROCESSING_RESTRICTED",
    Effect.REFER,
    "U heeft gevraagd het gebruik van uw gegevens te beperken; daarom neemt een medewerker deze beslissing. "
    + PERSON_WILL_ASSESS_NL,
    "You asked us to restrict the use of your data, so a member of our staff takes this decision. "
    + PERSON_WILL_ASSESS_EN,
    "The applicant's data are restricted (a privacy request: restriction, or an upheld objection to further "
    "processing): no automated decision; decide yourself, the machine's outcome is advice only.",
)
OBJECTION_UNKNOWN = _core(
    "OBJECTION_UNKNOWN",
    Effect.REFER,
    "Wij konden nu niet nagaan of u eerder bezwaar maakte tegen geautomatiseerde besluitvorming. "
    + PERSON_WILL_ASSESS_NL,
    "We could not verify just now whether you objected to automated decision-making before. " + PERSON_WILL_ASSESS_EN,
    "The register of objections to automated decision-making could not be read: decide yourself; the machine's "
    "outcome is advice only.",
)
CHECK_UNAVAILABLE = _core(
    "CHECK_UNAVAILABLE",
    Effect.REFER,
    "Wij konden niet alle gegevens controleren die nodig zijn voor een automatische beslissing. "
    + PERSON_WILL_ASSESS_NL,
    "We could not verify all the details an automated decision needs. " + PERSON_WILL_ASSESS_EN,
    "One or more checks were unavailable (see the check results); their absence says nothing about the applicant.",
)
SOURCE_NAMES: dict[str, tuple[str, str]] = {
    "credit": ("het register van het kredietbureau", "the credit bureau's register"),
    "claims_history": ("het gezamenlijke schaderegister van verzekeraars", "the insurers' shared claims register"),
    "fraud": ("onze fraudepreventiecontrole", "our fraud-prevention check"),
    "sanctions": ("de sanctielijsten", "the sanctions lists"),
    "insolvency": ("het insolventieregister", "the insolvency register"),
    "identity": ("de adrescontrole", "the address check"),
}


def check_unavailable(check: str, source: str) -> Reason:
    """A check that could not answer, naming the source that was missing: a person decides, never a rejection."""
    nl_name, en_name = SOURCE_NAMES.get(check, (f"de controle '{check}'", f"the '{check}' check"))
    return _core(
        CHECK_UNAVAILABLE.code,
        Effect.REFER,
        f"Wij konden {nl_name} nu niet raadplegen. Dat zegt niets over u. " + PERSON_WILL_ASSESS_NL,
        f"We could not consult {en_name} just now. That says nothing about you. " + PERSON_WILL_ASSESS_EN,
        f"The {check} check was unavailable (source {source}); consult the source yourself. Its absence says nothing "
        "about the applicant.",
    )


MODEL_UNAVAILABLE = _core(
    "MODEL_UNAVAILABLE",
    Effect.REFER,
    "Wij konden de risicobeoordeling nu niet uitvoeren. Dat zegt niets over u. " + PERSON_WILL_ASSESS_NL,
    "We could not carry out the risk assessment just now. That says nothing about you. " + PERSON_WILL_ASSESS_EN,
    "The risk model failed on this application (see the logs); assess the risk yourself. Its failure says nothing "
    "about the applicant.",
)
FACTS_MISSING = _core(
    "FACTS_MISSING",
    Effect.REFER,
    "Niet alle gegevens voor een automatische beslissing waren beschikbaar. " + PERSON_WILL_ASSESS_NL,
    "Not all details needed for an automated decision were available. " + PERSON_WILL_ASSESS_EN,
    "One or more rules could not be evaluated because facts were missing (see the rule evaluations).",
)

CORE_REASONS = (
    APPLICANT_UNDER_16,
    APPLICANT_UNDER_18,
    OBJECTED_TO_AUTOMATED_DECISION,
    OBJECTED_EARLIER,
    AUTOMATION_SUSPENDED,
    PROCESSING_RESTRICTED,
    OBJECTION_UNKNOWN,
    CHECK_UNAVAILABLE,
    MODEL_UNAVAILABLE,
    FACTS_MISSING,
)
CORE_CODES = frozenset(reason.code for reason in CORE_REASONS)
# Reasons that send an application to a person whatever the machine concludes; the machine's view is advice only.
PERSON_FIRST = {
    reason.code: reason
    for reason in (
        OBJECTED_TO_AUTOMATED_DECISION,
        OBJECTED_EARLIER,
        AUTOMATION_SUSPENDED,
        PROCESSING_RESTRICTED,
        OBJECTION_UNKNOWN,
    )
}

_REQUEST_REVIEW = NextStep(
    action="request_human_review",
    text=LocalText(
        nl="U kunt vragen dat een medewerker deze beslissing opnieuw neemt. Neem contact met ons op en vermeld "
        "het beslissingsnummer.",
        en="You can ask for a member of our staff to take this decision again. Contact us and quote the decision "
        "number.",
    ),
)
_CONTEST = NextStep(
    action="contest",
    text=LocalText(
        nl="Bent u het niet eens met deze beslissing? Geef uw standpunt en eventuele correcties door; een medewerker "
        "beoordeelt ze.",
        en="Do you disagree with this decision? Tell us your point of view and any corrections; a member of our "
        "staff will assess them.",
    ),
)
_OBJECT = NextStep(
    action="object_to_automated_decision",
    text=LocalText(
        nl="U kunt bezwaar maken tegen geautomatiseerde besluitvorming; dan neemt een medewerker de beslissing.",
        en="You can object to automated decision-making; a member of our staff will then take the decision.",
    ),
)
_WAIT = NextStep(
    action="wait",
    text=LocalText(
        nl="Een medewerker beoordeelt uw aanvraag en laat u de uitkomst weten. Wilt u iets toelichten, neem dan "
        "contact met ons op en vermeld het beslissingsnummer.",
        en="A member of our staff will assess your application and let you know the outcome. If you want to explain "
        "anything, contact us and quote the decision number.",
    ),
)
_NOT_PROCESSED = NextStep(
    action="none",
    text=LocalText(
        nl="Neem contact met ons op als uw geboortedatum niet klopt.",
        en="Contact us if your date of birth is wrong.",
    ),
)


def next_steps(outcome: Outcome, *, processed: bool, automated: bool) -> list[NextStep]:
    """What the applicant may do next, for the notice."""
    if not processed:
        return [_NOT_PROCESSED]
    if outcome is Outcome.REFERRED:
        return [_WAIT]
    steps = [_REQUEST_REVIEW, _CONTEST] if automated else [_CONTEST]
    return [*steps, _OBJECT] if automated else steps
