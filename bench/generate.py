"""Synthetic input in the reference case format, for benchmarks and crash trials.

    .venv/bin/python bench/generate.py --incidents 100000 --seed 1 --out /tmp/tnr-100k

Writes ``cases.jsonl`` and ``companies.jsonl`` in chunks (memory stays flat at any size). The skew is
the shape of the real record, not uniform noise: a few origin states produce most incidents (Zipf),
a few host states receive most (hub cities of the diaspora), companies follow a power law (a handful of
vendors appear in most spyware cases), most incidents have one target and one or two sources, about a
quarter carry an accountability action. Every value is invented: persons are named ``Synthetic Person
N`` (a third of them non-public, so the pseudonymisation path is exercised), sources point at
``example.org``, which is reserved for documentation and never contacted.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import pycountry

from graph.schema import load_schema

CHUNK = 10_000
ROLES = ["hrd", "journalist", "activist", "dissident", "politician", "family", "religious_figure", "other"]
RESPONSES = ["unknown", "unknown", "unknown", "cooperated", "failed_to_protect", "protected", "prosecuted"]
ACTIONS = ["prosecution", "conviction", "sanction", "export_control", "lawsuit", "inquiry"]
DIGITAL = {"spyware", "digital_attack", "surveillance"}


def _zipf_weights(n: int, s: float) -> list[float]:
    return [1 / (rank ** s) for rank in range(1, n + 1)]


class World:
    """The fixed cast (states, companies) that the incidents draw from, seeded."""

    def __init__(self, rng: random.Random, n_incidents: int):
        codes = sorted(c.alpha_2 for c in pycountry.countries)
        rng.shuffle(codes)
        self.origins = codes[:48]  # Freedom House counts 48 origin governments
        self.origin_w = _zipf_weights(len(self.origins), 1.3)
        self.hosts = codes[:140]
        self.host_w = _zipf_weights(len(self.hosts), 1.0)
        self.tactics = list(load_schema().tactics)
        n_companies = max(20, min(5000, n_incidents // 50))
        self.companies = [{"name": f"Synthetic Vendor {i:05d} Ltd", "hq_country": rng.choice(codes[:60]),
                           "sector": rng.choice(["spyware", "surveillance", "aviation", "telecoms"])}
                          for i in range(n_companies)]
        self.company_w = _zipf_weights(n_companies, 1.2)
        self.n_people = max(10, int(n_incidents * 0.8))


def incident(i: int, w: World, rng: random.Random) -> dict:
    origin = rng.choices(w.origins, w.origin_w)[0]
    host = rng.choices(w.hosts, w.host_w)[0]
    if host == origin:
        host = w.hosts[(w.hosts.index(host) + 1) % len(w.hosts)]
    tactics = sorted(set(rng.choices(w.tactics, k=rng.choice([1, 1, 1, 2, 3]))))
    year = rng.randint(2000, 2025)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    date = rng.choice([f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"])
    targets = []
    for _ in range(rng.choice([1, 1, 1, 1, 2, 3])):
        # Most targets appear once; a few are targeted again and again (a long tail).
        p = rng.randrange(w.n_people) if rng.random() < 0.8 else int(rng.paretovariate(1.1)) % w.n_people
        targets.append({"name": f"Synthetic Person {p:07d}", "role": rng.choice(ROLES), "public_figure": p % 3 != 0,
                        "nationality": origin})
    companies = []
    if DIGITAL & set(tactics) and rng.random() < 0.6:
        k = rng.choices(range(len(w.companies)), w.company_w)[0]
        c = w.companies[k]
        companies.append({"name": c["name"], "hq_country": c["hq_country"], "role": "vendor",
                          "product": f"Product {k % 97}"})
    accountability = []
    if rng.random() < 0.25:
        accountability.append({"kind": rng.choice(ACTIONS), "date": str(min(2025, year + rng.randint(0, 4))),
                               "jurisdiction": host, "body": f"Court of {host}", "against": origin,
                               "outcome": "Synthetic outcome"})
    sources = [{"url": f"https://example.org/report/{i}/{k}", "title": f"Synthetic report {i}.{k}",
                "publisher": "example.org", "date": str(year)} for k in range(rng.choice([1, 1, 2, 3]))]
    return {"id": f"syn-{i:08d}", "date": date, "origin_state": origin,
            "attribution": rng.choice(["documented", "suspected"]), "host_state": host, "tactics": tactics,
            "targets": targets, "agencies": [f"{origin} intelligence service {rng.randint(1, 4)}"] if rng.random() < 0.4 else [],
            "companies": companies, "host_state_response": rng.choice(RESPONSES), "accountability": accountability,
            "summary": f"Synthetic incident {i}: an agent of {origin} acted against a target in {host}.",
            "sources": sources}


def company_record(i: int, c: dict, w: World, rng: random.Random) -> dict:
    clients = [{"state": s, "basis": "synthetic", "source": f"https://example.org/vendor/{i}/{s}"}
               for s in sorted(set(rng.choices(w.origins, w.origin_w, k=rng.randint(1, 5))))]
    return {"id": f"syn-co-{i:05d}", "name": c["name"], "aliases": [c["name"].removesuffix(" Ltd")],
            "hq_country": c["hq_country"], "sector": c["sector"], "products": [f"Product {i % 97}"],
            "clients": clients, "accountability": [],
            "sources": [{"url": f"https://example.org/vendor/{i}", "title": f"Synthetic vendor {i}"}]}


def write(out: Path, n_incidents: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    world = World(rng, n_incidents)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "companies.jsonl").open("w", encoding="utf-8") as f:
        for i, c in enumerate(world.companies):
            f.write(json.dumps(company_record(i, c, world, rng)) + "\n")
    with (out / "cases.jsonl").open("w", encoding="utf-8") as f:
        for start in range(0, n_incidents, CHUNK):
            lines = [json.dumps(incident(i, world, rng)) for i in range(start, min(n_incidents, start + CHUNK))]
            f.write("\n".join(lines) + "\n")
    return {"incidents": n_incidents, "companies": len(world.companies), "seed": seed}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    print(json.dumps(write(args.out, args.incidents, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
