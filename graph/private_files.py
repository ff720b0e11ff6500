"""Files and folders that only their owner can read (0600/0700), whatever the umask.

The graph holds people whom states hunt abroad, so everything tnr writes about them (databases, the
pseudonym secret, rejects, merge logs, lock files, the local Neo4j home) is created private. ``os.open``
and ``mkdir`` only ever remove bits through the umask, so an explicit 0600/0700 mode plus a ``chmod``
(for a file that existed before) is private under any umask; :func:`private_umask` covers files that a
library or a child process creates itself (Ladybug's WAL, the Neo4j JVM's store files).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

FILE_MODE, DIR_MODE, UMASK = 0o600, 0o700, 0o077


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700; an existing folder is made 0700 only if it is ours to own."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        d.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(d, DIR_MODE)
    return path


def open_private(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> IO:
    """Open ``path`` for writing as a 0600 file (truncated for "w", appended for "a")."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, mode, encoding=None if "b" in mode else encoding)


def write_private(path: Path, text: str) -> None:
    with open_private(path) as fh:
        fh.write(text)


@contextmanager
def private_umask() -> Iterator[None]:
    """Run a block with umask 077 added, so files a library creates inside it are private."""
    old = os.umask(UMASK)
    os.umask(old | UMASK)
    try:
        yield
    finally:
        os.umask(old)


def tighten(path: Path) -> None:
    """Make an existing file 0600 (a folder 0700) and, for a folder, everything in it."""
    path = Path(path)
    if not path.exists() or path.is_symlink():
        return
    if path.is_dir():
        os.chmod(path, DIR_MODE)
        for root, dirs, files in os.walk(path):
            for d in dirs:
                p = os.path.join(root, d)
                if not os.path.islink(p):
                    os.chmod(p, DIR_MODE)
            for f in files:
                p = os.path.join(root, f)
                if not os.path.islink(p):
                    os.chmod(p, FILE_MODE | (os.stat(p).st_mode & stat.S_IXUSR))
    else:
        os.chmod(path, FILE_MODE | (os.stat(path).st_mode & stat.S_IXUSR))


def is_private(path: Path) -> bool:
    """True if neither group nor others have any access to ``path``."""
    return not os.stat(path).st_mode & 0o077
