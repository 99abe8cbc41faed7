"""Running many scenarios: discovery, selection, reports (text and JUnit XML)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

import attrs

from simulator.scenario.config import ScenarioError
from simulator.scenario.deadline import DEFAULT_TIMEOUT
from simulator.scenario.paths import is_dir, pure_path
from simulator.scenario.runner import ScenarioResult, load, run


@attrs.frozen(repr=False, eq=False)
class Report:
    """A picklable summary of one scenario's run (what ``seclab run`` prints)."""

    path: str
    verdict: str
    diff: str
    error: str | None
    updated: str | None
    tags: tuple[str, ...]
    title: str
    seconds: float = attrs.field(default=0.0, eq=False)  # wall-clock time, for JUnit only
    changed_lines: tuple[int, ...] = ()  # lines of the commands whose output differs


def discover(paths: Iterable[str]) -> list[str]:
    """Every ``*.txtar`` under the given files and folders, in sorted path order."""
    found: set[str] = set()
    for given in paths:
        path = pure_path(given)
        if is_dir(path):
            from pathlib import Path  # only a folder needs the walk

            found.update(str(p) for p in Path(path).rglob("*.txtar"))
        else:
            found.add(path)
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
    path: str,
    seed: int | None,
    keyword: str | None,
    state: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    profile: str | None = None,
) -> Report | None:
    started = time.perf_counter()
    try:
        scenario = load(path, seed=seed, profile=profile)
    except ScenarioError as error:
        if not selected(path, (), keyword):
            return None
        return Report(path, "ERROR", "", str(error), None, (), "", _since(started))
    if not selected(path, scenario.config.tags, keyword):
        return None
    result: ScenarioResult = run(scenario, state, timeout=timeout)
    updated = result.updated_text() if result.verdict == "FAIL" else None
    return Report(
        path,
        result.verdict,
        result.diff,
        result.error or result.timeout,
        updated,
        scenario.config.tags,
        scenario.title,
        _since(started),
        tuple(s.step.line for s in result.failed_steps),
    )


def _since(started: float) -> float:
    return time.perf_counter() - started


def run_all(
    paths: list[str],
    *,
    seed: int | None = None,
    keyword: str | None = None,
    jobs: int = 1,
    state: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    profile: str | None = None,
) -> list[Report]:
    n = len(paths)
    if jobs > 1 and n > 1:
        from concurrent.futures import ProcessPoolExecutor  # only -j needs it: slow to import

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            reports = list(
                pool.map(
                    run_one,
                    paths,
                    [seed] * n,
                    [keyword] * n,
                    [state] * n,
                    [timeout] * n,
                    [profile] * n,
                )
            )
    else:
        reports = [run_one(p, seed, keyword, state, timeout, profile) for p in paths]
    return [r for r in reports if r is not None]


def summary(reports: list[Report]) -> str:
    passed = sum(r.verdict == "PASS" for r in reports)
    failed = sum(r.verdict == "FAIL" for r in reports)
    errors = sum(r.verdict == "ERROR" for r in reports)
    timeouts = sum(r.verdict == "TIMEOUT" for r in reports)
    line = f"{passed} passed, {failed} failed"
    line += f", {errors} errors" if errors else ""
    return line + (f", {timeouts} timed out" if timeouts else "")


# Characters XML 1.0 cannot carry at all (control characters other than tab and newlines,
# surrogates, U+FFFE/U+FFFF): written as Python escapes so the report stays well-formed.
_NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"  # compiled by re on first use


def _xml_text(text: str) -> str:
    return re.sub(
        _NOT_XML, lambda m: m.group().encode("unicode_escape", "backslashreplace").decode(), text
    )


def junit_xml(reports: list[Report]) -> str:
    """A JUnit XML report (the schema Jenkins and GitLab read), with an XML declaration,
    a ``time`` on the suite and on each case, and a final newline."""
    import xml.etree.ElementTree as ET  # only --junit-xml needs it

    suite = ET.Element(
        "testsuite",
        name="seclab",
        tests=str(len(reports)),
        failures=str(sum(r.verdict == "FAIL" for r in reports)),
        errors=str(sum(r.verdict in ("ERROR", "TIMEOUT") for r in reports)),
        skipped="0",
        time=f"{sum(r.seconds for r in reports):.3f}",
    )
    for report in reports:
        case = ET.SubElement(
            suite, "testcase", classname="seclab", name=report.path, time=f"{report.seconds:.3f}"
        )
        error = _xml_text(report.error or "")
        if report.verdict == "FAIL":
            failure = ET.SubElement(case, "failure", message="transcript mismatch")
            failure.text = _xml_text(report.diff)
        elif report.verdict == "TIMEOUT":
            ET.SubElement(case, "error", message=error, type="timeout").text = error
        elif report.verdict == "ERROR":
            ET.SubElement(case, "error", message=error).text = error
    body = ET.tostring(suite, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"
