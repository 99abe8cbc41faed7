#!/usr/bin/env python3
"""A reproducible mutation run over the model's lower layers (issue 16, item 5), with mutmut.

mutmut (3.x) rewrites each function of ``simulator/kernel/`` and ``simulator/libvirt/`` into
its mutants behind a trampoline, records which tests reach which function (one traced run of
the test selection), then, per mutant, forks and runs only the tests that reach its function
(``-x -q -p no:randomly``) under a CPU-time limit. This script

1. copies the worktree's ``simulator/``, ``tests/``, ``scenarios/`` and the pytest settings into
   a scratch directory (``--workdir``, default ``build/mutation``), so the worktree never sees
   mutmut's ``mutants/`` tree, and writes mutmut's ``setup.cfg`` there;
2. lists every mutant mutmut makes of the chosen modules and takes a deterministic sample:
   per file, the first ``ceil(n * fraction)`` mutants of a shuffle by
   ``random.Random(f"{seed}:{file}")`` (the same seed, sources and mutmut version give the
   same sample, under any PYTHONHASHSEED, and a larger fraction extends a smaller one's);
3. runs mutmut on the sample, hypothesis under the derandomized ``ci`` profile;
4. writes a Markdown report: per module, mutants (sampled of total), killed, survived, timeout,
   other; then every mutant that was not killed with its file:line and change. Notes on
   survivors (test added / equivalent / left, and why) come from ``--notes`` (a TOML table
   ``mutant-id = "note"``) and are printed beside each survivor.

Usage (from the repository root; ``tox -e mutation`` runs the default):
    python tools/mutation.py [--fraction 0.015] [--seed 16] [--max-children 2]
                             [--report docs/mutation-report.md] [--notes tools/mutation-notes.toml]
                             [--only NAME ...] [--list]
``--list`` prints the sample without running it; ``--only`` runs the named mutants (e.g. the
survivors of a report, to check that new tests kill them) instead of a sample.
"""

from __future__ import annotations

import argparse
import difflib
import math
import os
import random
import shutil
import subprocess  # noqa: TID251 - reads the commit id from git; the lab never spawns
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_MODULES = ("simulator/kernel", "simulator/libvirt")
# The unit, property and state-machine tests of the two layers and of boot: the targeted
# selection. Scenario files and the shell's tests also reach this code, but through the whole
# stack and at many times the cost; a survivor here is a mutant these tests do not see.
DEFAULT_TESTS = ("tests/kernel", "tests/libvirt", "tests/system")
COPIED = ("simulator", "tests", "scenarios", "conftest.py", "pyproject.toml")
KILLED, SURVIVED, TIMEOUT, NO_TEST = "killed", "survived", "timeout", "no tests"
COUNTED = (KILLED, SURVIVED, TIMEOUT, NO_TEST)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", nargs="+", default=list(DEFAULT_MODULES))
    parser.add_argument("--tests", nargs="+", default=list(DEFAULT_TESTS))
    parser.add_argument("--fraction", type=float, default=0.015)
    parser.add_argument("--seed", default="16")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "mutation")
    parser.add_argument("--report", type=Path, default=None)
    parser.add_argument("--notes", type=Path, default=ROOT / "tools" / "mutation-notes.toml")
    parser.add_argument("--only", nargs="+", default=None, metavar="MUTANT")
    parser.add_argument("--list", action="store_true", help="print the sample, run nothing")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="write the report from the results already in --workdir, run nothing",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep an existing --workdir: mutmut's test map and the results of mutants "
        "already run there are kept (for the same sources); only the rest are run",
    )
    return parser.parse_args(argv)


def prepare_workdir(workdir: Path, modules: Iterable[str], tests: Iterable[str], jobs: int) -> None:
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, workdir / name, ignore=ignore)
        else:
            shutil.copy2(source, workdir / name)
    only = "\n".join(f"    {m.rstrip('/')}/*" for m in modules)
    selection = "\n".join(f"    {t}" for t in tests)
    (workdir / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths=simulator\n"
        f"only_mutate=\n{only}\n"
        "also_copy=\n    scenarios\n    conftest.py\n"
        f"pytest_add_cli_args_test_selection=\n{selection}\n"
        f"max_children={jobs}\n"
    )


def module_files(modules: Iterable[str]) -> list[Path]:
    files: list[Path] = []
    for module in modules:
        files.extend(sorted(Path(module).rglob("*.py")))
    return files


def all_mutants(files: Iterable[Path]) -> dict[Path, list[str]]:
    """Every mutant mutmut makes of each file, by file (mutmut's own generator)."""
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name

    found: dict[Path, list[str]] = {}
    for path in files:
        mutated = mutate_file_contents(str(path), path.read_text())
        found[path] = [get_mutant_name(path, name) for name in mutated.mutant_names]
    return found


