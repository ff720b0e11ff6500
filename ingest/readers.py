"""Reading input files without trusting them: every format's reader opens files through these.

Whatever a file holds (invalid UTF-8, a byte-order mark, CRLF, NUL, nesting deep enough to exhaust
the parser, a file that is not what its name says), the reader gets either the data or one short
message saying what is wrong, never an exception. A message names no more than the first few dozen
characters of a bad value (:func:`clip`), so a 200,000-character field does not flood a terminal
or a rejects file.

>>> parse_json('{"a": 1}')
({'a': 1}, None)
>>> parse_json("[" * 100_000 + "]" * 100_000)[1]
'JSON nested too deeply'
>>> clip("x" * 500)[-12:]
'…(500 chars)'
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BOM = "\ufeff"
CLIP = 80


def clip(value: Any, limit: int = CLIP) -> str:
    """``repr``-free short text of ``value`` for an error message."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…({len(text)} chars)"


def parse_json(text: str) -> tuple[Any, str | None]:
    """(value, None) or (None, what is wrong)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as e:
        return None, f"invalid JSON: {e.msg} (line {e.lineno}, column {e.colno})"
    except RecursionError:
        return None, "JSON nested too deeply"


def decode(data: bytes) -> tuple[str | None, str | None]:
    """UTF-8 text (a leading byte-order mark removed), or what is wrong with it."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        return None, f"not UTF-8 text: invalid byte 0x{data[e.start]:02x} at offset {e.start}"


def read_text(path: Path) -> tuple[str | None, str | None]:
    """The whole file as text, or why it cannot be read (I/O error, not UTF-8)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, f"cannot read the file: {e.strerror or e}"
    return decode(data)


def read_json(path: Path) -> tuple[Any, str | None]:
    """A whole JSON file, or why it cannot be read or parsed."""
    text, err = read_text(path)
    return (None, err) if err else parse_json(text)


def read_yaml(path: Path) -> tuple[Any, str | None]:
    """A whole YAML file (safe loader: plain data only), or why it cannot be read or parsed."""
    import yaml

    text, err = read_text(path)
    if err:
        return None, err
    try:
        return yaml.safe_load(text), None
    except yaml.YAMLError as e:
        return None, f"invalid YAML: {clip(str(e).splitlines()[0] if str(e) else type(e).__name__)}"
    except RecursionError:
        return None, "YAML nested too deeply"


class UnreadableFile(ValueError):
    """A whole input file that cannot be read (not UTF-8 where text is needed, not the format its name says,
    beyond a size limit): the ingest refuses it before anything is written, naming the file."""


def lines(fh, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of every line of a binary file, reading at most ``limit`` bytes of one line; a
    longer line is (number, None) and the rest of it is skipped unread into memory."""
    n = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip to the end of this line in bounded chunks
                rest = fh.readline(1 << 16)
                if not rest or rest.endswith(b"\n"):
                    break
            yield n, None
            continue
        yield n, line


def jsonl(path: Path, limit: int) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, record or raw text, error) for every non-empty line of a JSON Lines file.

    Each line is decoded on its own, so one line of invalid UTF-8 is one bad record; a line that is
    not a JSON object, or longer than ``limit`` bytes, is one too. CRLF endings and a byte-order mark
    on the first line are accepted.
    """
    with path.open("rb") as fh:
        for n, raw in lines(fh, limit):
            if raw is None:
                yield n, None, f"line longer than {limit:,} bytes (limits.jsonl_max_line_bytes); not read"
                continue
            text, err = decode(raw)
            if err:
                yield n, clip(raw.decode("utf-8", "replace").rstrip()), err
                continue
            if n == 1:
                text = text.removeprefix(BOM)
            if not text.strip():
                continue
            rec, err = parse_json(text)
            if err:
                yield n, clip(text.rstrip("\r\n")), err
            elif not isinstance(rec, dict):
                yield n, clip(rec), "expected a JSON object"
            else:
                yield n, rec, None
