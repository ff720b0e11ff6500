"""The time-and-tactic rule: when a sale is evidence for an incident, and when it is only context.

The rule is a table in ``graph/data/supply_links.yaml`` (window length, goods words and the tactics they
fit); this module only applies it.

>>> judge({"since": None, "until": None, "supply_year": 2012, "year": 2013, "tactics": ["spyware"],
...        "goods": ["Intrusion software"], "product": None})
('evidence', 'intrusion fits spyware; 2013 within 2012-2015')
>>> judge({"since": None, "until": None, "supply_year": 2012, "year": 2018, "tactics": ["spyware"],
...        "goods": ["Intrusion software"], "product": None})[1]
'outside the window 2012-2015'
>>> judge({"since": None, "until": None, "supply_year": None, "year": 2018, "tactics": ["assassination"],
...        "goods": None, "product": "Pegasus"})[1]
'no documented supply period; intrusion fits none of assassination'
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

RULES = files("graph") / "data" / "supply_links.yaml"


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    raw = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    for row in raw["goods"]:
        row["rx"] = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in row["words"]) + r")\b", re.I)
    return raw


def _year(value: Any) -> int | None:
    text = "" if value is None else str(value)
    return int(text[:4]) if text[:4].isdigit() else None


def window(link: dict[str, Any]) -> tuple[int, int] | None:
    """The documented supply period in years, or None when no year is documented."""
    start = _year(link.get("since")) or _year(link.get("supply_year"))
    if start is None:
        return None
    end = _year(link.get("until")) or start + int(rules()["window"]["years_after_start"])
    return start, end


def goods_kinds(link: dict[str, Any]) -> dict[str, list[str]]:
    """Goods kinds named by the link's goods or product, with the tactics each fits."""
    text = " ; ".join([*(link.get("goods") or []), str(link.get("product") or "")])
    return {row["kind"]: row["tactics"] for row in rules()["goods"] if row["rx"].search(text)}


def judge(link: dict[str, Any]) -> tuple[str, str]:
    """('evidence' or 'context', why) for a supply link and one incident (its ``year`` and ``tactics``)."""
    return verdict(goods_kinds(link), window(link), link.get("year"), link.get("tactics"))


def verdict(kinds: dict[str, list[str]], period: tuple[int, int] | None, year: Any,
            tactics: Any) -> tuple[str, str]:
    """:func:`judge` from a link's goods kinds and period, worked out once per link."""
    tactics = list(tactics or [])
    fit = sorted({f"{k} fits {t}" for k, ts in kinds.items() for t in ts if t in tactics})
    reasons = []
    if period is None:
        reasons.append("no documented supply period")
    elif year is None or (isinstance(year, float) and year != year):
        reasons.append("incident year not known")
    elif not period[0] <= int(year) <= period[1]:
        reasons.append(f"outside the window {period[0]}-{period[1]}")
    if not fit:
        what = ", ".join(sorted(kinds)) or "goods not stated"
        reasons.append(f"{what} fits none of {', '.join(sorted(tactics)) or 'no tactic'}")
    if reasons:
        return "context", "; ".join(reasons)
    return "evidence", f"{'; '.join(fit)}; {int(year)} within {period[0]}-{period[1]}"
