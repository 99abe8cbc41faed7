"""Replay the real ausearch/aureport recordings (tools/record-audit, audit 3.0.9) in the lab.

Each log of tests/shell/data/audit is what a scenario's final host holds at
/var/log/audit/audit.log (make_logs.py); the test reruns that scenario, checks the log is
byte for byte the recorded one, and runs every recorded command line on that host. A case
passes when stdout, stderr and status match, or when the lab says ``seclab: not modelled``
(exit 3); the rest must be listed in audit_known_failures.py, and a listed case that passes
fails the test, so the table cannot go stale.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from simulator.host import Host
from simulator.kernel.snapshot import Snapshot
from tests.shell.audit_known_failures import KNOWN
from tests.shell.data.audit.make_logs import AUDIT_LOG, final_host

HERE = Path(__file__).resolve().parent
CORPUS = [json.loads(line) for line in (HERE / "audit_corpus.jsonl").read_text().splitlines()]


@cache
def _snapshot(log: str) -> Snapshot:
    host = final_host(log)
    assert host.read_file(host.shell, AUDIT_LOG) == (HERE / f"data/audit/{log}.log").read_bytes()
    return host.snapshot()


def _host(log: str) -> Host:
    """A fresh copy of the host that wrote the log: each case starts from the same state."""
    return Host.from_snapshot(_snapshot(log))


def _key(entry: dict[str, str]) -> str:
    return f"{entry['log']}: {entry['cmd']}"


def outcome(entry: dict[str, str]) -> str:
    """'exact', 'not modelled' or a description of the difference."""
    result = _host(entry["log"]).run(entry["cmd"])
    if result.status == 3 and result.stderr.startswith("seclab: not modelled"):
        return "not modelled"
    got = (result.stdout, result.stderr, result.status)
    want = (entry["stdout"], entry["stderr"], entry["status"])
    return "exact" if got == want else f"lab {got!r}\nreal {want!r}"


@pytest.mark.parametrize("entry", CORPUS, ids=_key)
def test_recorded_case(entry: dict[str, str]) -> None:
    verdict = outcome(entry)
    if _key(entry) in KNOWN:
        assert verdict not in ("exact", "not modelled"), "listed in KNOWN but now passes"
    else:
        assert verdict in ("exact", "not modelled"), verdict


def test_corpus_names_known_cases_only() -> None:
    assert set(KNOWN) <= {_key(e) for e in CORPUS}


if __name__ == "__main__":
    counts: dict[str, int] = {}
    for item in CORPUS:
        v = outcome(item)
        kind = v if v in ("exact", "not modelled") else "differs"
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "differs":
            print("##", _key(item), "\n", v[:300], "\n", v[v.index("\nreal") :][:300])
    print(counts)
