"""``simulator.scenario.toml_subset`` reads plain TOML as ``tomllib`` does, or declines.

The fast reader never decides anything itself: on every text it returns either exactly what
``tomllib.loads`` returns, or ``None`` (and ``tomllib`` then reads it, or reports its error).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from simulator.scenario import toml_subset, txtar

ROOT = Path(__file__).resolve().parents[2]

# Fragments of TOML, plain and not, that lines are built from: keys, values (some outside the
# subset, some invalid), separators, comments, and characters the subset must refuse.
KEYS = st.sampled_from(["seed", "tags", "a", "b-c", "1", '"x.y"', "'lit'", '""', "a.b", "é"])
VALUES = st.sampled_from(
    [
        "7", "-0", "+3", "01", "1_000", "0x1f", "1.5", "1e3", "true", "false", "truex",
        '"s"', '"a,b]"', '"\\n"', '"\t"', '"\x01"', "'lit'", '"""m"""', "[]", "[ 1 , 2 , ]",
        '["a", "b"]', "[1,]", "[,]", "[[1]]", "[1", "{a = 1}", "1979-05-27", "inf", "",
        "99999999999999999999999",
    ]
)  # fmt: skip
TAILS = st.sampled_from(["", " ", "\t", " # c", "#\x01", "#\x7f", "\r", " x", "]", ","])
LINE = st.one_of(
    st.builds(lambda k, v, t: f"{k} = {v}{t}", KEYS, VALUES, TAILS),
    st.builds(lambda k, v: f"{k}={v}", KEYS, VALUES),
    st.builds(lambda k, t: f"[{k}]{t}", KEYS, TAILS),
    st.builds(lambda a, b, t: f"[ {a} . {b} ]{t}", KEYS, KEYS, TAILS),
    st.builds(lambda k: f"[[{k}]]", KEYS),
    st.sampled_from(["", "# comment", "  ", "\ufeff", "\x0c"]),
    st.text(alphabet='ab=[]."#, 1\t\r\x00', max_size=12),
)


def _tomllib(text: str) -> object:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "error"


@given(st.lists(LINE, max_size=8).map("\n".join))
@example("[a.b]\n[a]\nc = 1\n")  # a table made by a header, defined later: valid TOML
@example("a = 01\n")  # a leading zero: tomllib's error
@example("a = [1, 02]\n")
@example("a = -1_0\n")
@example("a = true_\n")
@example("[[a]]\n")
@example("[a]\nb = 1\n[a.b]\n")  # a key made a table: tomllib's error
@example("a = 1\na = 2\n")
@example("[a]\n[a]\n")
@example('[files."/x"]\nowner = "qemu:qemu"\n')
def test_the_fast_reader_agrees_with_tomllib_or_declines(text: str) -> None:
    fast = toml_subset.loads(text)
    if fast is not None:
        assert repr(fast) == repr(_tomllib(text))  # repr: True and 1 are == but not the same


@pytest.mark.parametrize(
    "text",
    [
        "",
        "seed = 7\ntags = []\n",
        'tags = ["a", "b",]  # trailing comma\n',
        '[files."/var/lib/libvirt/images/vm.qcow2"]\nsize = 1048576\nlabel = "a:b:c:s0"\n',
        "[booleans]\nvirt_use_nfs = true\n\n[guests.vm1]\nacpi = false\n",
    ],
)
def test_plain_documents_are_read_without_tomllib(text: str) -> None:
    assert repr(toml_subset.loads(text)) == repr(tomllib.loads(text))


def test_the_library_s_scenario_files_are_read_as_tomllib_reads_them() -> None:
    """The library's scenario.toml files are what the fast reader is for. One written in
    TOML outside the plain subset still runs (through tomllib), only its start is slower, so
    most, not all, must be plain."""
    found = plain = 0
    for path in sorted((ROOT / "scenarios").rglob("*.txtar")):
        entry = txtar.parse(path.read_text()).entry("scenario.toml")
        if entry is not None:
            found += 1
            fast = toml_subset.loads(entry.data)
            if fast is not None:
                plain += 1
                assert repr(fast) == repr(tomllib.loads(entry.data)), path
    assert found > 50
    assert plain >= 0.9 * found
