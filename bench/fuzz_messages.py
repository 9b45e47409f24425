"""Malformed variants of a valid message, for the fault suite (tests) and ``bench/faults.py``.

Each variant is one of the ways a topic receives garbage: random bytes, truncated JSON, wrong
types, a field over the size limit, NUL characters, invalid UTF-8, deep nesting. Some variants
are still valid (a NUL in a string, a truncation that happens to parse): whoever uses them decides
what is good by the contract, not by the variant's name.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

Mutation = Callable[[random.Random, bytes, int], bytes]
WRONG_VALUES: tuple[object, ...] = (42, -1.5, [], {}, None, True, [1, "x"], {"a": {"b": []}})


def random_bytes(rng: random.Random, valid: bytes, limit: int) -> bytes:
    return rng.randbytes(rng.randint(0, 2_000))


def truncated_json(rng: random.Random, valid: bytes, limit: int) -> bytes:
    return valid[: rng.randint(0, len(valid) - 1)]


def wrong_type(rng: random.Random, valid: bytes, limit: int) -> bytes:
    doc = json.loads(valid)
    doc[rng.choice(sorted(doc))] = rng.choice(WRONG_VALUES)
    return json.dumps(doc).encode()


def huge_field(rng: random.Random, valid: bytes, limit: int) -> bytes:
    doc = json.loads(valid)
    strings = [k for k, v in doc.items() if isinstance(v, str)]
    doc[rng.choice(strings)] = "x" * (limit + rng.randint(1, 5_000))
    return json.dumps(doc).encode()


def nul_characters(rng: random.Random, valid: bytes, limit: int) -> bytes:
    doc = json.loads(valid)
    key = rng.choice([k for k, v in doc.items() if isinstance(v, str) and v])
    at = rng.randint(0, len(doc[key]))
    doc[key] = doc[key][:at] + "\x00" + doc[key][at:]
    return json.dumps(doc).encode()


def invalid_utf8(rng: random.Random, valid: bytes, limit: int) -> bytes:
    at = rng.randint(0, len(valid) - 1)
    return valid[:at] + rng.choice((b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80")) + valid[at:]


def deep_nesting(rng: random.Random, valid: bytes, limit: int) -> bytes:
    depth = rng.randint(200, 20_000)
    doc = json.loads(valid)
    nested = "[" * depth + "]" * depth
    return json.dumps(doc)[:-1].encode() + b', "nested": ' + nested.encode() + b"}"


MUTATIONS: tuple[Mutation, ...] = (
    random_bytes,
    truncated_json,
    wrong_type,
    huge_field,
    nul_characters,
    invalid_utf8,
    deep_nesting,
)


def variant(rng: random.Random, valid: bytes, limit: int) -> bytes:
    """One malformed (or merely odd) variant of ``valid``; few are over ``limit``, as in practice."""
    mutations = [m for m in MUTATIONS if m is not huge_field or rng.random() < 0.1]
    return rng.choice(mutations)(rng, valid, limit)
