"""Keyed pseudonyms for non-public persons: HMAC-SHA256 with a secret that never enters the graph.

Without the secret nobody can recompute a pseudonym from a guessed name (an unkeyed hash can be
checked against any list of names). The secret is created at first use, 0600 in a 0700 folder, at
``$TNR_SECRET_FILE`` or else ``$XDG_CONFIG_HOME/tnr-graph/pseudonym.key`` (default
``~/.config/tnr-graph/pseudonym.key``): outside the repository and the database. A team that shares the
file gets the same pseudonyms; a different file gives different ones. 64 bits (16 hex digits) are shown.

>>> fold_name("  Tomás IBÁÑEZ-Roura ")
'tomas ibanez roura'
>>> fold_name("Ahmad al-Khalil") == fold_name("AHMAD AL KHALIL")
True
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from functools import cache
from pathlib import Path

from graph.private_files import open_private, private_dir

SECRET_ENV = "TNR_SECRET_FILE"
TAG_HEX = 16  # 64 bits
SECRET_BYTES = 32
# What the previous, unkeyed pseudonyms looked like (sha256 of the folded name): see docs/safety.md, migration.
OLD_ID = re.compile(r"^person-[0-9a-f]{12}$")
OLD_NAME = re.compile(r"^Private person [0-9a-f]{8}$")


class SecretError(RuntimeError):
    """The pseudonym secret cannot be read or created."""


def secret_file() -> Path:
    if os.environ.get(SECRET_ENV):
        return Path(os.environ[SECRET_ENV]).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config).expanduser() / "tnr-graph" / "pseudonym.key"


@cache
def _secret(path: Path) -> bytes:
    if not path.exists():
        _create(path)
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise SecretError(f"cannot read the pseudonym secret {path}: {e}") from None
    if len(text) < 32 or not re.fullmatch(r"[0-9a-fA-F]+", text):
        raise SecretError(f"{path} is not a tnr-graph pseudonym secret (expected at least 32 hex digits)")
    return bytes.fromhex(text)


def _create(path: Path) -> None:
    """Write a new secret atomically: two processes starting at once end up with the same one."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open_private(tmp) as fh:
            fh.write(secrets.token_hex(SECRET_BYTES) + "\n")
        try:
            os.link(tmp, path)  # fails if another process created it first; then theirs is used
        except FileExistsError:
            pass
    except OSError as e:
        raise SecretError(f"cannot create the pseudonym secret {path}: {e}") from None
    finally:
        tmp.unlink(missing_ok=True)


def secret() -> bytes:
    """The pseudonym secret, created 0600 on first use (see :func:`secret_file`)."""
    return _secret(secret_file())


def fold_name(name: str) -> str:
    """Case, accents and punctuation folded away; letters of every script kept."""
    out = []
    for ch in unicodedata.normalize("NFKD", str(name).casefold()):
        if unicodedata.combining(ch):
            continue
        out.append(ch if ch.isalnum() else " ")
    return " ".join("".join(out).split())


def person_tag(name: str) -> str:
    """16 hex digits of HMAC-SHA256(secret, folded name): the same name gives the same tag, under one secret."""
    digest = hmac.new(secret(), b"tnr-person\x1f" + fold_name(name).encode(), hashlib.sha256).hexdigest()
    return digest[:TAG_HEX]


def private_person_id(name: str) -> str:
    return f"person-{person_tag(name)}"


def pseudonym(name: str) -> str:
    """The name shown for a non-public person: stable under one secret, not recomputable without it."""
    return f"Private person {person_tag(name)}"


def is_old_pseudonym(person_id: str | None, name: str | None) -> bool:
    """True for a Person written by the unkeyed scheme (``person-<12 hex>``, ``Private person <8 hex>``)."""
    return bool(OLD_ID.match(person_id or "") or OLD_NAME.match(name or ""))
