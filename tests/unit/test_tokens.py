"""Applicant tokens: HMAC of the decision id under a server key; only a hash is stored."""

from __future__ import annotations

import hashlib

import pytest

from engine.decision.tokens import applicant_token, token_hash, token_matches

KEY = b"k" * 32
OTHER_KEY = b"o" * 32
DECISION = "0b7a3a0e-8c1f-4b9e-9d55-2f4b1d6c8e10"
OTHER_DECISION = "0b7a3a0e-8c1f-4b9e-9d55-2f4b1d6c8e11"


def test_the_token_is_deterministic_per_key_and_decision() -> None:
    assert applicant_token(KEY, DECISION) == applicant_token(KEY, DECISION)


@pytest.mark.parametrize(
    ("key", "decision"), [(OTHER_KEY, DECISION), (KEY, OTHER_DECISION), (OTHER_KEY, OTHER_DECISION)]
)
def test_the_token_differs_by_key_and_by_decision(key: bytes, decision: str) -> None:
    assert applicant_token(key, decision) != applicant_token(KEY, DECISION)


def test_the_token_is_url_safe_and_unpadded() -> None:
    token = applicant_token(KEY, DECISION)
    assert len(token) == 43  # 32 bytes of HMAC-SHA256 in unpadded base64
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_the_token_is_not_the_bare_hash_of_the_id() -> None:
    token = applicant_token(KEY, DECISION)
    assert DECISION not in token
    assert token_hash(token) != hashlib.sha256(DECISION.encode()).hexdigest()


def test_token_hash_is_sha256_hex() -> None:
    assert token_hash("abc") == hashlib.sha256(b"abc").hexdigest()


def test_token_matches_its_own_hash() -> None:
    token = applicant_token(KEY, DECISION)
    assert token_matches(token, token_hash(token)) is True


@pytest.mark.parametrize(
    "presented",
    [
        applicant_token(KEY, OTHER_DECISION),
        applicant_token(OTHER_KEY, DECISION),
        applicant_token(KEY, DECISION)[:-1],
        "",
    ],
    ids=["other-decision", "other-key", "truncated", "empty"],
)
def test_token_matches_refuses_any_other_token(presented: str) -> None:
    stored = token_hash(applicant_token(KEY, DECISION))
    assert token_matches(presented, stored) is False
