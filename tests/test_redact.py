"""The redaction rule of ingest/redact.py, on hand-made cases and on generated names and texts."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.pseudonyms import pseudonym
from ingest.redact import COMMON_WORDS, WITHHELD, Redactor


def _redactor(private=(), public=()) -> Redactor:
    r = Redactor()
    for n in private:
        r.add(n, public=False)
    for n in public:
        r.add(n, public=True)
    return r


def test_full_names_runs_and_distinctive_parts_become_the_pseudonym():
    r = _redactor(["Tomás Ibáñez Roura", "Ahmad al-Khalil"])
    tomas, ahmad = pseudonym("Tomás Ibáñez Roura"), pseudonym("Ahmad al-Khalil")
    assert r.text("TOMÁS IBÁÑEZ-ROURA, then Ibanez Roura, then roura.") == f"{tomas}, then {tomas}, then {tomas}."
    assert r.text("Tomás met AHMAD AL KHALIL; Khalil left.") == f"{tomas} met {ahmad}; {ahmad} left."
    # "al" is a particle, "the" and "rose" are everyday words: alone they stay
    assert r.text("al the end") == "al the end"
    assert {"al", "the", "rose"} <= COMMON_WORDS
    # not inside other words
    assert r.text("Khalilzad and Tomasz") == "Khalilzad and Tomasz"


def test_a_public_name_stays_and_a_shared_part_is_withheld():
    r = _redactor(["Salah Khashoggi", "Omar Chen", "Li Chen"], ["Jamal Khashoggi"])
    salah = pseudonym("Salah Khashoggi")
    assert r.text("Jamal Khashoggi's brother Salah Khashoggi; Khashoggi said") == (
        f"Jamal Khashoggi's brother {salah}; {salah} said")
    # two private persons are called Chen: the surname alone belongs to neither pseudonym
    assert r.text("Chen was followed; Li Chen too") == f"{WITHHELD} was followed; {pseudonym('Li Chen')} too"


def test_values_and_records():
    r = _redactor(["Hana Berisha"])
    alias = pseudonym("Hana Berisha")
    rec = {"targets": [{"name": "Hana Berisha", "n": 3}], "summary": ("Berisha", None), "ok": True}
    assert r.value(rec) == {"targets": [{"name": alias, "n": 3}], "summary": (alias, None), "ok": True}
    assert r.value(rec, keep=["targets"])["targets"] == rec["targets"]
    assert _redactor().value(rec) is rec  # no private person in the input: nothing to do


NAME_PART = st.sampled_from(["Tomás", "Ibáñez", "Zhōu", "Nguyễn", "Øyvind", "Siobhán", "Ağaoğlu", "Dürr", "Łukasz",
                             "Józef", "Mariam", "Qāsimova", "Varhadi", "Berisha", "Krasniqi", "Nourzad"])
FILLER = st.lists(st.sampled_from(["the", "police", "said", "in", "Berlin", "was", "threatened", "2021", "(", ")", ",",
                                   "—", "agents", "of", "followed", "home", "her", "his"]), max_size=12)


def _variants(name: str) -> st.SearchStrategy[str]:
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return st.sampled_from([name, name.upper(), name.lower(), plain, plain.upper(), name.replace(" ", "-")])


@settings(max_examples=150, deadline=None)
@given(st.lists(NAME_PART, min_size=1, max_size=3, unique=True).map(" ".join).flatmap(
    lambda n: st.tuples(st.just(n), _variants(n), FILLER, FILLER, NAME_PART)))
def test_no_form_of_a_private_name_survives(case):
    name, written, before, after, part = case
    r = _redactor([name])
    text = " ".join([*before, written, *after, part if part in name.split() else ""])
    out = r.text(text)
    folded = re.sub(r"[\W_]+", " ", out.casefold())
    import unicodedata

    folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    for word in r.private:  # the folded full name
        for w in word.split():
            assert not re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded), (text, out)
    assert pseudonym(name) in out
    assert r.text(out) == out  # idempotent: a second ingest of redacted text changes nothing
