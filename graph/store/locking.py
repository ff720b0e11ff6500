"""A lock file beside the embedded database, so readers never see a half-written graph.

Ladybug itself does not keep a reader out while another process writes (nor a writer while
readers are open), so every process takes an advisory ``flock`` on ``<db>.lock`` first:
shared for readers, exclusive for the one writer. A reader that cannot get its lock within
the timeout gets :class:`IngestInProgress` rather than a crash.

Why the standard library's ``flock`` and not ``fasteners``: fasteners' inter-process reader-writer
lock uses ``fcntl.lockf`` (POSIX record locks), which belong to the process, not to the open file, so
a process that opens the database twice (the app's pages, a reader beside a writer in tests) would not
be kept out by its own lock, and closing any descriptor of the lock file would drop all of them.
``flock`` locks belong to the open file description, which is the behaviour tests/test_concurrency.py checks.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

from graph.private_files import FILE_MODE, private_dir
from graph.store.base import StoreError
from graph.store.storage_errors import explain


class IngestInProgress(RuntimeError):
    pass


class DatabaseBusy(RuntimeError):
    pass


class LockFileError(StoreError):
    """The lock file cannot be made or opened: a read-only or full disk, a folder this user may not write in."""


class DbLock:
    def __init__(self, db_path: Path, exclusive: bool, timeout: float):
        self.path = Path(f"{db_path}.lock")
        self.exclusive = exclusive
        self.timeout = timeout
        self._fd: int | None = None

    def _open(self) -> int | None:
        """The lock file's descriptor; None for a reader on a read-only file system without one (no writer can
        be there). A reader needs no write access to share the lock, so it opens an existing one read-only."""
        try:
            private_dir(self.path.parent)  # a folder tnr creates for a database is 0700
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as e:
            if not self.exclusive and e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                try:
                    return os.open(self.path, os.O_RDONLY)
                except FileNotFoundError:
                    if e.errno == errno.EROFS:
                        return None
                except OSError:
                    pass
            db = self.path.with_suffix("")
            raise LockFileError(explain(db, e) or f"{db}: cannot make its lock file {self.path}: {e.strerror}") from None
        if os.fstat(fd).st_uid == os.getuid():
            os.fchmod(fd, FILE_MODE)  # a lock file made by an older tnr may be 0644
        return fd

    def acquire(self) -> None:
        fd = self._open()
        if fd is None:
            return
        mode = (fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    if self.exclusive:
                        raise DatabaseBusy(
                            f"{self.path.with_suffix('')}: another process is using the database "
                            f"(waited {self.timeout:g}s); close the app or wait for the other ingest"
                        ) from None
                    raise IngestInProgress(
                        f"{self.path.with_suffix('')}: ingest in progress{self._holder()}; try again when it finishes"
                    ) from None
                time.sleep(0.05)
        self._fd = fd
        if self.exclusive:
            started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
            try:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()} {started}\n".encode())
            except OSError as e:  # a full disk: the lock is held, but who holds it cannot be written
                self.release()
                db = self.path.with_suffix("")
                raise LockFileError(explain(db, e) or f"{db}: cannot write its lock file: {e.strerror}") from None

    def _holder(self) -> str:
        """" since <time> (process <pid>)", as the writer wrote it in the lock file, or nothing."""
        try:
            pid, started = self.path.read_text().strip().split(" ", 1)
        except (OSError, ValueError):
            return ""
        return f" since {started} (process {pid})"

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
