"""Replay the differential corpus against the lab: the fixtures are made in BASE of a fresh
host (every file 0644, every directory 0755, as the recorder leaves them) and each case runs
there. Cases that only read share one host; the others start from a snapshot."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import attrs

import simulator
from tests.differential.fixtures import (
    ATTR_DIRS,
    ATTR_FILES,
    ATTR_LABEL,
    ATTR_SYMLINKS,
    DIRS,
    FILES,
    SYMLINKS,
    XATTRS,
)

CORPUS = Path(__file__).with_name("corpus.jsonl")
ATTR_CORPUS = Path(__file__).with_name("attr_corpus.jsonl")
BASE = "/tmp/seclab-differential/t"  # tools/record-differential uses the same
READ_ONLY = frozenset(
    [
        "cat",
        "grep",
        "head",
        "tail",
        "wc",
        "cut",
        "sort",
        "uniq",
        "tr",
        "sed",
        "awk",
        "ls",
        "stat",
        "readlink",
        "realpath",
        "find",
        "xargs",
        "uname",
        "whoami",
        "which",
    ]
)


@attrs.frozen
class Case:
    cmd: str
    stdout: str
    stderr: str
    status: int
    reason: str = ""


@attrs.frozen
class Outcome:
    case: Case
    stdout: str
    stderr: str
    status: int

    @property
    def equal(self) -> bool:
        c = self.case
        return (self.stdout, self.stderr, self.status) == (c.stdout, c.stderr, c.status)

    @property
    def loud(self) -> bool:
        return self.status == 3 and "seclab: not modelled: " in self.stderr


def load(corpus: Path = CORPUS) -> list[Case]:
    cases = []
    for line in corpus.read_text().splitlines():
        e = json.loads(line)
        cases.append(Case(e["cmd"], e["stdout"], e["stderr"], e["status"], e.get("reason", "")))
    return cases


def _tree_host(
    dirs: Iterable[str], files: Mapping[str, bytes], symlinks: Mapping[str, str]
) -> simulator.Host:
    """A host with the recording's base directory holding ``dirs``, ``files`` and
    ``symlinks`` (names relative to BASE)."""
    host = simulator.Host()
    proc = host.shell
    host.mkdir(proc, "/tmp/seclab-differential", 0o755)
    host.mkdir(proc, BASE, 0o755)
    for name in dirs:
        host.mkdir(proc, f"{BASE}/{name}", 0o755)
    for name, data in files.items():
        host.write_file(proc, f"{BASE}/{name}", data, mode=0o644)
    for name, target in symlinks.items():
        host.symlink(proc, target, f"{BASE}/{name}")
    return host


def fixture_host() -> simulator.Host:
    return _tree_host(DIRS, FILES, SYMLINKS)


def attr_fixture_host() -> simulator.Host:
    """The getfattr/setfattr corpus's tree (tools/record-differential populate_attr): the
    ATTR_* files with their XATTRS, and ATTR_LABEL over the lab's own label on each."""
    host = _tree_host(ATTR_DIRS, ATTR_FILES, ATTR_SYMLINKS)
    proc = host.shell
    for name in ["", *ATTR_DIRS, *ATTR_FILES, *ATTR_SYMLINKS]:
        path = f"{BASE}/{name}".rstrip("/")
        host.setxattr(proc, path, b"security.selinux", ATTR_LABEL, follow=False)
    for name, xattrs in XATTRS.items():
        for key, value in xattrs.items():
            host.setxattr(proc, f"{BASE}/{name}", key, value, follow=False)
    return host


def _mutates(cmd: str) -> bool:
    words = cmd.replace("|", " ").replace("&&", " ").split()
    if any(w in (">", ">>", "-o", "-i", "-exec") for w in words):
        return True
    firsts = [part.split()[0] for part in cmd.replace("&&", "|").split("|") if part.split()]
    return any(f not in READ_ONLY for f in firsts) or (
        words[0] == "uniq" and len([w for w in words if not w.startswith("-")]) > 2
    )


def replay(
    cases: list[Case], make_host: Callable[[], simulator.Host] = fixture_host
) -> Iterator[Outcome]:
    shared = make_host()
    snapshot = shared.snapshot()
    session = shared.session
    session.run(f"cd {BASE}")
    for case in cases:
        if _mutates(case.cmd):
            host = simulator.Host.from_snapshot(snapshot)
            shell = host.session
            shell.run(f"cd {BASE}")
        else:
            shell = session
        result = shell.run(case.cmd)
        stdout = b"".join(d for s, d in result.chunks if s == 1).decode("utf-8", "surrogateescape")
        stderr = b"".join(d for s, d in result.chunks if s == 2).decode("utf-8", "surrogateescape")
        yield Outcome(case, stdout, stderr, result.status)


if __name__ == "__main__":
    import sys

    if "--attr" in sys.argv:
        outcomes = list(replay(load(ATTR_CORPUS), attr_fixture_host))
    else:
        outcomes = list(replay(load()))
    equal = sum(o.equal for o in outcomes)
    loud = sum(o.loud and not o.equal for o in outcomes)
    print(f"{equal}/{len(outcomes)} equal ({100 * equal / len(outcomes):.1f}%), {loud} loud")
    if "-v" in sys.argv:
        for o in outcomes:
            if not o.equal and not o.loud:
                print("CMD", repr(o.case.cmd))
                print("  want", repr(o.case.stdout[:300]), repr(o.case.stderr[:300]), o.case.status)
                print("  got ", repr(o.stdout[:300]), repr(o.stderr[:300]), o.status)