def sample(mutants: dict[Path, list[str]], fraction: float, seed: str) -> dict[Path, list[str]]:
    chosen: dict[Path, list[str]] = {}
    for path, names in mutants.items():
        if not names:
            continue
        count = min(len(names), math.ceil(len(names) * fraction))
        rng = random.Random(f"{seed}:{path.as_posix()}")  # noqa: S311 - a sample, not a secret
        order = list(names)
        rng.shuffle(order)
        chosen[path] = sorted(order[:count], key=mutant_sort_key)
    return chosen


def mutant_sort_key(name: str) -> tuple[str, int]:
    stem, _, number = name.rpartition("__mutmut_")
    return stem, int(number)


def run_mutmut(names: Sequence[str], jobs: int) -> None:
    from mutmut.__main__ import cli

    try:
        cli.main(["run", "--max-children", str(jobs), *names], standalone_mode=False)
    except SystemExit as stop:
        if stop.code not in (0, None):
            raise


def statuses(files: Iterable[Path]) -> dict[str, str]:
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code

    found: dict[str, str] = {}
    for path in files:
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            found[name] = status_by_exit_code[code]
    return found


def function_start(path: Path, name: str) -> int:
    """The first line (decorators included) of the function a mutant name points at."""
    import ast

    mangled = name.rpartition("__mutmut_")[0].rpartition(".")[2]
    if mangled.startswith("x\u01c1"):
        class_name, _, function = mangled[2:].partition("\u01c1")
    else:
        class_name, function = "", mangled.removeprefix("x_")
    tree = ast.parse(path.read_text())
    scopes: list[ast.AST] = [tree]
    if class_name:
        scopes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == class_name]
    for scope in scopes:
        for node in ast.iter_child_nodes(scope):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function:
                return min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return 0


