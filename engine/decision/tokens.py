"""Applicant tokens: the secret an applicant uses for their own requests about a decision.

A token is derived from the decision id with a server key (HMAC), so a retried request can be answered with the
same token without it ever being stored; the record keeps only its SHA-256 hash, compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def applicant_token(key: bytes, decision_id: str) -> str:
    digest = hmac.new(key, f"applicant-token:{decision_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)
