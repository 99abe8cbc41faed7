"""Where the recording machine (Debian 12: coreutils 9.1, grep 3.8, debianutils which) prints
differently from RHEL 9 (coreutils 8.32, grep 3.6, GNU which 2.21), the RHEL 9 text, with the
reason. tools/record-differential stores these in the corpus beside what it recorded."""

from __future__ import annotations

OVERRIDES: dict[str, dict[str, object]] = {
    "which nosuchcmd": {
        "stdout": "",
        "stderr": "/usr/bin/which: no nosuchcmd in "
        "(/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/root/bin)\n",
        "status": 1,
        "reason": "RHEL 9 has GNU which 2.21 (prints the PATH it searched: root's login PATH "
        "on RHEL 9); Debian's which is a shell script that prints nothing",
    },
    "cat -E crlf": {
        "stdout": "one\r$\ntwo\r$\nthree\r$\n",
        "stderr": "",
        "status": 0,
        "reason": "coreutils 9.x shows a \\r before a \\n as ^M with -E; cat 8.32 passes it "
        "through (cat.c 8.32 has no such case)",
    },
    "uname -a": {
        "stdout": "Linux ol9-host 5.15.0-300.el9uek.x86_64 #2 SMP x86_64 x86_64 x86_64 GNU/Linux\n",
        "stderr": "",
        "status": 0,
        "reason": "the lab's host profile (ol9-host, UEK 5.15.0-300) is not the recording "
        "machine; RHEL's uname also prints the processor and hardware platform",
    },
}
