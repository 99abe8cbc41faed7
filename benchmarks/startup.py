"""Where ``seclab run ONE.txtar`` spends its start: ``python -m benchmarks.startup``.

The wall time of issue 15's row (:func:`benchmarks.issue15.run_one_seconds`) is mostly
imports, and the imports are mostly attrs making classes: attrs compiles every generated
``__init__``/``__repr__``/``__eq__``/``__hash__`` from source when a class is made. This
prints, for one run of the scenario in a fresh interpreter with bytecode cached:

- ``-X importtime``'s self time per module, the least of ``--runs`` runs (a busy machine
  inflates single runs), summed by layer and the largest entries;
- the attrs classes the run makes, and which of them generate a ``__repr__`` or an
  ``__eq__`` (what a class costs beyond its ``__init__``);
- the run's CPU time split into the bare interpreter, importing attrs, the other stdlib
  modules it loads, attrs making our classes, and the rest (our modules and the scenario).
"""

from __future__ import annotations

import collections
import os
import re
import subprocess  # noqa: TID251 - only to time a fresh interpreter, never the lab
import sys
import tempfile
from pathlib import Path

from benchmarks.issue15 import ONE_SCENARIO, ROOT, wall

IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)")

# Run in the child: the scenario through seclab's main(), then one line per attrs class
# made by simulator modules: "module.qualname repr eq".
_CLASSES = """
import sys
import attr._make
made = []
build = attr._make._ClassBuilder.build_class
def recording(self):
    cls = build(self)
    made.append(cls)
    return cls
attr._make._ClassBuilder.build_class = recording
from simulator import cli
sys.argv = ["seclab", "run", sys.argv[1]]
try:
    cli.main()
except SystemExit:
    pass
def generated(cls, name):  # attrs compiled it (a method the class writes itself is not)
    code = getattr(cls.__dict__.get(name), "__code__", None)
    return code is not None and code.co_filename.startswith("<attrs generated")
for cls in made:
    if cls.__module__.startswith("simulator"):
        print("class", f"{cls.__module__}.{cls.__qualname__}",
              generated(cls, "__repr__"), generated(cls, "__eq__"))
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "seclab-bench-pycache")
    env["PYTHONPATH"] = str(ROOT)
    return env


def import_self_times(runs: int) -> dict[str, int]:
    """Module -> the least ``-X importtime`` self time (µs) over ``runs`` runs of ONE."""
    argv = [sys.executable, "-X", "importtime", "-m", "simulator.cli", "run", ONE_SCENARIO]
    subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True, check=True)  # caches
    best: dict[str, int] = {}
    for _ in range(runs):
        done = subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True, text=True)
        for match in IMPORT_LINE.finditer(done.stderr):
            name, micros = match.group(2), int(match.group(1))
            best[name] = min(best.get(name, micros), micros)
    return best


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] in ("attr", "attrs"):
        return "attrs"
    if parts[0] == "simulator":
        return ".".join(parts[:2])
    return "stdlib"


def attrs_classes() -> list[tuple[str, bool, bool]]:
    """(class, generates __repr__, generates __eq__) for each attrs class a run of ONE makes."""
    done = subprocess.run(
        [sys.executable, "-c", _CLASSES, ONE_SCENARIO],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stdout.splitlines():
        if line.startswith("class "):
            _, name, has_repr, has_eq = line.split()
            rows.append((name, has_repr == "True", has_eq == "True"))
    return rows


# Run in the child: the scenario, timing (CPU) every attrs class that simulator modules
# make, then "attrs-ms N" and one "module NAME" line per module loaded that is not ours.
_SPLIT = """
import sys, time
import attr._make, attr._next_gen
spent = [0.0]
make = attr._next_gen.attrs
def timed(*args, **kwargs):
    start = time.process_time()
    made = make(*args, **kwargs)
    if isinstance(made, type) and made.__module__.startswith("simulator"):
        spent[0] += time.process_time() - start
    return made
attr._next_gen.attrs = timed
from simulator import cli
sys.argv = ["seclab", "run", sys.argv[1]]
try:
    cli.main()
except SystemExit:
    pass
print("attrs-ms", spent[0] * 1000)
for name in sorted(sys.modules):
    if not name.startswith(("simulator", "attr", "__main__")):
        print("module", name)
"""


def cpu_split(runs: int) -> list[tuple[str, float]]:
    """Where the CPU time of ``seclab run ONE`` goes, each part the least of ``runs`` runs:
    the bare interpreter, importing attrs, the other modules the run loads that are not
    ours (stdlib), attrs making our classes, and the rest (our modules and the scenario)."""

    def cpu_ms(argv: list[str]) -> float:
        return wall(argv, runs=runs)[1] * 1000

    total = cpu_ms([sys.executable, "-m", "simulator.cli", "run", ONE_SCENARIO])
    bare = cpu_ms([sys.executable, "-c", "pass"])
    with_attrs = cpu_ms([sys.executable, "-c", "import attrs"])
    classes = float("inf")
    modules: list[str] = []
    for _ in range(runs):
        argv = [sys.executable, "-c", _SPLIT, ONE_SCENARIO]
        lines = subprocess.run(
            argv, cwd=ROOT, env=_env(), capture_output=True, text=True, check=True
        ).stdout.splitlines()
        classes = min(classes, *(float(x.split()[1]) for x in lines if x.startswith("attrs-ms")))
        modules = [x.split()[1] for x in lines if x.startswith("module ")]
    imports = f"import attrs\nfor name in {modules!r}:\n    __import__(name)"
    with_stdlib = cpu_ms([sys.executable, "-c", imports])
    return [
        ("bare interpreter (python -c pass)", bare),
        ("import attrs", with_attrs - bare),
        (f"the {len(modules)} other stdlib modules the run loads", with_stdlib - with_attrs),
        ("attrs making the simulator's classes", classes),
        ("the rest: our modules and the scenario", total - with_stdlib - classes),
        ("total", total),
    ]


def main() -> None:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
    best = import_self_times(runs)
    by_layer: collections.Counter[str] = collections.Counter()
    for module, micros in best.items():
        by_layer[layer(module)] += micros
    total = sum(best.values())
    print(f"seclab run {ONE_SCENARIO}: -X importtime self, least of {runs} runs")
    print(f"{total / 1000:7.1f} ms in {len(best)} modules")
    for name, micros in by_layer.most_common():
        print(f"{micros / 1000:7.1f} ms  {name}")
    print("\nlargest modules (self):")
    for module, micros in sorted(best.items(), key=lambda item: -item[1])[:25]:
        print(f"{micros / 1000:7.2f} ms  {module}")
    classes = attrs_classes()
    with_repr = [name for name, has_repr, _ in classes if has_repr]
    with_eq = [name for name, _, has_eq in classes if has_eq]
    print(f"\n{len(classes)} attrs classes made by simulator modules;")
    print(f"{len(with_repr)} generate __repr__: {', '.join(with_repr)}")
    print(f"{len(with_eq)} generate __eq__ (and, frozen, __hash__)")
    print(f"\nCPU of seclab run {ONE_SCENARIO}, least of {runs} runs per part:")
    for part, millis in cpu_split(runs):
        print(f"{millis:7.1f} ms  {part}")


if __name__ == "__main__":
    main()
