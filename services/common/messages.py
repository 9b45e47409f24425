"""Decoding of wire messages into contracts, with errors a person can act on."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class BadMessage(ValueError):
    """A message that is not valid JSON or does not satisfy its contract."""


def describe_validation_error(model: type[BaseModel], exc: ValidationError) -> str:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '<message>'}: {err['msg']}" for err in exc.errors()[:10]
    )
    return f"not a valid {model.__name__} ({exc.error_count()} problem(s)): {problems}"


def decode(model: type[M], payload: bytes | str) -> M:
    """Parse ``payload`` as ``model``; raise :class:`BadMessage` naming each bad field."""
    try:
        return model.model_validate_json(payload)
    except ValidationError as exc:
        raise BadMessage(describe_validation_error(model, exc)) from exc


def checked_size(payload: bytes, limit: int, what: str) -> bytes:
    """``payload`` unless it is over ``limit`` bytes: refused before any parsing."""
    if len(payload) > limit:
        raise BadMessage(
            f"{what} of {len(payload):,} bytes is over the limit of {limit:,} (max_message_bytes)"
        )
    return payload


def admit(model: type[M], payload: bytes, max_bytes: int) -> M:
    """A consumed record's bytes as ``model``, the way both workers take their input.

    Refused unparsed over ``max_bytes``; then pydantic-core validates the bytes directly, with its
    own bound on nesting, so a deeply nested message is a :class:`BadMessage` like any other
    (``json.loads`` first raised ``RecursionError``, outside every dead-letter path).
    """
    return decode(model, checked_size(payload, max_bytes, model.__name__))
