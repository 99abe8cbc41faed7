"""A saved state is checked on load, with one clear error (issue 19, item 12)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import simulator
from simulator.errors import SnapshotError


def _state() -> dict[str, Any]:
    host = simulator.Host()
    host.run("virsh list")
    return dict(json.loads(host.snapshot().to_json()))


def _without_shell(state: dict[str, Any]) -> None:
    state["processes"] = [p for p in state["processes"] if p["pid"] != 2000]


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(state: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = state
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[last] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("clock.now", "1749031080"), "clock.now: expected a number, found a string"),
        (_set("clock.now", 2**70), "clock.now: 1180591620717411303424 is out of range"),
        (_without_shell, "processes: no pid 2000 (the login shell)"),
        (_set("mounts", []), "namespaces[0].mount_ids: mount 1 is not in this namespace"),
        (_set("namespaces.0.mount_ids", []), "namespaces[0].mount_ids: 0 root mounts, not one"),
        (_set("processes.0.uid", 4294967296), "processes[0].uid: 4294967296 is out of range"),
        (_set("filesystems.0.inodes.0.mode", "9999"), "is not an octal mode"),
        (_set("filesystems.0.dev", "99999999999:0"), "'99999999999:0' is out of range"),
        (_set("counters", [[[[]]]]), "counters: expected an object, found a list"),
        (_set("audit", {"events": 1}), "the audit or security section is malformed"),
    ],
)
def test_a_broken_state_is_refused_naming_what_is_wrong(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    state = _state()
    change(state)
    with pytest.raises(SnapshotError) as info:
        simulator.Host.from_json(json.dumps(state))
    assert message in str(info.value)
    assert str(info.value).startswith("saved state: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "state is not valid JSON: nested too deeply"),
        ('{"format": ' + "9" * 5000 + "}", "state is not valid JSON: a number is too long"),
        ("{", "state is not valid JSON: Expecting property name enclosed in double quotes"),
    ],
)
def test_unreadable_json_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(SnapshotError) as info:
        simulator.Host.from_json(text)
    assert str(info.value).startswith(message)


def test_a_good_state_still_loads_and_runs() -> None:
    host = simulator.Host.from_json(json.dumps(_state()))
    assert host.run("virsh list --all; ls / >/dev/null").status == 0


@pytest.mark.parametrize("written", ["x", -1, 10**6, True])
def test_auditd_progress_must_be_a_count_within_the_log(written: object) -> None:
    """Found by the campaign: ``audit.written`` (auditd's progress, simulator/system/auditd.py)
    that is not a count crashed the next command's log flush instead of failing the load."""
    import json

    from simulator import Host
    from simulator.errors import SnapshotError

    data = json.loads(Host().snapshot().to_json())
    data["audit"]["written"] = written
    with pytest.raises(SnapshotError, match="the audit or security section is malformed"):
        Host.from_json(json.dumps(data))
