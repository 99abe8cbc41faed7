"""No command line, however odd, gets a Python error to the user (non-negotiable 4)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulator
import simulator.shell.commands
from simulator.shell.registry import COMMANDS

WORDS = [
    "-l",
    "-Z",
    "-d",
    "-a",
    "-R",
    "-n",
    "-t",
    "-v",
    "-F",
    "-m",
    "-",
    "--",
    "x",
    "/",
    "/dev/sda",
    "/root",
    "/tmp",
    "/var/lib/libvirt/images",
    "vm",
    "1",
    "0",
    "on",
    "-9",
    "--all",
    "-e",
    "hex",
    "a=b",
    "s0:c1",
    "c5.c2",
    "s0:c1024",
    "/proc/2000/root",
    "2000",
    "1",
    "62",
    "812",
    "1043",
    "start",
    "list",
    "fault",
    "add",
    "step",
    "state",
    "explain",
    "trace",
    "-c",
    "%n",
    "--json",
    "--since",
    "-p",
    "-s",
    "-o",
    "-f",
    "-k",
    "-u",
]


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(sorted(COMMANDS)), st.lists(st.sampled_from(WORDS), max_size=5))
def test_no_command_line_raises_an_internal_error(name: str, args: list[str]) -> None:
    host = simulator.Host()
    result = host.run(" ".join([name, *args]))
    assert result.status != 70, result.output
    assert "internal error" not in result.output
    assert "Traceback" not in result.output
