"""The userland's promises beyond the differential corpus: recursive tools never follow links
inside a tree (issue 19 item 7), tree walks of any depth (item 11), the option front end."""

from __future__ import annotations

import inspect
import sys
import time

import pytest

import simulator


@pytest.fixture
def host() -> simulator.Host:
    return simulator.Host()


def test_chcon_recursive_does_not_relabel_root_through_proc(host: simulator.Host) -> None:
    before = host.run("ls -Zd /").output
    host.run("chcon -R -t etc_t /proc/1")
    assert host.run("ls -Zd /").output == before


@pytest.mark.parametrize(
    ("command", "check"),
    [
        ("chcon -R -t user_home_t /srv/t", "ls -Z /etc/passwd"),
        ("restorecon -RF /srv/t", "ls -Z /etc/passwd"),
        ("chown -R qemu /srv/t", "stat -c %U /etc/passwd"),
        ("chmod -R 600 /srv/t", "stat -c %a /etc/passwd"),
        ("rm -r /srv/t", "ls /etc/passwd"),
        ("cp -r /srv/t /srv/u", "stat -c %F /srv/u/link"),
        ("grep -r root /srv/t", "ls /etc/passwd"),
    ],
)
def test_recursive_tools_do_not_follow_links_in_the_tree(
    host: simulator.Host, command: str, check: str
) -> None:
    host.run("mkdir -p /srv/t/sub && ln -s /etc/passwd /srv/t/link && ln -s /etc /srv/t/sub/etc")
    before = host.run(check).output
    result = host.run(command)
    assert "passwd" not in result.output
    if command.startswith("cp"):
        assert host.run(check).output == "symbolic link\n"
    else:
        assert host.run(check).output == before


def test_tree_walks_are_iterative(host: simulator.Host) -> None:
    """A tree deeper than the Python stack allows is walked (mkdir -p, chcon -R, rm -rf)."""
    host.run("mkdir -p /d/" + "/".join(["a"] * 120))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 90)
    try:
        for line in ("chcon -R -t etc_t /d", "restorecon -R /d", "chmod -R 700 /d", "rm -rf /d"):
            result = host.run(line)
            assert "internal error" not in result.output, line
    finally:
        sys.setrecursionlimit(limit)
    assert host.run("ls /d").status == 2


def test_cut_huge_open_range_allocates_nothing(host: simulator.Host) -> None:
    host.run("echo 'a\tb' > /tmp/f")
    start = time.perf_counter()
    assert host.run("cut -f1-1000000000 /tmp/f").output == "a\tb\n"
    assert time.perf_counter() - start < 5


def test_getfattr_warns_once_per_run(host: simulator.Host) -> None:
    host.run("setfattr -n user.x -v 1 /tmp")
    for _ in range(2):
        assert host.run("getfattr -d /tmp /tmp").stderr == (
            "getfattr: Removing leading '/' from absolute path names\n"
        )


@pytest.mark.parametrize(
    ("line", "stderr", "status"),
    [
        ("ls -k /tmp", "", 0),
        (
            "ls --frob",
            "ls: unrecognized option '--frob'\nTry 'ls --help' for more information.\n",
            2,
        ),
        ("ls --color", "seclab: not modelled: ls --color\n", 3),
        ("ls -x", "seclab: not modelled: ls -x\n", 3),
        ("cat -k", "cat: invalid option -- 'k'\nTry 'cat --help' for more information.\n", 1),
        ("head -n abc /etc/passwd", "head: invalid number of lines: \u2018abc\u2019\n", 1),
        ("tr a ''", "tr: when not truncating set1, string2 must be non-empty\n", 1),
        (
            "chmod 12345 /tmp",
            "chmod: invalid mode: \u201812345\u2019\nTry 'chmod --help' for more information.\n",
            1,
        ),
        (
            "cut -f1-2-3 /etc/passwd",
            "cut: invalid field range\nTry 'cut --help' for more information.\n",
            1,
        ),
        ("grep -A x pat /etc/passwd", "grep: x: invalid context length argument\n", 2),
        (
            "rm -rf /",
            "rm: it is dangerous to operate recursively on '/'\n"
            "rm: use --no-preserve-root to override this failsafe\n",
            1,
        ),
    ],
)
def test_usage_errors_and_refusals(
    host: simulator.Host, line: str, stderr: str, status: int
) -> None:
    result = host.run(line)
    assert (result.stderr, result.status) == (stderr, status)


def test_mkdir_mode_ignores_umask(host: simulator.Host) -> None:
    assert host.run("mkdir -m u=rwx /tmp/m && stat -c %a /tmp/m").output == "777\n"
    assert host.run("mkdir -m 1777 /tmp/s && stat -c %a /tmp/s").output == "1777\n"


def test_cp_labels(host: simulator.Host) -> None:
    host.run("touch /root/f && chcon -t etc_t /root/f")
    host.run("cp /root/f /tmp/plain && cp -a /root/f /tmp/kept")
    assert "user_tmp_t" in host.run("ls -Z /tmp/plain").output
    assert "etc_t" in host.run("ls -Z /tmp/kept").output
