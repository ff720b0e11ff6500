"""The append-only audit log of exports: one JSON line per export (when, what, parameters, row count,
user), file mode 0600.

Where: ``$TNR_AUDIT_LOG`` if set; else beside the embedded database (``<db>.audit.jsonl``, e.g.
``data/tnr.lbug.audit.jsonl``); for Neo4j, ``~/.local/state/tnr-graph/audit.jsonl``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

NEO4J_DEFAULT = Path("~/.local/state/tnr-graph/audit.jsonl")


def audit_path(backend: str, db: Path | None) -> Path:
    if os.environ.get("TNR_AUDIT_LOG"):
        return Path(os.environ["TNR_AUDIT_LOG"]).expanduser()
    if backend == "embedded" and db is not None:
        return Path(db).with_name(Path(db).name + ".audit.jsonl")
    return NEO4J_DEFAULT.expanduser()


def append(path: Path, entry: dict[str, Any]) -> None:
    """Append one entry; the file is created 0600 and only ever appended to."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    finally:
        os.close(fd)
