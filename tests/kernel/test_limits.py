"""Linux's limits hold in the lab (issue 19, items 11 and 13)."""

from __future__ import annotations

import pytest

import simulator
from simulator.errors import InvalidArgument
from simulator.kernel.base import NAME_MAX, PATH_MAX


@pytest.fixture
def host() -> simulator.Host:
    return simulator.Host()


@pytest.mark.parametrize(
    ("line", "output"),
    [
        (f"touch /tmp/{'a' * (NAME_MAX + 1)}", "File name too long"),
        ("ls /" + "x/" * (PATH_MAX // 2), "File name too long"),
        ("ln -s l1 /tmp/l2; ln -s l2 /tmp/l1; cat /tmp/l1", "Too many levels of symbolic links"),
        (
            "mknod /tmp/d b 99999999999 1",
            "mknod: invalid major device number \u201899999999999\u2019\n",
        ),
        (
            "mknod /tmp/d c 1 99999999999",
            "mknod: invalid minor device number \u201899999999999\u2019\n",
        ),
        ("mknod /tmp/d b 08 1", "mknod: invalid major device number \u201808\u2019\n"),
        ("mknod /tmp/d b 4096 1", "mknod: /tmp/d: Invalid argument\n"),
        ("mknod /tmp/d c 1 1048576", "mknod: /tmp/d: Invalid argument\n"),
        ("mknod -m -p /tmp/a p", "mknod: invalid mode\n"),
        ("mknod -m 4755 /tmp/a p", "mknod: mode must specify only file permission bits\n"),
        ("chown 4294967295 /tmp", "chown: invalid user: \u20184294967295\u2019\n"),
        ("chown 0:4294967296 /tmp", "chown: invalid group: \u20180:4294967296\u2019\n"),
        ("chown +\u00b2:+0 /tmp", "chown: invalid user: \u2018+\u00b2:+0\u2019\n"),
    ],
)
def test_limits_give_the_real_errors(host: simulator.Host, line: str, output: str) -> None:
    result = host.run(line)
    assert result.status in (1, 2), result.output  # ls: 2, serious trouble
    assert output in result.output
    assert "internal error" not in result.output


def test_the_longest_name_and_numbers_in_range_work(host: simulator.Host) -> None:
    assert host.run(f"touch /tmp/{'a' * NAME_MAX}").status == 0
    result = host.run("mknod /tmp/d c 0x10 010; ls -l /tmp/d")
    assert " 16, 8 " in result.output, result.output
    assert host.run("mknod /tmp/e b 4095 1048575").status == 0
    result = host.run("touch /tmp/f; chown +107:4294967294 /tmp/f; ls -n /tmp/f")
    assert " 107 4294967294 " in result.output, result.output


def test_uid_minus_one_leaves_the_owner_as_it_is(host: simulator.Host) -> None:
    host.write_file(host.shell, "/tmp/f", b"")
    host.chown(host.shell, "/tmp/f", 4294967295, 107)
    st = host.stat(host.shell, "/tmp/f")
    assert (st.st_uid, st.st_gid) == (0, 107)


@pytest.mark.parametrize("path", ["/tmp/a\x00b", "/tmp/a\udcffb", "/tmp/\ud800"])
def test_nul_and_lone_surrogates_are_refused_by_the_python_api(
    host: simulator.Host, path: str
) -> None:
    before = host.snapshot()
    with pytest.raises(InvalidArgument):
        host.write_file(host.shell, path, b"")
    with pytest.raises(InvalidArgument):
        host.run(f"echo {path}" if "\x00" not in path else "echo \ud800")
    assert host.snapshot() == before
