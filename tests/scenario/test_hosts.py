"""Scenarios with several hosts (scenario.toml ``hosts``): building, files, ssh, seeds."""

from __future__ import annotations

import pytest

from simulator.network import Network, host_seed
from simulator.scenario.config import ScenarioError
from simulator.scenario.runner import build_host, load, run

SKELETON = """\
-- scenario.toml --
{toml}
-- transcript --
{transcript}
"""


def _scenario(toml: str, transcript: str = "  $ true", extra: str = "") -> str:
    return SKELETON.format(toml=toml, transcript=transcript) + extra


def test_files_go_to_the_host_their_prefix_names() -> None:
    text = _scenario('hosts = ["a", "b"]') + "-- b:/etc/x --\nB\n-- /etc/y --\nA\n"
    first = build_host(load("s.txtar", text))
    assert first.network is not None
    second = first.network.hosts["b"]
    assert second.read_file(second.shell, "/etc/x") == b"B\n"
    assert first.read_file(first.shell, "/etc/y") == b"A\n"
    with pytest.raises(OSError):
        first.read_file(first.shell, "/etc/x")


def test_a_prefix_naming_no_host_is_an_error() -> None:
    text = _scenario('hosts = ["a", "b"]') + "-- c:/etc/x --\n"
    with pytest.raises(ScenarioError, match="no host 'c'"):
        build_host(load("s.txtar", text))


@pytest.mark.parametrize(
    "hosts", ['["a"]', '["a", "a"]', '["A_b", "c"]', '["-a", "b"]', "[1, 2]", "[]"]
)
def test_bad_host_lists_are_errors(hosts: str) -> None:
    with pytest.raises(ScenarioError, match="hosts"):
        load("s.txtar", _scenario(f"hosts = {hosts}"))


def test_several_hosts_cannot_start_from_another_scenario() -> None:
    text = _scenario('hosts = ["a", "b"]\nfrom = "x.txtar"')
    with pytest.raises(ScenarioError, match="not modelled"):
        load("s.txtar", text)


def test_each_host_draws_from_its_own_seed() -> None:
    assert host_seed(0, "kvm1") != host_seed(0, "kvm2")
    assert host_seed(0, "kvm1") == host_seed(0, "kvm1")
    network = Network(("kvm1", "kvm2"), seed=7)
    draws = [h.kernel.random.random() for h in network.hosts.values()]
    assert draws[0] != draws[1]


def test_one_clock_for_every_host() -> None:
    text = _scenario('hosts = ["a", "b"]', "  $ ssh b true; ssh b true")
    result = run(load("s.txtar", text))
    assert result.host is not None and result.host.network is not None
    clocks = {h.kernel.clock.now for h in result.host.network.hosts.values()}
    assert len(clocks) == 1


def test_a_single_host_keeps_its_name() -> None:
    result = run(load("s.txtar", _scenario("", "  $ hostname\n  ol9-host")))
    assert result.passed


# -- NFS between hosts --------------------------------------------------------------------------


def test_exports_parse_into_one_entry_per_client() -> None:
    from simulator.nfs import parse_exports

    table = parse_exports(
        "# vms\n/srv/vms/ kvm1(rw,sync,no_subtree_check) kvm2(rw,async,"
        "subtree_check,no_root_squash)\n"
    )
    assert [(e.path, e.client, e.sync, e.root_squash) for e in table] == [
        ("/srv/vms", "kvm1", True, True),
        ("/srv/vms", "kvm2", False, False),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "/srv kvm1(ro,sync,no_subtree_check)",
        "/srv kvm1(rw,no_subtree_check)",
        "/srv kvm1(rw,sync,no_subtree_check,all_squash)",
        "/srv 10.0.0.0/8(rw,sync,no_subtree_check)",
        "/srv kvm1",
    ],
)
def test_what_the_lab_cannot_export_is_refused(line: str) -> None:
    from simulator.errors import NotModelled
    from simulator.nfs import parse_exports

    with pytest.raises(NotModelled):
        parse_exports(line)


def test_exportfs_v_breaks_a_long_path_onto_its_own_line() -> None:
    from simulator.nfs import Export

    assert Export("/a", "*", rw=True).verbose_line().startswith("/a            \t<world>(sync,")
    assert (
        Export("/srv/images/nfs", "kvm1", rw=True)
        .verbose_line()
        .startswith("/srv/images/nfs\n\t\tkvm1(sync,")
    )


NFS = """\
-- scenario.toml --
hosts = ["a", "b", "s"]
-- s:/etc/exports --
/srv a(rw,sync,no_subtree_check,no_root_squash) b(rw,sync,no_subtree_check)
-- transcript --
  $ ssh s systemctl start nfs-server
  $ mount -t nfs s:/srv /mnt
  $ ssh b mount -t nfs s:/srv /mnt
"""


def test_clients_share_the_servers_inodes_with_their_own_squash() -> None:
    result = run(load("s.txtar", NFS))
    assert result.passed, result.diff
    a = result.host
    assert a is not None and a.network is not None
    b, s = a.network.hosts["b"], a.network.hosts["s"]
    a.write_file(a.shell, "/mnt/disk", b"x")
    a.chown(a.shell, "/mnt/disk", 107, 107)  # no_root_squash for a
    assert s.stat(s.shell, "/srv/disk").st_uid == 107
    assert b.stat(b.shell, "/mnt/disk").st_ino == s.stat(s.shell, "/srv/disk").st_ino
    with pytest.raises(PermissionError):
        b.chown(b.shell, "/mnt/disk", 0, 0)  # root_squash for b
