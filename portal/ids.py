"""Opaque identifiers for URLs: ids leak volume and invite guessing."""

import secrets

_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def new_code(length: int = 12) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
