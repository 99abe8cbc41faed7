"""``lab trace`` keeps libvirt's last changes, as a rotated log does: memory stays bounded
however many domains start and stop, and positions (``--since N``) keep their meaning."""

from __future__ import annotations

import pytest

from simulator.libvirt.host_access import TraceEvent, TraceLog


def _event(n: int) -> TraceEvent:
    return TraceEvent(n, "virSecuritySELinuxSetFilecon", f"/img{n}", "label")


def test_the_oldest_changes_rotate_out_and_positions_still_count_from_the_first() -> None:
    trace = TraceLog(kept=3)
    for n in range(5):
        trace.append(_event(n))
    assert len(trace) == 5
    assert [e.time for e in trace] == [2, 3, 4]
    assert [e.time for e in trace[0:]] == [2, 3, 4]
    assert [e.time for e in trace[4:]] == [4]
    assert trace[5:] == []
    trace.clear()
    assert len(trace) == 5 and list(trace) == []
    trace.append(_event(5))
    assert [e.time for e in trace[5:]] == [5]


def test_only_open_ended_slices() -> None:
    with pytest.raises(TypeError):
        TraceLog()[0:2]


def test_a_change_recorded_by_its_fields_reads_back_as_its_event() -> None:
    by_event, by_fields = TraceLog(), TraceLog()
    by_event.append(_event(7))
    by_fields.add(7, "virSecuritySELinuxSetFilecon", "/img7", "label")
    assert list(by_event) == list(by_fields) == [_event(7)]
    assert by_fields[0:] == [_event(7)] and by_fields[0:][0].line() == _event(7).line()
