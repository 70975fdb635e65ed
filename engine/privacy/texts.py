"""What the applicant reads about their privacy request, in Dutch and English."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.decision.core import DUTCH_TIME
from engine.domain.decision import LocalText
from engine.privacy.requests import ObjectionScope, RequestKind, RequestState

_NEXT: dict[tuple[str, str], LocalText] = {
    ("access", "completed"): LocalText(
        nl="Uw gegevens staan klaar: download ze als JSON of als CSV-bestanden (ZIP).",
        en="Your data are ready: download them as JSON or as CSV files (ZIP).",
    ),
    ("portability", "completed"): LocalText(
        nl="Uw gegevens staan klaar in een machineleesbaar formaat (JSON, of CSV-bestanden in een ZIP) dat u aan "
        "een andere partij kunt geven.",
        en="Your data are ready in a machine-readable format (JSON, or CSV files in a ZIP) that you can give to "
        "another party.",
    ),
    ("rectification", "completed"): LocalText(
        nl="Uw gecorrigeerde aanvraag is opnieuw beoordeeld; de eerdere versie en beslissing blijven bewaard.",
        en="Your corrected application was decided again; the earlier version and decision are kept.",
    ),
    ("rectification", "open"): LocalText(
        nl="Een medewerker verwerkt uw correctie en beoordeelt uw aanvraag opnieuw, uiterlijk {due}.",
        en="A member of our staff processes your correction and decides your application again by {due}.",
    ),
    ("restriction", "completed"): LocalText(
        nl="Uw gegevens blijven bewaard maar worden niet meer gebruikt: geen automatische beslissingen (een "
        "medewerker beslist), geen fraudetellingen, geen modeltraining en geen marketing, tot de beperking wordt "
        "opgeheven. Dat leggen wij vast en u hoort het van ons.",
        en="Your data stay stored but are no longer used: no automated decisions (a person decides), no fraud "
        "counts, no model training and no marketing, until the restriction is lifted. We record that, and you will "
        "hear from us.",
    ),
    ("erasure", "open"): LocalText(
        nl="Een medewerker wist uw gegevens uiterlijk {due}. Gegevens die wij wettelijk moeten bewaren blijven "
        "bewaard; u hoort dan welke en waarom.",
        en="A member of our staff erases your data by {due}. Data we must keep by law stay; you will be told which, "
        "and why.",
    ),
    ("erasure", "completed"): LocalText(
        nl="Uw persoonsgegevens zijn gewist. De beslissingen blijven alleen als niet tot u herleidbare feiten "
        "bewaard, voor statistiek en controle.",
        en="Your personal data have been erased. The decisions stay only as facts that no longer identify you, for "
        "statistics and audit.",
    ),
    ("objection:marketing", "completed"): LocalText(
        nl="U ontvangt geen marketing meer van ons: u staat vanaf nu buiten elke marketingselectie.",
        en="You will receive no more marketing from us: from now on you are left out of every marketing selection.",
    ),
    ("objection:processing", "open"): LocalText(
        nl="Wij gebruiken uw gegevens niet verder tot een medewerker uw bezwaar heeft gewogen, uiterlijk {due}. "
        "Alleen als er dwingende gronden zijn om door te gaan, gaan wij door; u hoort dan welke.",
        en="We stop using your data until a member of our staff has weighed your objection, by {due}. Only if "
        "there are compelling grounds to continue do we continue; you will be told which.",
    ),
    ("objection:processing", "completed"): LocalText(
        nl="Uw bezwaar is behandeld; de uitkomst staat hieronder.",
        en="Your objection has been handled; the outcome is below.",
    ),
}
_OPEN = LocalText(
    nl="Wij beantwoorden uw verzoek uiterlijk {due}.",
    en="We answer your request by {due}.",
)
_REFUSED = LocalText(
    nl="Wij kunnen uw verzoek niet (volledig) inwilligen. De reden: {reason}",
    en="We cannot (fully) grant your request. The reason: {reason}",
)
_EXTENDED = LocalText(
    nl="Wij hebben meer tijd nodig en antwoorden uiterlijk {due}. De reden: {reason}",
    en="We need more time and will answer by {due}. The reason: {reason}",
)


def _date(moment: datetime) -> str:
    return moment.astimezone(DUTCH_TIME).date().isoformat()


def _key(request: dict[str, Any]) -> str:
    if request["kind"] == RequestKind.OBJECTION.value:
        return f"objection:{request['details'].get('scope', ObjectionScope.PROCESSING.value)}"
    return str(request["kind"])


def what_happens(request: dict[str, Any], *, complaint: LocalText) -> LocalText:
    """The applicant's text for the request as it stands: what was done or will be done by when, an extension with
    its reasons, and for a (partly) refused request the reasons and the right to complain to the authority."""
    due = _date(request["due_at"])
    parts: list[LocalText] = []
    state = request["state"]
    if request.get("refusal_reason"):
        reason = request["refusal_reason"]
        parts.append(LocalText(nl=_REFUSED.nl.format(reason=reason), en=_REFUSED.en.format(reason=reason)))
    if state != RequestState.REFUSED.value:
        text = _NEXT.get((_key(request), state), _OPEN if state == RequestState.OPEN.value else None)
        if text is not None:
            parts.insert(0, LocalText(nl=text.nl.format(due=due), en=text.en.format(due=due)))
    if request.get("extended_at") and state == RequestState.OPEN.value:
        reason = request["extension_reason"]
        parts.append(
            LocalText(nl=_EXTENDED.nl.format(due=due, reason=reason), en=_EXTENDED.en.format(due=due, reason=reason))
        )
    if request.get("refusal_reason"):
        parts.append(complaint)
    return LocalText(nl=" ".join(p.nl for p in parts), en=" ".join(p.en for p in parts))
