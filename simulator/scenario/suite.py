"""Running many scenarios: discovery, selection, reports (text and JUnit XML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

import attrs

from simulator.scenario.config import ScenarioError
from simulator.scenario.runner import ScenarioResult, load, run


@attrs.frozen
class Report:
    """A picklable summary of one scenario's run (what ``seclab run`` prints)."""

    path: str
    verdict: str
    diff: str
    error: str | None
    updated: str | None
    tags: tuple[str, ...]
    title: str


def discover(paths: Iterable[str]) -> list[str]:
    """Every ``*.txtar`` under the given files and folders, in sorted path order."""
    found: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.update(str(p) for p in path.rglob("*.txtar"))
        else:
            found.add(str(path))
    return sorted(found)


def selected(path: str, tags: tuple[str, ...], expression: str | None) -> bool:
    """``-k``: a substring of the path or a tag; ``not X`` negates."""
    if not expression:
        return True
    negate = expression.startswith("not ")
    needle = expression[4:] if negate else expression
    hit = needle in path or needle in tags
    return hit != negate


def run_one(
    path: str, seed: int | None, keyword: str | None, state: str | None = None
) -> Report | None:
    try:
        scenario = load(path, seed=seed)
    except ScenarioError as error:
        if not selected(path, (), keyword):
            return None
        return Report(path, "ERROR", "", str(error), None, (), "")
    if not selected(path, scenario.config.tags, keyword):
        return None
    result: ScenarioResult = run(scenario, state)
    updated = result.updated_text() if result.verdict == "FAIL" else None
    return Report(
        path,
        result.verdict,
        result.diff,
        result.error,
        updated,
        scenario.config.tags,
        scenario.title,
    )


def run_all(
    paths: list[str],
    *,
    seed: int | None = None,
    keyword: str | None = None,
    jobs: int = 1,
    state: str | None = None,
) -> list[Report]:
    n = len(paths)
    if jobs > 1 and n > 1:
        from concurrent.futures import ProcessPoolExecutor  # only -j needs it: slow to import

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            reports = list(pool.map(run_one, paths, [seed] * n, [keyword] * n, [state] * n))
    else:
        reports = [run_one(p, seed, keyword, state) for p in paths]
    return [r for r in reports if r is not None]


def summary(reports: list[Report]) -> str:
    passed = sum(r.verdict == "PASS" for r in reports)
    failed = sum(r.verdict == "FAIL" for r in reports)
    errors = sum(r.verdict == "ERROR" for r in reports)
    line = f"{passed} passed, {failed} failed"
    return line + (f", {errors} errors" if errors else "")


def junit_xml(reports: list[Report]) -> str:
    suite = ET.Element(
        "testsuite",
        name="seclab",
        tests=str(len(reports)),
        failures=str(sum(r.verdict == "FAIL" for r in reports)),
        errors=str(sum(r.verdict == "ERROR" for r in reports)),
    )
    for report in reports:
        case = ET.SubElement(suite, "testcase", classname="seclab", name=report.path)
        if report.verdict == "FAIL":
            ET.SubElement(case, "failure", message="transcript mismatch").text = report.diff
        elif report.verdict == "ERROR":
            ET.SubElement(case, "error", message=report.error or "").text = report.error
    return ET.tostring(suite, encoding="unicode") + "\n"
