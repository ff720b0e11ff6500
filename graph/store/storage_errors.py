"""The disk under an embedded database failing: one line naming the cause and the fix.

Python reports these as an ``OSError`` with an errno; Ladybug as a ``RuntimeError`` whose text carries the C
library's words for the same errno ("IO exception: Cannot write to file ... No space left on device").

>>> explain(Path("/m/tnr.lbug"), OSError(errno.ENOSPC, "No space left on device"))[:44]
'/m/tnr.lbug: the disk holding /m is full; fr'
>>> explain(Path("/m/tnr.lbug"), RuntimeError("IO exception: Cannot open file /m/tnr.lbug: Read-only file system"))[:60]
'/m/tnr.lbug: the folder /m is on a read-only file system; pu'
>>> explain(Path("/m/tnr.lbug"), RuntimeError("Binder exception: Table X does not exist")) is None
True
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

FIXES = {
    errno.ENOSPC: ("the disk holding {folder} is full", "free some space there or put the database on another disk "
                   "(--db or TNR_DB), then run the same command again"),
    errno.EDQUOT: ("the disk quota for {folder} is used up", "free some space there or put the database elsewhere "
                   "(--db or TNR_DB), then run the same command again"),
    errno.EROFS: ("the folder {folder} is on a read-only file system", "put the database on a writable disk "
                  "(--db or TNR_DB) or remount it read-write"),
    errno.EACCES: ("this user may not write in {folder}", "make the folder and the database files writable by this "
                   "user (chmod u+w) or use another --db"),
}
FIXES[errno.EPERM] = FIXES[errno.EACCES]


def _errno_of(e: BaseException) -> int | None:
    if isinstance(e, OSError) and e.errno in FIXES:
        return e.errno
    text = str(e)
    return next((code for code in FIXES if os.strerror(code) in text), None)


def explain(db: Path, e: BaseException) -> str | None:
    """One line for a storage fault writing or opening ``db`` (full, read-only, not permitted); None for anything else."""
    code = _errno_of(e)
    if code is None:
        return None
    cause, fix = FIXES[code]
    return f"{db}: {cause.format(folder=db.parent)}; {fix}"
