"""Benchmarks, outside the default test run.

- ``pytest benchmarks/ --benchmark-only``: pytest-benchmark rows.
- ``python -m benchmarks.issue15 [--long]``: issue 15's table in one run, each start +
  destroy row beside the bare-dict floor of :mod:`benchmarks.floor` and the ratio to it;
  ``--long`` adds RSS over 10,000 start/destroy cycles and the DomainLifecycle step rate.
"""
