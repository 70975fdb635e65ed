"""`underwrite registers generate`: write the synthetic registers and their manifest.

The registers in `data/registers/` are synthetic: made up by :mod:`engine.registers.synthetic` (people, credit
files, claims registrations, insolvency cases, incident entries, postcodes) and :mod:`engine.registers.sanctions_list`
(a sanctions list shaped like the EU consolidated list), from a fixed seed, so the same command always writes the same
bytes. No real person is in them. The manifest records the version recorded with each check result and the SHA-256
of every file, which the embedded provider verifies when it loads them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from engine.checks.providers.local import DISPOSABLE_DOMAINS, MANIFEST
from engine.registers.sanctions_list import FILE_NAME as SANCTIONS_FILE
from engine.registers.sanctions_list import generate_sanctions_list
from engine.registers.synthetic import REGISTER_FILES, generate_registers

DEFAULT_SEED = 20261125
DEFAULT_AS_OF = date(2026, 11, 25)
FILES = {**REGISTER_FILES, "sanctions": SANCTIONS_FILE}  # the names the generators write


def generate_all(
    out_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    as_of: date = DEFAULT_AS_OF,
    people: int = 100_000,
    sanctions_entries: int = 12_000,
) -> dict[str, Any]:
    """Write every register and the manifest; return the manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = generate_registers(out_dir, seed=seed, as_of=as_of, people=people)
    counts |= generate_sanctions_list(out_dir, seed=seed, as_of=as_of, entries=sanctions_entries)
    manifest = {
        "version": f"synthetic-{as_of.isoformat()}-seed{seed}-n{people}",
        "as_of": as_of.isoformat(),
        "synthetic": True,
        "note": "Synthetic registers made by `underwrite registers generate`; no real person or company is in them.",
        "seed": seed,
        "people": people,
        "files": {
            name: {"path": path, "records": counts.get(name, 0), "sha256": _sha256(out_dir / path)}
            for name, path in FILES.items()
        },
        "disposable_email_domains": {"path": DISPOSABLE_DOMAINS, "sha256": _sha256(out_dir / DISPOSABLE_DOMAINS)},
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
