"""Stable pseudonyms: one case is one pseudonymous patient and study in every export (ADR 0002).

A random secret of 256 bits is made once per case and kept in the case file
(``case.extra["export_pseudonym_key"]``; case files are not exports and are not
shared with the archive). Everything the DICOM export makes up derives from it
by HMAC-SHA256, so the English and the Chinese export of one case, made a week
apart, are the same patient, study and images in a teaching archive, while
nobody without the case file can compute the mapping from the original UIDs
(it is *keyed*, not derived from identity):

- :func:`uid`: ``2.25.<the first 128 bits of HMAC(key, parts)>`` (PS3.5 B.2: a
  UUID-derived UID), for the source films' UIDs remapped by de-identification
  and for the objects the export creates (series, presentation states, reports);
- :func:`anonymizer_seed`: the seed of dicognito, whose dummy names, IDs and date
  shift are then the same in every export of the case.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

KEY = "export_pseudonym_key"


def key_of(case: Any) -> str | None:
    """The case's key, or None when it has none yet (or a value that is not one)."""
    value = case.extra.get(KEY)
    if isinstance(value, str) and len(value) >= 32 and all(c in "0123456789abcdef" for c in value):
        return value
    return None


def with_key(extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` with a new random key when it has none (a new dict; the same one if it has)."""
    value = extra.get(KEY)
    if isinstance(value, str) and len(value) >= 32:
        return extra
    return {**extra, KEY: secrets.token_hex(32)}


def ensure_key(case: Any) -> bool:
    """Give ``case`` a key if it has none; True when one was made (the case must be saved)."""
    if key_of(case) is not None:
        return False
    case.extra = with_key({k: v for k, v in case.extra.items() if k != KEY})
    return True


def _mac(key: str, *parts: str) -> bytes:
    return hmac.new(bytes.fromhex(key), "\0".join(parts).encode("utf-8"), hashlib.sha256).digest()


def uid(key: str, *parts: str) -> str:
    """A UID under 2.25 from the key and ``parts`` (at most 44 characters)."""
    return "2.25." + str(int.from_bytes(_mac(key, "uid", *parts)[:16], "big"))


def anonymizer_seed(key: str) -> str:
    return _mac(key, "dicognito seed").hex()


def patient_id(key: str) -> str:
    """The pseudonymous patient ID of a case whose films are plain images (no DICOM identity)."""
    return "FA-" + _mac(key, "patient id").hex()[:12].upper()
