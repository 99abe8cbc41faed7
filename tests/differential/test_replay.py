"""Replay the differential corpus (recorded by tools/record-differential from real bash and
GNU tools) against the lab. Every case is byte-exact, or stops with ``not modelled``, or is a
known failure listed with its reason in known_failures.py; a known failure that starts
passing must be taken off the list (strict)."""

from __future__ import annotations

from tests.differential.known_failures import KNOWN
from tests.differential.replay import ATTR_CORPUS, Outcome, attr_fixture_host, load, replay


def test_corpus_is_exact_or_loud() -> None:
    _check(list(replay(load())))


def test_attr_corpus_is_exact_or_loud() -> None:
    """getfattr and setfattr against attr 2.5.1 (tests/differential/attr_corpus.jsonl)."""
    _check(list(replay(load(ATTR_CORPUS), attr_fixture_host)))


def _check(outcomes: list[Outcome]) -> None:
    silent = [o for o in outcomes if not o.equal and not o.loud and o.case.cmd not in KNOWN]
    fixed = [o.case.cmd for o in outcomes if o.equal and o.case.cmd in KNOWN]
    equal = sum(o.equal for o in outcomes)
    report = f"{equal}/{len(outcomes)} equal"
    assert not silent, (
        report
        + "; silently different:\n"
        + "\n".join(
            f"{o.case.cmd!r}\n  want {o.case.stdout!r} {o.case.stderr!r} {o.case.status}\n"
            f"  got  {o.stdout!r} {o.stderr!r} {o.status}"
            for o in silent[:20]
        )
    )
    assert not fixed, report + "; now exact, take off known_failures.py:\n" + "\n".join(fixed)


def test_corpus_size() -> None:
    assert len(load()) >= 3600


def test_attr_corpus_size() -> None:
    assert len(load(ATTR_CORPUS)) >= 270
