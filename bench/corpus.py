"""Write N synthetic news articles as JSON lines, for benchmarks only.

usage: python bench/corpus.py N OUT.jsonl [--seed S]

The articles are made from the project's own sentence templates: varied
actors, dates and event kinds, mixed with background sentences that name no
two actors, hypotheticals, quotes, and page boilerplate, in roughly the
proportions of real alliance news. Same N and seed, same corpus.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

STATES = [
    "Armenia", "Azerbaijan", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan",
    "Uzbekistan", "Georgia", "Ukraine", "France", "Turkey", "China", "the United States",
]  # fmt: skip
CAPITALS = ["Yerevan", "Baku", "Minsk", "Astana", "Bishkek", "Moscow", "Dushanbe", "Tashkent"]
LEADERS = ["Pashinyan", "Aliyev", "Lukashenko", "Tokayev", "Japarov", "Putin", "Rahmon"]
BODIES = ["the CSTO", "NATO", "the alliance", "the bloc"]
EVENTS = [
    "{a} asked {b} for military help on {d}.",
    "{a} refused to send troops to {b} on {d}.",
    "Forces from {a} shelled positions in {b} on {d}.",
    "{a} and {b} signed a peace deal in {m}.",
    "{a} hosted talks with {b} on {d} about border security.",
    "{lead} criticised {b} for its slow response on {d}.",
    "{a} cancelled the exercise it was due to host for {org} in {m}.",
    "{org} deployed peacekeepers to {a} on {d}.",
    "{a} suspended its participation in {org} in {m}.",
    "{lead} met with officials from {b} in {cap} on {d}.",
    "{a} accused {b} of massing troops near the frontier on {d}.",
    "{a} sent humanitarian aid to {b} in {m}.",
]
BACKGROUND = [
    "Prices for bread and fuel rose again this week, traders said.",
    "The region has long depended on remittances from workers abroad.",
    "Analysts have debated the future of the organisation for years.",
    "The ministry published new figures on wheat exports.",
    "Heavy snow closed several mountain passes overnight.",
    "{a} has a population of several million people.",
    "Officials in {cap} declined to comment on the report.",
    "The meeting is expected to focus on trade and transport links.",
    "Observers noted that turnout at the rally was lower than last year.",
    "A new railway line is planned to connect the two capitals by the end of the decade.",
]
HYPOTHETICAL = [
    "If {a} leaves {org}, the bloc could lose its southern flank.",
    "Would {b} come to the aid of {a} if fighting resumed?",
    "{a} might ask {b} for weapons next year, one adviser suggested.",
]
BOILERPLATE = [
    "Sign up for our morning newsletter to get the top stories in your inbox",
    "BRENT +0.84 81.22 WTI -0.12 77.40 GOLD +3.10 1931.5",
    "Photo: AFP via Getty Images",
    "Related: Markets wobble as grain deal talks stall",
    "Read more",
]


def article(rng: random.Random, index: int) -> dict[str, str]:
    published = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))

    def fill(template: str) -> str:
        a, b = rng.sample(STATES, 2)
        when = published - dt.timedelta(days=rng.randrange(1, 40))
        return template.format(
            a=a,
            b=b,
            cap=rng.choice(CAPITALS),
            lead=rng.choice(LEADERS),
            org=rng.choice(BODIES),
            d=f"{when:%B} {when.day}",
            m=f"{when:%B %Y}",
        )

    lines: list[str] = [rng.choice(BOILERPLATE), f"{published:%B %d, %Y}"]
    for _ in range(rng.randint(8, 18)):
        roll = rng.random()
        if roll < 0.2:
            lines.append(fill(rng.choice(EVENTS)))
        elif roll < 0.27:
            lines.append(fill(rng.choice(HYPOTHETICAL)))
        elif roll < 0.32:
            lines.append(rng.choice(BOILERPLATE))
        else:
            lines.append(fill(rng.choice(BACKGROUND)))
    a, b = rng.sample(STATES, 2)
    return {
        "id": f"synthetic-{index:07d}",
        "url": f"https://news.example/{index}",
        "title": f"Tensions between {a} and {b}",
        "published": published.isoformat(),
        "text": "\n\n".join(lines),
    }


def generate(n: int, seed: int = 7) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    for index in range(n):
        yield article(rng, index)


def write(n: int, out: Path, seed: int = 7) -> Path:
    """Write the corpus line by line: memory stays flat whatever N is."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for record in generate(n, seed):
            handle.write(json.dumps(record) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    write(args.n, args.out, args.seed)
    print(f"wrote {args.n} articles to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
