"""The virtual clock never overflows; sleep follows coreutils (issue 19, item 9)."""

from __future__ import annotations

import json

import pytest

import simulator
from simulator.kernel.clock import CLOCK_MAX
from simulator.shell.commands.sleep_tool import interval_seconds

NOT_MODELLED_PAST_9999 = "seclab: not modelled: a clock past 9999-12-31 23:59:59 UTC\n"


TRY = "Try 'sleep --help' for more information.\n"


@pytest.mark.parametrize(
    ("line", "output", "status"),
    [
        ("sleep 99999999999999999999", NOT_MODELLED_PAST_9999, 3),
        ("sleep inf", "seclab: not modelled: sleeping for ever\n", 3),
        ("sleep 1e400", "seclab: not modelled: sleeping for ever\n", 3),
        ("sleep infinity 1", "seclab: not modelled: sleeping for ever\n", 3),
        # coreutils sleep.c: quote() (curly in en_US.UTF-8), then usage()'s hint
        ("sleep nan", "sleep: invalid time interval \u2018nan\u2019\n" + TRY, 1),
        ("sleep 1x", "sleep: invalid time interval \u20181x\u2019\n" + TRY, 1),
    ],
)
def test_sleep_refuses_what_it_cannot_model_and_changes_nothing(
    line: str, output: str, status: int
) -> None:
    host = simulator.Host()
    before = host.clock.now
    result = host.run(line)
    assert (result.output, result.status) == (output, status)
    assert host.clock.now == before + 1  # the line's own tick only
    assert host.run("date").output == "Wed Jun  4 09:58:01 UTC 2025\n"


@pytest.mark.parametrize(
    ("operand", "seconds"),
    [("1", 1), ("1.5s", 1.5), ("2m", 120), ("1h", 3600), ("1d", 86400), ("0x10", 16), ("+3", 3)],
)
def test_sleep_operands_as_coreutils_reads_them(operand: str, seconds: float) -> None:
    assert interval_seconds(operand) == seconds


def test_the_clock_runs_to_the_end_of_9999_and_everything_still_prints() -> None:
    host = simulator.Host()
    result = host.run(f"sleep {CLOCK_MAX - host.clock.now}; date; touch /tmp/f; stat /tmp/f")
    assert result.output.startswith("Fri Dec 31 23:59:59 UTC 9999\n"), result.output
    assert "Modify: 9999-12-31 23:59:59.000000000 +0000\n" in result.output
    assert host.run("sleep 1").output == NOT_MODELLED_PAST_9999
    processes = sorted(host.processes)
    assert host.run("reboot").output == NOT_MODELLED_PAST_9999
    assert sorted(host.processes) == processes
    assert "clock 9999-12-31T23:59:59Z" in host.run("lab state").output
    assert json.loads(host.run("lab state --json").output)["clock"]["now"] == CLOCK_MAX


@pytest.mark.parametrize("clock", [CLOCK_MAX + 1, -1, "1749031080", 1.5])
def test_a_host_clock_out_of_range_is_refused(clock: object) -> None:
    from simulator.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match=r"is not in 0\.\.253402300799"):
        simulator.Host(clock=clock)  # type: ignore[arg-type]
