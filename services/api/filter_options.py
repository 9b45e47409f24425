"""The CLI options of an event filter, built from :class:`EventFilter`'s own fields.

The commands that filter events take one ``filter: EventFilter`` parameter; :func:`filter_options`
turns it into one option per field, so every field of the model is an option of every such
command, with the model's description as its help, its choices and its default.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from types import GenericAlias, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import typer
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from services.storage.filters import EventFilter

# option names other than --field-name (the HTTP parameter's name): a short one for the search words
_DECLS = {"q": ("--q", "-q")}


def filter_options(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with its ``filter`` parameter replaced by one option per :class:`EventFilter` field.

    A repeatable field (a tuple) is a repeatable option. The values are validated by the model
    itself, and a bad one is reported against its option (exit status 2), like Typer's own errors.
    Typer takes a ``Literal`` as a choice but not a list of them, so repeatable choices (the
    filter's event types, or a list the command declares itself) are given to Typer as an Enum of
    the same values, and the command receives the plain values.
    """
    signature = inspect.signature(command, eval_str=True)
    fields = EventFilter.model_fields
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        if parameter.name == "filter":
            parameters += [_option(name, field, parameter.kind) for name, field in fields.items()]
        else:
            parameters.append(parameter.replace(annotation=_for_typer(parameter.annotation)))

    @functools.wraps(command)
    def run(**options: Any) -> None:
        options = {name: _plain(value) for name, value in options.items()}
        given = {name: options.pop(name) for name in fields}
        command(filter=_event_filter(given), **options)

    run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
    return run


def _decls(name: str) -> tuple[str, ...]:
    return _DECLS.get(name, (f"--{name.replace('_', '-')}",))


def _option(name: str, field: FieldInfo, kind: inspect._ParameterKind) -> inspect.Parameter:
    annotation: Any = _dates_as_text(field.annotation)
    default = field.default
    if get_origin(annotation) is tuple:  # tuple[X, ...]: the option repeated, None when not given
        annotation, default = GenericAlias(list, get_args(annotation)[0]) | None, None
    option = typer.Option(*_decls(name), help=field.description)
    return inspect.Parameter(
        name, kind, annotation=_for_typer(Annotated[annotation, option]), default=default
    )


def _dates_as_text(annotation: Any) -> Any:
    """A day the model reads itself ("2024-01-31" or an age, "7d") goes to Typer as text."""
    if get_origin(annotation) in (UnionType, Union):
        return functools.reduce(lambda a, b: a | b, [_dates_as_text(arg) for arg in get_args(annotation)])
    if get_origin(annotation) is Annotated and get_args(annotation)[0] is date:
        return str
    return annotation


def _for_typer(annotation: Any) -> Any:
    """``annotation`` with a list of ``Literal`` choices (inside ``Annotated`` and ``| None``) made
    a list of an Enum of the same values."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return Annotated[(_for_typer(args[0]), *annotation.__metadata__)]
    if origin is UnionType:
        return functools.reduce(lambda a, b: a | b, [_for_typer(arg) for arg in args])
    if origin is list and get_origin(args[0]) is Literal:
        values = [str(value) for value in get_args(args[0])]
        choice = _Choice("Choice", [(v, v) for v in values])  # type: ignore[call-arg]  # the functional API
        return GenericAlias(list, choice)
    return annotation


class _Choice(StrEnum):
    """The base of the Enums made by :func:`_for_typer`."""


def _plain(value: Any) -> Any:
    """``value`` with the members of a :class:`_Choice` as the plain values the command declared."""
    return (
        [item.value if isinstance(item, _Choice) else item for item in value]
        if isinstance(value, list)
        else value
    )


def _event_filter(values: dict[str, Any]) -> EventFilter:
    try:
        return EventFilter(**{name: value for name, value in values.items() if value is not None})
    except ValidationError as exc:
        error = exc.errors()[0]
        option = " / ".join(_decls(str(error["loc"][0])))
        raise typer.BadParameter(error["msg"], param_hint=option) from exc
