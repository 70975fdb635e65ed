"""The embedded provider: registers read from the files in `data/registers/` into memory at start-up.

Lines are indexed by their key and kept as raw JSON; a lookup parses only the lines it returns, so start-up stays
short and memory small. The manifest names the data's version (recorded with every check result) and the SHA-256 of
each file, which is verified on load.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Generic

import orjson

from engine.checks.name_matching import NameIndex
from engine.checks.providers import (
    CLAIMS,
    CREDIT,
    INCIDENTS,
    INSOLVENCY,
    POSTCODES,
    QT,
    RT,
    SANCTIONS,
    RegisterKind,
)
from engine.registers.identifiers import compact_postcode, fold, initial, person_key
from engine.registers.records import (
    AddressRange,
    Answer,
    ClaimsRegistration,
    CreditFile,
    IdentifierQuery,
    IncidentEntry,
    InsolvencyEntry,
    InsolvencyQuery,
    NameQuery,
    PersonQuery,
    PostcodeQuery,
    SanctionsEntry,
)

MANIFEST = "manifest.json"
DISPOSABLE_DOMAINS = "disposable_email_domains.txt"


class RegisterFilesError(RuntimeError):
    """The register files are missing, altered or unreadable."""


@dataclass(frozen=True)
class LocalRegister(Generic[QT, RT]):
    """One register answered from memory."""

    kind: RegisterKind[QT, RT]
    version: str
    find: Callable[[QT], list[RT]]
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @property
    def name(self) -> str:
        return self.kind.name

    @property
    def source(self) -> str:
        return f"local:{self.kind.name}"

    def lookup(self, query: QT) -> Answer[RT]:
        return Answer.model_construct(
            records=self.find(query), source=self.source, source_version=self.version, retrieved_at=self.clock()
        )


@dataclass(frozen=True)
class Manifest:
    version: str
    as_of: date
    synthetic: bool
    files: dict[str, dict[str, Any]]
    disposable_domains_sha256: str | None = None

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                version=str(data["version"]),
                as_of=date.fromisoformat(data["as_of"]),
                synthetic=bool(data["synthetic"]),
                files=dict(data["files"]),
                disposable_domains_sha256=(data.get("disposable_email_domains") or {}).get("sha256"),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RegisterFilesError(f"{path}: not a readable register manifest ({exc})") from exc


@dataclass(frozen=True)
class LocalRegisters:
    """All embedded registers, indexed."""

    manifest: Manifest
    credit: LocalRegister[PersonQuery, CreditFile]
    claims: LocalRegister[PersonQuery, ClaimsRegistration]
    insolvency: LocalRegister[InsolvencyQuery, InsolvencyEntry]
    sanctions: LocalRegister[NameQuery, SanctionsEntry]
    incidents: LocalRegister[IdentifierQuery, IncidentEntry]
    postcodes: LocalRegister[PostcodeQuery, AddressRange]
    disposable_domains: frozenset[str]
    sanctions_index: NameIndex
    counts: dict[str, int]

    @staticmethod
    def verify(directory: Path) -> Manifest:
        """Check the manifest and every file's SHA-256 without loading anything (a quick pre-flight)."""
        manifest = Manifest.read(directory)
        for name, entry in manifest.files.items():
            path = directory / str(entry["path"])
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:
                raise RegisterFilesError(f"{path}: cannot read the `{name}` register ({exc.strerror})") from exc
            if digest != entry.get("sha256"):
                raise RegisterFilesError(f"{path}: its SHA-256 differs from the manifest")
        return manifest

    @classmethod
    def load(cls, directory: Path, *, verify: bool = True) -> LocalRegisters:
        manifest = Manifest.read(directory)
        raw = {name: _read(directory, manifest, name, verify=verify) for name in manifest.files}
        for needed in ("credit", "claims", "insolvency", "sanctions", "incidents", "postcodes"):
            if needed not in raw:
                raise RegisterFilesError(f"{directory / MANIFEST}: no `{needed}` register listed")
        version = manifest.version
        credit = _by_person(raw["credit"])
        claims = _by_person(raw["claims"])
        persons, companies = _insolvency_index(raw["insolvency"])
        entries = [SanctionsEntry.model_validate_json(line) for line in raw["sanctions"]]
        sanctions_index = NameIndex(entries)
        incidents = _incident_index(raw["incidents"])
        postcodes = _postcode_index(raw["postcodes"])
        domains = _disposable_domains(directory, manifest if verify else None)
        return cls(
            manifest=manifest,
            credit=LocalRegister(CREDIT, version, lambda q: _credit_file(credit, q)),
            claims=LocalRegister(CLAIMS, version, lambda q: _registrations(claims, q)),
            insolvency=LocalRegister(INSOLVENCY, version, lambda q: _insolvency(persons, companies, q)),
            sanctions=LocalRegister(SANCTIONS, version, lambda q: sanctions_index.candidates(q.name, q.kind)),
            incidents=LocalRegister(INCIDENTS, version, lambda q: _incidents(incidents, q)),
            postcodes=LocalRegister(POSTCODES, version, lambda q: _addresses(postcodes, q)),
            disposable_domains=domains,
            sanctions_index=sanctions_index,
            counts={name: len(lines) for name, lines in raw.items()},
        )


