"""``$'...'`` escapes as bash's ansicstr: \\x (2 hex digits), \\u (4), \\U (8) and \\cX.
The expected bytes are what bash 5.2.15 printed for ``printf %s $'...' | od`` on Debian 12
(bash 5.1's ansicstr is the same for these)."""

from __future__ import annotations

import pytest

import simulator

CASES = [
    (r"\u00e9", "c3a9"),
    (r"\U0001F600", "f09f9880"),
    (r"\u", "5c75"),
    (r"\uzz", "5c757a7a"),
    (r"\cA", "01"),
    (r"\ca", "01"),
    (r"\c?", "7f"),
    (r"\c", "5c63"),
    (r"\x", "5c78"),
    (r"\x4g", "0467"),
    (r"\u110000", "e184803030"),
    (r"\c\\", "1c"),
    (r"\d", "5c64"),
]


@pytest.mark.parametrize(("escape", "hex_bytes"), CASES)
def test_ansi_c_escapes_make_bashs_bytes(escape: str, hex_bytes: str) -> None:
    result = simulator.Host().run(f"printf %s $'{escape}'")
    assert (result.output.encode().hex(), result.status) == (hex_bytes, 0)


def test_a_code_point_bash_writes_as_invalid_utf8_is_not_modelled() -> None:
    result = simulator.Host().run(r"printf %s $'\U110000'")
    assert (result.output, result.status) == ("seclab: not modelled: $'\\U' of U+110000\n", 3)
