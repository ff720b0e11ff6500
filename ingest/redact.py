"""Redaction of free text at ingest: a non-public person's name never reaches the graph, a reject or a log.

Every string of every record (summaries, titles, outcomes, notes, roles, bases, URLs, ids given by the
input, …) has each non-public person's name replaced by that person's pseudonym, comparing case-, accent-
and punctuation-folded words (``Tomás IBÁÑEZ-Roura`` matches ``tomas ibanez roura``). What is matched:

- the full name and every run of two or more of its consecutive words ("Ibáñez Roura");
- each distinctive part alone: a word of at least :data:`MIN_PART` letters that is not in
  :data:`COMMON_WORDS` (name particles such as "al", "bin", "van"; everyday words a name can share,
  such as "rose" or "hope", and words of the graph's own vocabulary). A part that belongs to several
  private persons becomes :data:`WITHHELD`, since no one pseudonym is right for it;
- a public figure's full name is left as it is, even when it shares a word with a private person
  ("Jamal Khashoggi" stays; "Khashoggi" alone does not, if a private person is called that).

Names are collected from the whole input before anything is mapped (:func:`collect_names`), so a name
in the last record is redacted in the first. Names of persons pseudonymised by an earlier ingest cannot
be recovered (they were never stored), so redaction covers the names present in the input being loaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.pseudonyms import fold_name, pseudonym
from graph.schema import Prop
from ingest.batch import RecordGraph

MIN_PART = 3
WITHHELD = "[name withheld]"
COMMON_WORDS = frozenset("""
    abd abdel abdul abu al ali bin ben bint binti da das de del della den der di do dos du el er ibn la le les
    los mac mc van von ter ten ul um umm y zu sr jr mr mrs ms dr prof sir sheikh haji
    the and for with from into was were his her him hers its our their who whom this that not but are has had
    one two new old man men son sons wife mother father brother sister family child children daughter
    private person persons people unknown anonymous name names withheld
    rose hope faith grace joy may june april august sun moon star king queen prince young little big
    long short white black brown green gray grey red gold silver stone wood hill field river lake north
    south east west city town street road house hall court law state states police army office union
    press news media
""".split())


_ASCII_FOLD = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def _fold_with_positions(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded as :func:`fold_name` folds (non-alphanumerics become spaces), with each folded
    character's index in ``text`` (None: the same index, for ASCII text)."""
    if text.isascii():
        return text.lower().translate(_ASCII_FOLD), None
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKD", ch.casefold()):
            if unicodedata.combining(c):
                continue
            out.append(c if c.isalnum() else " ")
            where.append(i)
    return "".join(out), where


@dataclass
class Redactor:
    """Replaces the names it was given; :meth:`text` and :meth:`value` are idempotent."""

    private: dict[str, str] = field(default_factory=dict)  # folded full name -> pseudonym
    public: set[str] = field(default_factory=set)  # folded full names that stay
    _phrases: dict[tuple[str, ...], str | None] | None = None
    _first: set[str] = field(default_factory=set)
    _longest: int = 0
    _memo: dict[str, str] = field(default_factory=dict)  # text -> redacted, for the strings records repeat

    MEMO_SIZE = 200_000

    def add(self, name: Any, public: bool) -> None:
        folded = fold_name(str(name or ""))
        if not folded:
            return
        if public:
            self.public.add(folded)
        else:
            self.private.setdefault(folded, pseudonym(str(name)))
        self._phrases = None
        self._memo.clear()

    def __bool__(self) -> bool:
        return bool(self.private)

    def names(self) -> list[str]:
        """The folded private names (for tests and the note)."""
        return sorted(self.private)

    def phrases(self) -> dict[tuple[str, ...], str | None]:
        """Word sequences to replace (None: a public name, kept)."""
        if self._phrases is None:
            runs: dict[tuple[str, ...], set[str]] = {}
            parts: dict[tuple[str, ...], set[str]] = {}
            for folded, alias in self.private.items():
                words = tuple(folded.split())
                for n in range(2, len(words) + 1):
                    for i in range(len(words) - n + 1):
                        runs.setdefault(words[i:i + n], set()).add(alias)
                runs.setdefault(words, set()).add(alias)  # a one-word name is a full name
                for w in words:
                    if len(w) >= MIN_PART and w not in COMMON_WORDS and not w.isdigit():
                        parts.setdefault((w,), set()).add(alias)
            phrases: dict[tuple[str, ...], str | None] = {}
            for table in (parts, runs):  # a run overrides a part of the same words (a one-word name)
                for words, aliases in table.items():
                    phrases[words] = aliases.pop() if len(aliases) == 1 else WITHHELD
            for folded in self.public:
                phrases[tuple(folded.split())] = None
            self._phrases = phrases
            self._first = {k[0] for k in phrases}
            self._longest = max(len(k) for k in phrases)
        return self._phrases

    def text(self, text: str) -> str:
        if not self.private or not text:
            return text
        if (done := self._memo.get(text)) is None:
            if len(self._memo) >= self.MEMO_SIZE:
                self._memo.clear()
            done = self._memo[text] = self._scan(text)
        return done

    def _scan(self, text: str) -> str:
        phrases = self.phrases()
        folded, where = _fold_with_positions(text)
        if self._first.isdisjoint(folded.split()):  # most strings name nobody: one set test, no scan
            return text
        words = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", folded)]
        longest = self._longest
        out, last, i = [], 0, 0
        while i < len(words):
            for n in range(min(longest, len(words) - i), 0, -1):
                key = tuple(w for w, _, _ in words[i:i + n])
                if key in phrases:
                    start, end = words[i][1], words[i + n - 1][2]
                    if where is not None:
                        start, end = where[start], where[end - 1] + 1
                    if phrases[key] is not None:
                        out += [text[last:start], phrases[key]]
                        last = end
                    i += n
                    break
            else:
                i += 1
        out.append(text[last:])
        return "".join(out)

    def value(self, value: Any, keep: Iterable[str] = ()) -> Any:
        """Every string inside ``value`` (dicts, lists, tuples) redacted; dict keys named in ``keep`` left as
        they are at the top level."""
        if not self.private:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            keep = set(keep)
            return {k: (v if k in keep else self.value(v)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.value(v) for v in value)
        return value

    def graph(self, rg: RecordGraph) -> RecordGraph:
        """A record's nodes and relationships with every string redacted: keys and relationship ends too (the same
        name gives the same replacement everywhere, so they still meet). Values from a closed vocabulary (an enum,
        a pattern such as ISO2 or a date) cannot hold a name and are left alone."""
        if not self.private:
            return rg
        schema = rg.schema
        rg.nodes = [(label, self._props(schema.node(label).props, props)) for label, props in rg.nodes]
        rg.rels = [(t, fl, self.text(fk), tl, self.text(tk), self._props(schema.rel(t).props, props))
                   for t, fl, fk, tl, tk, props in rg.rels]
        return rg

    def _props(self, declared: dict[str, Prop], props: dict[str, Any]) -> dict[str, Any]:
        out = dict(props)
        for k, v in props.items():
            if v is None or not isinstance(v, (str, list)):
                continue
            p = declared.get(k)
            if p is not None and (p.enum or p.pattern):
                continue
            out[k] = self.text(v) if isinstance(v, str) else [self.text(x) if isinstance(x, str) else self.value(x)
                                                              for x in v]
        return out