def _read(directory: Path, manifest: Manifest, name: str, *, verify: bool) -> list[bytes]:
    entry = manifest.files[name]
    path = directory / str(entry["path"])
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise RegisterFilesError(f"{path}: cannot read the `{name}` register ({exc.strerror})") from exc
    if verify and hashlib.sha256(blob).hexdigest() != entry.get("sha256"):
        raise RegisterFilesError(
            f"{path}: its SHA-256 differs from the manifest; regenerate the registers with "
            "`underwrite registers generate` or restore the file"
        )
    try:
        text = gzip.decompress(blob) if path.suffix == ".gz" else blob
    except OSError as exc:
        raise RegisterFilesError(f"{path}: not a gzip file ({exc})") from exc
    return [line for line in text.splitlines() if line.strip()]


def _person_index_key(person: dict[str, Any]) -> str:
    """The key of a register line's person; the same as :func:`_query_key` of the query for that person (built from
    the JSON directly: validating 100,000 queries at start-up would cost a second)."""
    family = fold(f"{person.get('family_name_prefix') or ''}{person['family_name']}")
    postcode = compact_postcode(person["postcode"])
    return f"{family}|{person['date_of_birth']}|{postcode}|{person['house_number']}|{initial(person['given_names'])}"


def _query_key(query: PersonQuery) -> str:
    return f"{person_key(query)}|{initial(query.given_names)}"


def _by_person(lines: list[bytes]) -> dict[str, bytes]:
    index: dict[str, bytes] = {}
    for line in lines:
        index[_person_index_key(orjson.loads(line)["person"])] = line
    return index


def _credit_file(index: dict[str, bytes], query: PersonQuery) -> list[CreditFile]:
    line = index.get(_query_key(query))
    return [] if line is None else [CreditFile.model_validate(orjson.loads(line)["file"])]


def _registrations(index: dict[str, bytes], query: PersonQuery) -> list[ClaimsRegistration]:
    line = index.get(_query_key(query))
    if line is None:
        return []
    return [ClaimsRegistration.model_validate(item) for item in orjson.loads(line)["registrations"]]


def _insolvency_index(lines: list[bytes]) -> tuple[dict[str, list[bytes]], dict[str, list[bytes]]]:
    persons: dict[str, list[bytes]] = defaultdict(list)
    companies: dict[str, list[bytes]] = defaultdict(list)
    for line in lines:
        data = orjson.loads(line)
        if data.get("person"):
            persons[_person_index_key(data["person"])].append(line)
        if data.get("kvk_number"):
            companies[str(data["kvk_number"])].append(line)
    return dict(persons), dict(companies)


def _insolvency(
    persons: dict[str, list[bytes]], companies: dict[str, list[bytes]], query: InsolvencyQuery
) -> list[InsolvencyEntry]:
    lines = [*(persons.get(_query_key(query.person), []) if query.person else [])]
    lines += companies.get(query.kvk_number, []) if query.kvk_number else []
    return [InsolvencyEntry.model_validate(entry) for line in lines for entry in orjson.loads(line)["entries"]]


def _incident_index(lines: list[bytes]) -> dict[str, list[tuple[str, bytes]]]:
    index: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for line in lines:
        for kind, key in orjson.loads(line)["keys"].items():
            index[key].append((kind, line))
    return dict(index)


def _incidents(index: dict[str, list[tuple[str, bytes]]], query: IdentifierQuery) -> list[IncidentEntry]:
    matched: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for kind, key in query.keys.items():
        for _, line in index.get(key, []):
            data = orjson.loads(line)
            entry = matched.setdefault(data["id"], (data, []))
            entry[1].append(kind)
    return [
        IncidentEntry(
            id=data["id"],
            category=data["category"],
            registered_on=data["registered_on"],
            ends_on=data["ends_on"],
            matched_on=sorted(kinds),
        )
        for data, kinds in matched.values()
    ]


def _postcode_index(lines: list[bytes]) -> dict[str, list[bytes]]:
    index: defaultdict[str, list[bytes]] = defaultdict(list)
    for line in lines:
        index[orjson.loads(line)["postcode"]].append(line)
    return dict(index)


def _addresses(index: dict[str, list[bytes]], query: PostcodeQuery) -> list[AddressRange]:
    return [AddressRange.model_validate_json(line) for line in index.get(query.postcode, ())]


def _disposable_domains(directory: Path, manifest: Manifest | None) -> frozenset[str]:
    path = directory / DISPOSABLE_DOMAINS
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise RegisterFilesError(f"{path}: cannot read the disposable e-mail domains ({exc.strerror})") from exc
    if manifest is not None and hashlib.sha256(blob).hexdigest() != manifest.disposable_domains_sha256:
        raise RegisterFilesError(f"{path}: its SHA-256 differs from the manifest")
    lines: Iterator[str] = iter(blob.decode("utf-8").splitlines())
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))
