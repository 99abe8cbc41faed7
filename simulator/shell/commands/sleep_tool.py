"""coreutils 8.32 ``sleep``, which moves the virtual clock; its operands are read with
``xstrtod`` with ``cl_strtod`` and ``apply_suffix``.

``NUMBER[SUFFIX]``: whatever C's ``strtod`` reads in the C locale (decimal, hexadecimal,
``inf``, ``infinity``, ``nan``), then at most one suffix character (``s``, ``m``, ``h``,
``d``). A value out of range (``1e400``) is accepted as ``HUGE_VAL``, as ``sleep`` accepts
``ERANGE``; NaN and negative values are invalid (``! (0 <= s)``).
"""

from __future__ import annotations

import re

from simulator.shell.registry import CommandContext, command

# coreutils: sleep.c apply_suffix.
SUFFIXES = {"": 1, "s": 1, "m": 60, "h": 60 * 60, "d": 60 * 60 * 24}
# compiled on first use (re keeps it), not when the shell starts
_STRTOD = r"""[ \t\n\v\f\r]*(?P<number>[+-]?(?:
        0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?
        | (?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?
        | [iI][nN][fF](?:[iI][nN][iI][tT][yY])?
        | [nN][aA][nN](?:\([0-9A-Za-z_]*\))?
    ))"""


def _strtod(text: str) -> float:
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-")
    if body[:2] in ("0x", "0X"):
        mantissa, _, exponent = body.lower().partition("p")
        if "." in mantissa and not mantissa.split(".", 1)[1]:
            mantissa = mantissa.rstrip(".")
        value = float.fromhex(mantissa + ("p" + exponent if exponent else ""))
        return sign * value
    if body[:1] in ("n", "N"):
        return float("nan")
    return sign * float(body)  # decimal, inf, infinity: Python reads them as strtod does


def interval_seconds(operand: str) -> float:
    """The seconds one operand asks for; ``ValueError`` when sleep calls it invalid."""
    match = re.match(_STRTOD, operand, re.VERBOSE)
    if match is None:
        raise ValueError(operand)
    suffix = operand[match.end() :]
    if suffix not in SUFFIXES:
        raise ValueError(operand)
    seconds = _strtod(match.group("number"))
    if not seconds >= 0:  # NaN included
        raise ValueError(operand)
    return seconds * SUFFIXES[suffix]


@command("sleep")
def sleep(ctx: CommandContext) -> int:
    """``sleep N`` moves the virtual clock on by N seconds (coreutils sleep.c: every bad
    operand is reported, then the usage hint once)."""
    if not ctx.args:
        ctx.err("sleep: missing operand\nTry 'sleep --help' for more information.\n")
        return 1
    total = 0.0
    ok = True
    for arg in ctx.args:
        try:
            total += interval_seconds(arg)
        except ValueError:
            ctx.err(f"sleep: invalid time interval \u2018{arg}\u2019\n")  # quote(), UTF-8
            ok = False
    if not ok:
        ctx.err("Try 'sleep --help' for more information.\n")
        return 1
    ctx.host.clock.sleep(total)
    return 0
