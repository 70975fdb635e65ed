"""Normal forms and keys for matching people and identifiers across registers. Pure functions.

Registers key a person by family name (with its prefix), date of birth, postcode and house number, in a normal form
that ignores case, accents, spaces and punctuation. Identifiers used for fraud velocity and the incident register
(e-mail, phone, IBAN, address) are kept only as SHA-256 keys of their normal form, never in clear.
"""

from __future__ import annotations

import hashlib
import re

from anyascii import anyascii

from engine.registers.records import PersonQuery

_NOT_LETTERS = re.compile(r"[^a-z]+")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
KEY_PREFIX = "uw-identifier-v1"  # part of every key: a new normal form gets a new prefix, so keys never collide


def fold(text: str) -> str:
    """Lower-case ASCII letters only: `'s-Gravenhage` -> `sgravenhage`, `Çelik` -> `celik`, `Ольга` -> `olga`."""
    return _NOT_LETTERS.sub("", anyascii(text).lower())


def compact_postcode(postcode: str) -> str:
    return postcode.replace(" ", "").upper()


def person_key(person: PersonQuery) -> str:
    """The key registers file a person under: family name with prefix, date of birth, postcode, house number."""
    family = fold(f"{person.family_name_prefix or ''}{person.family_name}")
    return f"{family}|{person.date_of_birth.isoformat()}|{compact_postcode(person.postcode)}|{person.house_number}"


def initial(given_names: str) -> str:
    """The first initial, to tell apart two people at one address with one family name and birth date (twins)."""
    folded = fold(given_names)
    return folded[:1]


def identifier_key(kind: str, value: str) -> str:
    """The SHA-256 key of one identifier in its normal form."""
    return hashlib.sha256(f"{KEY_PREFIX}|{kind}|{normalise_identifier(kind, value)}".encode()).hexdigest()


def normalise_identifier(kind: str, value: str) -> str:
    if kind == "email":
        return value.strip().lower()
    if kind in {"phone", "iban"}:
        return _NOT_ALNUM.sub("", value.upper())
    if kind == "address":  # postcode|number|addition: the separators keep 12 + "1" apart from 121
        return "|".join(_NOT_ALNUM.sub("", part) for part in value.upper().split("|"))
    raise ValueError(f"unknown identifier kind {kind!r}")


def address_identifier(postcode: str, house_number: int, addition: str | None) -> str:
    return f"{compact_postcode(postcode)}|{house_number}|{addition or ''}"
