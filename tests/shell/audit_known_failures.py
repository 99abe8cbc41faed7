"""Cases of tests/shell/audit_corpus.jsonl the lab does not reproduce, each with why."""

KNOWN: dict[str, str] = {}