def describe(path: Path, name: str) -> tuple[int, str]:
    """The file line of a mutant's first changed line, and its change (``old`` → ``new``)."""
    import libcst as cst
    from mutmut.mutation.diff_apply import (
        read_functions_from_index,
        read_mutant_function,
        read_mutants_module,
        read_original_function,
    )

    functions = read_functions_from_index(name, path)
    if functions is None:
        module = read_mutants_module(path)
        functions = (read_original_function(module, name), read_mutant_function(module, name))
    original, mutant = (cst.Module([f]).code.strip().split("\n") for f in functions)
    matcher = difflib.SequenceMatcher(a=original, b=mutant, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old = " / ".join(line.strip() for line in original[a0:a1]) or "(nothing)"
        new = " / ".join(line.strip() for line in mutant[b0:b1]) or "(deleted)"
        return function_start(path, name) + a0, f"`{old}` → `{new}`"
    return function_start(path, name), "(no textual change)"


def commit_id() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    dirty = subprocess.run(  # noqa: S603
        ["git", "status", "--porcelain", "--", *COPIED],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return done.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def load_notes(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return {str(k): str(v) for k, v in tomllib.load(handle).items()}


def md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_report(
    args: argparse.Namespace,
    totals: dict[Path, int],
    chosen: dict[Path, list[str]],
    status: dict[str, str],
    notes: dict[str, str],
    commit: str,
    every: dict[Path, list[str]],
) -> str:
    import mutmut

    lines = [
        "# Mutation report: `simulator/kernel/` and `simulator/libvirt/`",
        "",
        "Generated by `tools/mutation.py` (`tox -e mutation`); do not edit by hand: notes on",
        "survivors live in `tools/mutation-notes.toml`.",
        "",
        f"- commit: `{commit}`",
        f"- mutmut {getattr(mutmut, '__version__', '?')}; test selection: "
        + ", ".join(f"`{t}`" for t in args.tests)
        + " (each mutant runs only the tests that reach its function, `-x -p no:randomly`,"
        " hypothesis profile `ci`)",
    ]
    if args.only:
        lines.append(f"- mutants: the {len(args.only)} named with `--only`")
    else:
        lines.append(
            f"- sample: per file ceil(n x {args.fraction}) of mutmut's mutants, "
            f'`random.Random("{args.seed}:<file>")`'
        )
    lines += [
        "",
        "Killed: a test failed. Survived: every test that reaches the mutated function passed.",
        "Timeout: the tests ran past mutmut's CPU limit (a mutant that loops; counted as found).",
        "No test: no test of the selection reaches the function at all.",
        "",
        "| module | mutants (sampled / all) | killed | survived | timeout | no test | other |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(title: str, paths: list[Path], among: dict[Path, list[str]] = chosen) -> str:
        names = [n for p in paths for n in among[p]]
        counts = Counter(status.get(n, "not checked") for n in names)
        known = counts[KILLED] + counts[SURVIVED] + counts[TIMEOUT] + counts[NO_TEST]
        return (
            f"| {title} | {len(names)} / {sum(totals[p] for p in paths)} | {counts[KILLED]} | "
            f"{counts[SURVIVED]} | {counts[TIMEOUT]} | {counts[NO_TEST]} | {len(names) - known} |"
        )

    for path in chosen:
        lines.append(row(f"`{path.as_posix()}`", [path]))
    for module in args.modules:
        inside = [p for p in chosen if p.as_posix().startswith(module.rstrip("/") + "/")]
        lines.append(row(f"**`{module.rstrip('/')}/`**", inside))
    lines.append(row("**all**", list(chosen)))
    # Mutants this workdir checked outside the sample (earlier runs over the same sources
    # with other fractions): more evidence, counted apart from the sample.
    extra = {
        p: [n for n in names if n not in set(chosen.get(p, ())) and status.get(n) in COUNTED]
        for p, names in every.items()
    }
    if any(extra.values()):
        lines += [
            "",
            "Also checked in this workdir, outside the sample (earlier runs, same sources):",
            "",
            "| module | mutants (of all) | killed | survived | timeout | no test | other |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for module in args.modules:
            inside = [p for p in extra if p.as_posix().startswith(module.rstrip("/") + "/")]
            lines.append(row(f"**`{module.rstrip('/')}/`**", inside, extra).replace(" / ", " of "))
    lines += [
        "",
        "## Mutants not killed",
        "",
        "| mutant | where | change | status | what was done |",
        "| --- | --- | --- | --- | --- |",
    ]
    for path, names in chosen.items():
        for name in names:
            state = status.get(name, "not checked")
            if state == KILLED:
                continue
            line, change = describe(path, name)
            short = name.rpartition(".")[2]
            lines.append(
                f"| `{md_cell(short)}` | `{path.as_posix()}:{line}` | {md_cell(change)} | "
                f"{state} | {md_cell(notes.get(name, ''))} |"
            )
    # Survivors noted from earlier runs over the same sources (other samples, or one module
    # in full): listed with their status where this workdir has one.
    sampled = {n for names in chosen.values() for n in names}
    where_is = {n: p for p, names in every.items() for n in names}
    outside = sorted(set(notes) - sampled, key=mutant_sort_key)
    if outside:
        lines += [
            "",
            "## Noted mutants outside this sample",
            "",
            "| mutant | where | change | status | what was done |",
            "| --- | --- | --- | --- | --- |",
        ]
    for name in outside:
        path = where_is.get(name)
        state = status.get(name, "not checked") if path else "not in these sources"
        line, change = describe(path, name) if path and state != "not checked" else (0, "")
        place = f"`{path.as_posix()}:{line}`" if path and line else ""
        lines.append(
            f"| `{md_cell(name.rpartition('.')[2])}` | {place} | {md_cell(change)} | {state} | "
            f"{md_cell(notes[name])} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    workdir = args.workdir.resolve()
    report = args.report.resolve() if args.report else None
    notes = load_notes(args.notes.resolve())
    if not ((args.reuse or args.report_only) and (workdir / "setup.cfg").exists()):
        prepare_workdir(workdir, args.modules, args.tests, args.max_children)
        # the commit the copied sources come from (a reused workdir keeps its own)
        (workdir / "COMMIT").write_text(commit_id() + "\n")
    commit_file = workdir / "COMMIT"
    commit = commit_file.read_text().strip() if commit_file.exists() else "unknown"
    os.chdir(workdir)
    os.environ.setdefault("SECLAB_HYPOTHESIS_PROFILE", "ci")
    files = module_files(args.modules)
    every = all_mutants(files)
    totals = {path: len(names) for path, names in every.items()}
    if args.only:
        wanted = set(args.only)
        chosen = {p: [n for n in names if n in wanted] for p, names in every.items()}
        chosen = {p: names for p, names in chosen.items() if names}
        missing = wanted - {n for names in chosen.values() for n in names}
        if missing:
            print("no such mutant: " + ", ".join(sorted(missing)), file=sys.stderr)
            return 2
    else:
        chosen = sample(every, args.fraction, args.seed)
    names = [n for picked in chosen.values() for n in picked]
    if args.list:
        print("\n".join(names))
        print(f"{len(names)} of {sum(totals.values())} mutants", file=sys.stderr)
        return 0
    done = statuses(files) if args.reuse else {}
    rerun = ("not checked", "suspicious", "check was interrupted by user")
    pending = [n for n in names if done.get(n, "not checked") in rerun]
    if pending and not args.report_only:
        run_mutmut(pending, args.max_children)
    status = statuses(files)
    text = render_report(args, totals, chosen, status, notes, commit, every)
    if report:
        report.write_text(text)
    else:
        sys.stdout.write(text)
    survivors = [n for n in names if status.get(n) != KILLED]
    print(f"{len(names)} mutants, {len(names) - len(survivors)} killed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
