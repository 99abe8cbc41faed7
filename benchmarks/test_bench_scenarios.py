"""Scenario engine benchmarks: a 50-command scenario, and a suite of 200 scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simulator.scenario.runner import load, run
from simulator.scenario.suite import discover, run_all

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [
    "touch /var/lib/libvirt/images/a{n}.qcow2",
    "ls -lZ /var/lib/libvirt/images/a{n}.qcow2",
    "setfattr -n trusted.libvirt.security.dac -v +0:+0 /var/lib/libvirt/images/a{n}.qcow2",
    "getfattr -d -m - --absolute-names /var/lib/libvirt/images/a{n}.qcow2",
    "stat -c '%i %U %C' /var/lib/libvirt/images/a{n}.qcow2 | wc -l",
]


def _fifty(tmp_path: Path) -> str:
    lines = [COMMANDS[i % len(COMMANDS)].format(n=i // len(COMMANDS)) for i in range(50)]
    path = tmp_path / "fifty.txtar"
    path.write_text("fifty commands\n-- transcript --\n" + "".join(f"  $ {c}\n" for c in lines))
    return str(path)


def test_a_50_command_scenario(benchmark: Any, tmp_path: Path) -> None:
    scenario = load(_fifty(tmp_path))
    benchmark(run, scenario)


def test_a_suite_of_200_scenarios(benchmark: Any) -> None:
    library = discover([str(ROOT / "scenarios")])
    paths = (library * (200 // len(library) + 1))[:200]
    benchmark.pedantic(run_all, args=(paths,), rounds=1, iterations=1)


def test_the_diff_of_a_failing_8000_line_transcript(benchmark: Any, tmp_path: Path) -> None:
    """Every expected line wrong: the diff is linear in the file (difflib took 22 s)."""
    path = tmp_path / "long.txtar"
    path.write_text(
        "long output\n-- transcript --\n  $ cat f\n"
        + "".join(f"  line {i * 7 % 8000}\n" for i in range(8000))
        + "-- f --\n"
        + "".join(f"line {i}\n" for i in range(8000))
    )
    result = run(load(str(path)))
    assert result.verdict == "FAIL"
    benchmark(lambda: result.diff)
