"""Replay the virsh command-line corpus (virsh_cli_corpus.jsonl, recorded by tools/record-virsh
from virsh 9.0.0 and libvirt's test driver) in the lab: each case runs after the same set-up
made with the lab's own virsh commands. Every case is byte-exact (stdout, stderr, status), or
stops with ``seclab: not modelled`` (exit 3), or compares only its layout, with the reason
(``compare: layout``: dominfo, whose values are the test driver's), or is the test driver's
own behaviour where the lab follows the qemu driver (``compare: driver``, with the reason)."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

import simulator
from tests.libvirt.virsh_cli_cases import DOMAINS, IMAGES, SETUP, XML_DIR, all_cases, domain_xml

CORPUS = Path(__file__).with_name("virsh_cli_corpus.jsonl")
# dominfo lines whose values only the test driver has (virsh-domain-monitor.c cmdDominfo
# prints CPU time whenever the driver reports any; the security lines are the driver's)
DRIVER_LINES = ("CPU time:", "Security DOI:", "Security label:")


@attrs.frozen
class Entry:
    cmd: str
    setup: str | None
    stdout: str
    stderr: str
    status: int
    compare: str = "exact"
    reason: str = ""


@attrs.frozen
class Outcome:
    entry: Entry
    stdout: str
    stderr: str
    status: int

    @property
    def loud(self) -> bool:
        return self.status == 3 and "seclab: not modelled: " in self.stderr

    @property
    def equal(self) -> bool:
        e = self.entry
        if e.compare == "driver":  # the test driver's behaviour, not the qemu driver's
            return True
        if e.compare == "layout":
            return (_layout(self.stdout), self.stderr, self.status) == (
                _layout(e.stdout),
                e.stderr,
                e.status,
            )
        return (self.stdout, self.stderr, self.status) == (e.stdout, e.stderr, e.status)


def _layout(text: str) -> list[str]:
    """The labels of dominfo's lines (``%-15s`` and a blank), without the driver's lines."""
    return [line[:16] for line in text.splitlines() if not line.startswith(DRIVER_LINES)]


def load() -> list[Entry]:
    return [Entry(**json.loads(line)) for line in CORPUS.read_text().splitlines()]


def _host(setup: str | None) -> simulator.Host:
    host = simulator.Host()
    if setup is None:
        return host
    proc = host.shell
    host.mkdir(proc, XML_DIR, 0o755)
    for name in [*DOMAINS, "test"]:
        host.write_file(proc, f"{IMAGES}/{name}.qcow2", b"")
    for name in DOMAINS:
        host.write_file(proc, f"{XML_DIR}/{name}.xml", domain_xml(name, "kvm").encode())
    # the test driver's own domain 'test' (id 1), which the set-up removes first
    test_xml = domain_xml("vm1", "kvm").replace("vm1", "test").replace("5501", "5500")
    host.write_file(proc, f"{XML_DIR}/test.xml", test_xml.encode())
    for line in (
        f"virsh define {XML_DIR}/test.xml",
        "virsh start test",
        *(f"virsh {command}" for command in SETUP[setup]),
    ):
        result = host.run(line)
        assert result.status == 0, (line, result.output)
    return host


def replay(entries: list[Entry]) -> list[Outcome]:
    hosts: dict[str | None, simulator.Host] = {}
    snapshots = {}
    outcomes = []
    for entry in entries:
        if entry.setup not in snapshots:
            hosts[entry.setup] = _host(entry.setup)
            snapshots[entry.setup] = hosts[entry.setup].snapshot()
        host = simulator.Host.from_snapshot(snapshots[entry.setup])
        result = host.run(entry.cmd)
        out = b"".join(d for s, d in result.chunks if s == 1).decode("utf-8", "surrogateescape")
        err = b"".join(d for s, d in result.chunks if s == 2).decode("utf-8", "surrogateescape")
        outcomes.append(Outcome(entry, out, err, result.status))
    return outcomes


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return replay(load())


def test_corpus_is_exact_or_loud(outcomes: list[Outcome]) -> None:
    wrong = [o for o in outcomes if not o.equal and not o.loud]
    assert not wrong, "\n".join(
        f"{o.entry.cmd!r} ({o.entry.setup})\n  want {o.entry.stdout!r} {o.entry.stderr!r} "
        f"{o.entry.status}\n  got  {o.stdout!r} {o.stderr!r} {o.status}"
        for o in wrong
    )


def test_corpus_matches_the_cases() -> None:
    """The corpus was recorded from the cases as they are (tools/record-virsh)."""
    entries = load()
    assert [(e.cmd, e.setup) for e in entries] == [(c.cmd, c.setup) for c in all_cases()]
    assert all(e.reason for e in entries if e.compare != "exact")


@pytest.mark.parametrize(("profile", "version"), [("ol9", "9.0.0"), ("ol8", "8.0.0")])
def test_version_is_the_hosts_libvirt(profile: str, version: str) -> None:
    """virsh.c virshParseArgv ``-v``: puts(VERSION), the libvirt the host has installed."""
    result = simulator.Host(profile=profile).run("virsh -v")
    assert (result.output, result.status) == (f"{version}\n", 0)


def test_a_parse_error_anywhere_in_a_command_string_runs_nothing() -> None:
    """vsh.c: the whole string is parsed before its first command runs."""
    host = _host("several")
    result = host.run("virsh 'destroy web-server-01; list --frob'")
    assert (result.output, result.status) == (
        "error: command 'list' doesn't support option --frob\n",
        1,
    )
    assert host.run("virsh domstate web-server-01").output == "running\n\n"


def test_an_option_virsh_has_but_the_lab_does_not_honour_changes_nothing() -> None:
    host = _host("several")
    result = host.run("virsh 'destroy web-server-01; start vm1 --paused'")
    assert result.status == 3
    assert "seclab: not modelled: virsh start --paused" in result.output
    assert host.run("virsh domstate web-server-01").output == "running\n\n"


def test_every_modelled_option_is_one_of_virshs() -> None:
    """The lab honours only options virsh has (a typo in MODELLED would hide a real one)."""
    from simulator.shell.commands import virsh_migrate  # noqa: F401 - adds migrate's
    from simulator.shell.commands.virsh import HANDLERS, MODELLED
    from simulator.shell.commands.virsh_options import ALL_COMMANDS, COMMANDS

    assert set(MODELLED) == set(COMMANDS) == set(HANDLERS)
    assert set(COMMANDS) <= ALL_COMMANDS
    for name, options in MODELLED.items():
        assert options <= {o.name for o in COMMANDS[name].opts}, name


def test_uri_is_the_labs_connection() -> None:
    """virsh-host.c cmdURI; the corpus recorded test:///default, the lab has qemu:///system."""
    result = simulator.Host().run("virsh uri; virsh -q uri")
    assert (result.output, result.status) == ("qemu:///system\n\nqemu:///system\n", 0)
