"""The compound commands of bash 5.1's grammar (``parse.y``: ``compound_command``,
``function_def``, and a list's ``&``) as tree nodes.

The parser (:mod:`simulator.shell.syntax`) and the interpreter load this module the first
time a line has one of them: attrs makes a class when its module is imported, and a session
of simple commands and pipelines, which most scenario transcripts are, need not make these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from simulator.shell.syntax import Node, Redirect, Word


@attrs.frozen(repr=False, eq=False)
class Background:
    node: Node


@attrs.frozen(repr=False, eq=False)
class For:
    name: str
    words: tuple[Word, ...] | None  # None: "$@"
    body: Node


@attrs.frozen(repr=False, eq=False)
class If:
    branches: tuple[tuple[Node, Node], ...]
    otherwise: Node | None


@attrs.frozen(repr=False, eq=False)
class While:
    condition: Node
    body: Node
    until: bool = False


@attrs.frozen(repr=False, eq=False)
class CaseItem:
    patterns: tuple[Word, ...]
    body: Node | None
    terminator: str  # ";;", ";&", ";;&"


@attrs.frozen(repr=False, eq=False)
class Case:
    word: Word
    items: tuple[CaseItem, ...]


@attrs.frozen(repr=False, eq=False)
class Group:
    body: Node
    subshell: bool


@attrs.frozen(repr=False, eq=False)
class FunctionDef:
    name: str
    body: Node


@attrs.frozen(repr=False, eq=False)
class ArithCommand:
    expr: Word


@attrs.frozen(repr=False, eq=False)
class Conditional:
    """``[[ ... ]]``: words and the operators ``&&``, ``||``, ``(``, ``)``, ``<``, ``>``."""

    items: tuple[Word | str, ...]


@attrs.frozen(repr=False, eq=False)
class Compound:
    """A compound command with redirections after it (``{ ...; } > f``, ``done < f``)."""

    node: Node
    redirects: tuple[Redirect, ...]


# parse.y function_def: a function's body is a compound_command (a brace group, a subshell,
# if, while/until, for, case, [[ ]] or (( )), with or without redirections)
FUNCTION_BODIES = (Group, Compound, If, While, For, Case, Conditional, ArithCommand)
