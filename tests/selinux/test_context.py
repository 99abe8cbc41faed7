"""Security contexts and MCS levels: parsing, canonical form, errors and dominance."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.errors import ContextError, SeclabError
from simulator.selinux.context import Level, MlsRange, SecurityContext, format_categories


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("system_u:object_r:virt_image_t:s0", "system_u:object_r:virt_image_t:s0"),
        ("u:r:t:s0:c5", "u:r:t:s0:c5"),
        ("u:r:t:s0:c3,c1", "u:r:t:s0:c1,c3"),
        ("u:r:t:s0:c0.c1023", "u:r:t:s0:c0.c1023"),
        ("u:r:t:s0-s0:c0.c1023", "u:r:t:s0-s0:c0.c1023"),
        ("u:r:t:s0:c0.c3,c7", "u:r:t:s0:c0.c3,c7"),
        ("u:r:t:s0:c0,c1,c2", "u:r:t:s0:c0.c2"),
        ("u:r:t:s0:c0.c1", "u:r:t:s0:c0,c1"),
        ("u:r:t:s0-s0", "u:r:t:s0"),
    ],
)
def test_canonical_form(text: str, canonical: str) -> None:
    assert str(SecurityContext.parse(text)) == canonical


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("u:r:t:s0:c1024", "beyond c1023"),
        ("u:r:t:s0:c5.c2", "reversed category range"),
        ("u:r:t:s1", "unknown sensitivity"),
        ("u::t:s0", "empty role"),
        ("u:r:t:", "empty level"),
        ("u:r:t", "needs user:role:type:level"),
        ("", "empty security context"),
        ("u:r:t$:s0", "bad characters"),
        ("u:r:t:s0:c1,,c2", "empty category"),
        ("u:r:t:s0:x1", "invalid category"),
        ("u:r:t:s0:c2-s0:c1", "does not dominate"),
    ],
)
def test_errors_name_the_problem(text: str, problem: str) -> None:
    with pytest.raises(ContextError, match=problem) as info:
        SecurityContext.parse(text)
    assert isinstance(info.value, SeclabError)


CATS = st.frozensets(st.integers(0, 1023), max_size=12)
LEVELS = st.builds(Level, st.just(0), CATS)


@given(CATS)
def test_categories_round_trip(cats: frozenset[int]) -> None:
    level = Level(0, cats)
    assert Level.parse(str(level)) == level


@given(st.text(max_size=40))
def test_garbage_raises_the_typed_error_only(text: str) -> None:
    try:
        context = SecurityContext.parse(text)
    except ContextError:
        return
    assert SecurityContext.parse(str(context)) == context


@given(LEVELS)
def test_dominance_is_reflexive_and_s0_is_dominated_by_all(level: Level) -> None:
    assert level.dominates(level)
    assert level.dominates(Level())
    assert not level.incomparable(level)


@given(LEVELS, LEVELS, LEVELS)
def test_dominance_is_transitive(a: Level, b: Level, c: Level) -> None:
    if a.dominates(b) and b.dominates(c):
        assert a.dominates(c)


@given(LEVELS, LEVELS)
def test_dominance_is_superset(a: Level, b: Level) -> None:
    assert a.dominates(b) == (a.categories >= b.categories)
    assert a.dominated_by(b) == b.dominates(a)
    assert a.incomparable(b) == (not a.dominates(b) and not b.dominates(a))


def test_the_walkthrough_cases() -> None:
    process = Level.parse("s0:c1,c2")
    for allowed in ("s0", "s0:c1", "s0:c1,c2"):
        assert process.dominates(Level.parse(allowed))
    for denied in ("s0:c1,c2,c3", "s0:c3,c4"):
        assert not process.dominates(Level.parse(denied))


def test_range_high_and_low() -> None:
    rng = MlsRange.parse("s0-s0:c0.c1023")
    assert str(rng.low) == "s0"
    assert rng.high.categories == frozenset(range(1024))
    assert format_categories(frozenset({1, 2, 3, 5, 6})) == "c1.c3,c5,c6"


def test_a_category_of_5000_digits_is_out_of_range_not_python_text() -> None:
    # issue 19 item 13: no int() of an unbounded number, no "Exceeds the limit".
    from simulator.errors import ContextError
    from simulator.selinux.context import Level

    with pytest.raises(ContextError, match="is beyond c1023"):
        Level.parse("s0:c" + "9" * 5000)
    with pytest.raises(ContextError, match="unknown sensitivity"):
        Level.parse("s" + "9" * 5000)
    assert Level.parse("s0:c0001") == Level.parse("s0:c1")
