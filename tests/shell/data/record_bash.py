"""Records what bash prints for each case of bash_cases.txt (cases separated by ``%%``
lines) into bash_recorded.json. Run by hand on a host with bash; the tests only read
the JSON (tests/shell/test_bash_recorded.py):

    python3 tests/shell/data/record_bash.py

Each case runs in an interactive shell named ``-bash`` (argv[0] of a login shell, so its
errors start ``-bash:``) reading the case from a non-terminal stdin, in /root, HOME=/root,
in the en_US.UTF-8 locale (generate it with localedef -i en_US -f UTF-8 en_US.UTF-8).
Its prompts, the two job-control warnings such a shell prints first and the ``logout`` it
prints at the end of its input are dropped.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).parent
NOISE = ("-bash: cannot set terminal process group", "-bash: no job control in this shell")
ENV = {"HOME": "/root", "PATH": "/usr/sbin:/usr/bin", "LC_ALL": "en_US.UTF-8"}


PROMPTS = re.compile(r"^(?:-bash-\d+\.\d+# |> )+", re.MULTILINE)  # PS1 and PS2 of bash --norc


def record(case: str) -> dict[str, object]:
    done = subprocess.run(
        ["bash", "-c", "cd /root && exec -a -bash bash --norc --noprofile --noediting -i"],
        input=case.encode(),
        capture_output=True,
        env=ENV,
        check=False,
    )
    err = PROMPTS.sub("", done.stderr.decode(errors="replace")).splitlines(keepends=True)
    err = [line for line in err if not line.startswith(NOISE)]
    if err and err[-1] == "logout\n":
        err.pop()
    return {
        "case": case,
        "stdout": done.stdout.decode(errors="replace"),
        "stderr": "".join(err),
        "status": done.returncode,
    }


def main() -> None:
    text = (HERE / "bash_cases.txt").read_text(encoding="utf-8")
    cases = [c.strip("\n") + "\n" for c in ("\n" + text).split("\n%%\n") if c.strip()]
    version = subprocess.run(["bash", "--version"], capture_output=True, check=True)
    results = {
        "bash": version.stdout.decode().splitlines()[0],
        "cases": [record(case) for case in cases],
    }
    (HERE / "bash_recorded.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
