"""procps 3.3.17 time formats (ps/output.c pr_time, pr_etime, pr_stime, pr_bsdtime) beyond
what one lab session reaches: days of CPU time, other days and years of start times."""

from __future__ import annotations

import pytest

from simulator.kernel.process import Process
from simulator.shell.commands.procps import Row, _bsdtime, _etime, _stime, _time

NOW = 1749031080  # 2025-06-04 09:58:00 UTC


def _row(comm: str, started: int) -> Row:
    proc = Process(
        pid=4810,
        ppid=1,
        comm=comm,
        argv=(comm,),
        exe="/usr/libexec/qemu-kvm",
        uid=107,
        gid=107,
        groups=(),
        context="system_u:system_r:svirt_t:s0:c1,c2",
        ns_id=1,
        start_time=started,
    )
    return Row(proc, "qemu", NOW, NOW - 3600)


@pytest.mark.parametrize(
    ("elapsed", "etime", "cputime", "bsdtime"),
    [
        (0, "00:00", "00:00:00", "  0:00"),
        (59, "00:59", "00:00:59", "  0:59"),
        (3599, "59:59", "00:59:59", " 59:59"),
        (3600, "01:00:00", "01:00:00", " 60:00"),
        (86400 + 3661, "1-01:01:01", "1-01:01:01", "1501:01"),
    ],
)
def test_elapsed_and_cpu_time(elapsed: int, etime: str, cputime: str, bsdtime: str) -> None:
    row = _row("qemu-kvm", NOW - elapsed)
    assert (_etime(row), _time(row), _bsdtime(row)) == (etime, cputime, bsdtime)


def test_idle_process_has_no_cpu_time() -> None:
    assert _time(_row("bash", NOW - 90000)) == "00:00:00"


@pytest.mark.parametrize(
    ("started", "stime"),
    [(NOW - 60, "09:57"), (NOW - 86400, "Jun03"), (NOW - 200 * 86400, "2024")],
)
def test_stime_by_day_and_year(started: int, stime: str) -> None:
    assert _stime(_row("bash", started)) == stime
