"""Opaque identifiers for URLs: ids leak volume and invite guessing."""

import secrets

_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def new_code(length: int = 12) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def may_name_a_row(value: str) -> bool:
    """Whether text from a request may be looked up as a code.

    A NUL byte never can, and PostgreSQL refuses it in a query parameter: the lookup would
    fail with an error instead of finding nothing.
    """
    return "\x00" not in value
