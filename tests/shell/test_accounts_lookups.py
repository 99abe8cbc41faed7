"""User and group names come from the host's ``/etc/passwd`` and ``/etc/group`` as they are
now: the parse of an unchanged file is reused, a changed one is never answered from an older
parse, and every lookup still reads the file through the kernel (faults and permissions
apply, as glibc's files backend opens the file on every call). ``ls`` asks for a label only
when it prints one (coreutils: ls.c gobble_file)."""

from __future__ import annotations

import simulator
from simulator.system import accounts


def _run(host: simulator.Host, line: str) -> str:
    result = host.run(line)
    assert result.status == 0, (line, result.output)
    return result.output


def _owner(host: simulator.Host) -> str:
    return _run(host, "ls -l /root/f").split()[2]


def test_ls_l_names_the_owner_from_the_file_as_it_is_now() -> None:
    host = simulator.Host()
    _run(host, "touch /root/f; chown 1234:1234 /root/f")
    assert _owner(host) == "1234"
    _run(host, "echo 'bob:x:1234:1234::/home/bob:/bin/bash' >> /etc/passwd")
    assert _owner(host) == "bob"
    # the same size, the same second (one command line): only the text tells them apart
    out = _run(host, "sed -i 's/^bob:/rob:/' /etc/passwd; ls -l /root/f; ls -l /root/f")
    assert [line.split()[2] for line in out.splitlines()] == ["rob", "rob"]
    out = _run(host, "ls -l /root/f; sed -i 's/^rob:/bob:/' /etc/passwd; ls -l /root/f")
    assert [line.split()[2] for line in out.splitlines()] == ["rob", "bob"]
    _run(host, "cp /etc/passwd /root/saved; echo 'zed:x:1234:1234::/z:/bin/sh' > /etc/passwd")
    assert _owner(host) == "zed"
    _run(host, "mv /root/saved /etc/passwd")  # renamed over it
    assert _owner(host) == "bob"
    _run(host, "rm /etc/passwd")
    assert _owner(host) == "1234"


def test_group_names_follow_etc_group() -> None:
    host = simulator.Host()
    _run(host, "touch /root/f; chown 0:4321 /root/f")
    assert _run(host, "ls -l /root/f").split()[3] == "4321"
    _run(host, "echo 'lab:x:4321:' >> /etc/group")
    assert _run(host, "ls -l /root/f").split()[3] == "lab"
    _run(host, "sed -i 's/^lab:/bal:/' /etc/group")
    assert _run(host, "ls -l /root/f").split()[3] == "bal"


def test_every_lookup_still_reads_the_file() -> None:
    host = simulator.Host()
    _run(host, "touch /root/f; ls -l /root/f")
    _run(host, "lab fault add open /etc/passwd EACCES")
    assert _owner(host) == "0"  # the parse of an unchanged file is kept, the read is not
    assert _owner(host) == "root"


def test_the_first_line_of_a_name_or_an_id_wins() -> None:
    host = simulator.Host()
    _run(host, "echo 'bob:x:1234:1234::/home/bob:/bin/bash' >> /etc/passwd")
    _run(host, "echo 'dup:x:1234:99::/home/dup:/bin/sh' >> /etc/passwd")
    _run(host, "echo 'bob:x:1235:1235::/home/bob2:/bin/sh' >> /etc/passwd")
    assert _run(host, "echo ~bob ~dup ~nobody-here") == "/home/bob /home/dup ~nobody-here\n"
    # coreutils: id.c, parse_user_spec (getpwnam) then getpwuid: the first line with the uid
    assert _run(host, "id dup") == "uid=1234(bob) gid=1234(1234) groups=1234(1234)\n"


def test_the_parser_keeps_a_few_texts_only() -> None:
    for n in range(3 * accounts.CACHED_TEXTS):
        assert accounts.id_of(f"u{n}:x:{n}:{n}::/:/bin/sh\n", f"u{n}") == n
    assert len(accounts._PARSED) <= accounts.CACHED_TEXTS


def test_ls_asks_for_a_label_only_when_it_prints_one() -> None:
    host = simulator.Host()
    _run(host, "touch /root/f; lab fault add getxattr /root/f EIO")
    listed = "/root/f\n"
    for line in ("ls /root/f", "ls -i /root/f", "ls -s /root/f", "ls -F /root/f", "ls -d /root"):
        _run(host, line)
    assert _run(host, "lab fault list") == "getxattr /root/f EIO (remaining 1)\n"
    asked = _run(host, "ls -l /root/f")  # asked: the error, and no '.'
    assert asked.startswith("ls: /root/f: Input/output error\n-rw-r--r-- 1 root")
    assert _run(host, "lab fault list") == ""
    _run(host, "lab fault add getxattr /root/f EIO")
    assert _run(host, "ls -Z /root/f") == "ls: /root/f: Input/output error\n? " + listed
    assert _run(host, "ls -Z /root/f") == "unconfined_u:object_r:admin_home_t:s0 " + listed


def test_ls_reports_a_label_it_cannot_read_and_lists_the_file() -> None:
    """ls.c gobble_file: ENOTSUP/ENODATA is '?' quietly, any other error is reported with
    the name ls.c attach gives the file, and ls still lists it with status 0."""
    host = simulator.Host()
    _run(host, "mkdir /root/d; touch /root/d/f; cd /root")
    _run(host, "lab fault add getxattr /root/d/f EIO")
    result = host.run("ls -l d")
    assert result.output.startswith("ls: d/f: Input/output error\ntotal 0\n-rw-r--r-- 1 root")
    assert result.status == 0
    _run(host, "lab fault add getxattr /root/d/f EACCES; cd /root/d")
    assert host.run("ls -Z .").output == "ls: f: Permission denied\n? f\n"
    _run(host, "lab fault add getxattr /root/d/f ENODATA")
    assert host.run("ls -Z /root/d/f").output == "? /root/d/f\n"
