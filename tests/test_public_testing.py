"""simulator.testing: the strategies build values the model accepts."""

from __future__ import annotations

from hypothesis import given, settings

import simulator
from simulator.selinux.context import Level, MlsRange, SecurityContext
from simulator.testing import strategies


@given(strategies.levels())
def test_levels_round_trip(level: Level) -> None:
    assert Level.parse(str(level)) == level


@given(strategies.mcs_pairs())
def test_mcs_pairs_have_two_categories(level: Level) -> None:
    assert len(level.categories) == 2


@given(strategies.ranges())
def test_ranges_are_valid(mls: MlsRange) -> None:
    assert mls.high.dominates(mls.low)
    assert MlsRange.parse(str(mls)) == mls


@given(strategies.contexts())
def test_contexts_round_trip(context: SecurityContext) -> None:
    assert SecurityContext.parse(str(context)) == context


@settings(max_examples=25, deadline=None)
@given(strategies.domain_xml(name="vm"))
def test_domain_xml_defines_and_starts(xml: str) -> None:
    host = simulator.Host()
    daemon = host.libvirt
    domain = daemon.define(xml)
    for disk in domain.definition.disks:
        host.write_file(host.shell, disk.src.path or "", b"")
    daemon.start(domain)
    assert domain.active
    daemon.destroy("vm")
