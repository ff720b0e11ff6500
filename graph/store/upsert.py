"""The upsert rule, in one place: a null keeps the stored value; a list gains the new items it lacks (up to
the property's ``keep_first`` items, for provenance lists that every record of a hub would otherwise grow).

Every write goes through it: the in-memory batch merging records (``ingest/batch.py``), the embedded
store deciding what to SET (``graph/store/embedded.py``) and the Neo4j store, whose SET clauses are
generated here as Cypher (``graph/store/neo4j.py``). tests/test_upsert.py holds the rule as a table and
checks that both stores obey every row of it.

>>> merge_value("Rwanda", None)
'Rwanda'
>>> merge_value(["a", "b"], ["b", "c", "c"])
['a', 'b', 'c']
>>> merge_value(["a", "b"], ["c", "d"], keep_first=3)
['a', 'b', 'c']
>>> set_clause("n", "website", is_list=False)
'n.website = coalesce(row.website, n.website)'
>>> print(set_clause("n", "aliases", is_list=True).replace(" ELSE reduce", "\\n  ELSE reduce"))
n.aliases = CASE WHEN row.aliases IS NULL THEN n.aliases
  ELSE reduce(acc = coalesce(n.aliases, []), x IN row.aliases | CASE WHEN x IN acc THEN acc ELSE acc + [x] END) END
"""

from __future__ import annotations

from typing import Any


def merge_value(old: Any, new: Any, keep_first: int | None = None) -> Any:
    """What an upsert stores given the stored value ``old`` and the incoming ``new``.

    A null keeps ``old``; a list is ``old``'s items followed by each new item not yet there (in order,
    once), cut at ``keep_first`` items when given; anything else replaces ``old``.
    """
    if new is None:
        return old
    if isinstance(new, list):
        if keep_first is not None and old is not None and len(old) >= keep_first:
            return old  # full: a hub's provenance costs nothing more per record
        out = list(old or [])
        seen = set(out)
        for x in new:
            if x not in seen:
                out.append(x)
                seen.add(x)
        return out if keep_first is None else out[:keep_first]
    return new


def merge_props(into: dict[str, Any], props: dict[str, Any], keep_first: dict[str, int] | None = None) -> None:
    """Apply :func:`merge_value` to every property of ``props`` in place (a missing key is a null);
    ``keep_first``: the cut of each list property that has one."""
    for k, v in props.items():
        if isinstance(v, list):
            into[k] = merge_value(into.get(k), v, keep_first.get(k) if keep_first else None)
        elif v is not None:  # a scalar replaces: merge_value's rule, without the call
            into[k] = v


def set_clause(var: str, prop: str, is_list: bool, keep_first: int | None = None) -> str:
    """The Cypher SET item that applies :func:`merge_value` to ``var.prop`` from ``row.prop`` (an UNWIND row).

    ``var`` and ``prop`` come from the schema, never from input.
    """
    old, new = f"{var}.{prop}", f"row.{prop}"
    if is_list:
        full = f"size(acc) >= {int(keep_first)} OR " if keep_first is not None else ""
        return (f"{old} = CASE WHEN {new} IS NULL THEN {old} ELSE reduce(acc = coalesce({old}, []), x IN {new} | "
                f"CASE WHEN {full}x IN acc THEN acc ELSE acc + [x] END) END")
    return f"{old} = coalesce({new}, {old})"
