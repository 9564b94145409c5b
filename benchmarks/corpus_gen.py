"""A large, realistic synthetic news corpus with gold story ids, made from the real articles.

Seeds are the real stories in the shared data (``../shared/data``): the ECB+, NewsWCL50 and BASIL
events (full articles), the AllSides roundups (three leads per story), and single articles from
FNC-1 and IndiaPoliceEvents. A synthetic story takes one seed and a start date; each of its
articles rewrites one of the seed's articles the way outlets do: sentences dropped and
reordered, words dropped and swapped (so that a rewrite is not a near-duplicate), another
member's lead spliced in, numbers changed a little, and now and then an
exact or lightly edited wire copy of an earlier article of the same story. When a seed is used
again for another story, every name and number in it is consistently replaced with others and
it gets another date, like a second earthquake in another place and year (the ECB+ design), so
two stories never share their specific details.

Deterministic for a given ``seed``. Articles come in date order (the order of arrival), about
``per_day`` a day. The data is read from the shared folder and never written into the project.

    python benchmarks/corpus_gen.py --data ../shared/data -n 10000 --out /tmp/corpus.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rashomon.model import Article

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'])|\n+")
_NUM = re.compile(r"\b\d[\d,]*(?:\.\d+)?\b")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")
OUTLETS = (
    "Reuters",
    "AP",
    "AFP",
    "BBC",
    "CNN",
    "Fox News",
    "The Guardian",
    "The New York Times",
    "The Washington Post",
    "Bloomberg",
    "Al Jazeera",
    "NPR",
    "The Hindu",
    "ABC News",
    "Sky News",
    "The Times of India",
    "Deutsche Welle",
    "The Independent",
    "USA Today",
    "Politico",
)


@dataclass(slots=True)
class Seed:
    """One real story: the texts of its articles (title, body)."""

    name: str
    articles: list[tuple[str, str]]


def load_seeds(data_dir: str | Path) -> list[Seed]:
    data = Path(data_dir)
    seeds: dict[str, Seed] = {}

    def jsonl(path: Path):
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    for set_name in (
        "ecbplus/val.articles.jsonl",
        "newswcl50/articles.jsonl",
        "basil/articles.jsonl",
    ):
        for r in jsonl(data / set_name):
            key = f"{set_name.split('/')[0]}:{r.get('story')}"
            seeds.setdefault(key, Seed(key, [])).articles.append(
                (r.get("title") or "", r.get("text") or "")
            )
    for r in jsonl(data / "neus_allsides" / "train.jsonl"):
        arts = [(a.get("title") or "", a.get("text") or "") for a in r.get("articles", [])]
        if arts:
            seeds[f"neus:{r['id']}"] = Seed(f"neus:{r['id']}", arts)
    # FNC-1: bodies related (agree, disagree, discuss) to one headline are one story.
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for r in jsonl(data / "fnc1" / "pairs.jsonl"):
        if r.get("stance") != "unrelated":
            parent[find("b" + str(r["body_id"]))] = find("h" + r["headline"])
    groups: dict[str, list[tuple[str, str]]] = {}
    for r in jsonl(data / "fnc1" / "bodies.jsonl"):
        text = r.get("text") or ""
        if len(text) > 400:
            groups.setdefault(find("b" + str(r["body_id"])), []).append(("", text))
    for i, key in enumerate(sorted(groups)):
        seeds[f"fnc1:{i}"] = Seed(f"fnc1:{i}", groups[key])
    for r in jsonl(data / "india_police_events" / "docs.jsonl"):
        text = r.get("doc_text") or ""
        if len(text) > 400:
            seeds[f"ipe:{r['doc_id']}"] = Seed(f"ipe:{r['doc_id']}", [("", text)])
    if not seeds:
        raise FileNotFoundError(f"{data}: no seed articles found (pass --data)")
    return [seeds[k] for k in sorted(seeds)]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.split(text) if s and s.strip()]


def _story_size(rng: random.Random) -> int:
    # Heavy-tailed: many one- and two-article stories, a few with a hundred or more.
    return max(1, min(300, int(rng.paretovariate(1.3))))


class _Rewriter:
    """Consistent replacement of names and numbers, for a reused seed."""

    def __init__(self, rng: random.Random, names: list[str]) -> None:
        self.rng = rng
        self.names = names
        self.map: dict[str, str] = {}

    def name(self, m: re.Match) -> str:
        old = m.group(0)
        new = self.map.get(old)
        if new is None:
            new = self.map[old] = self.rng.choice(self.names) if self.names else old
        return new

    def number(self, m: re.Match) -> str:
        old = m.group(0)
        new = self.map.get(old)
        if new is None:
            digits = old.replace(",", "")
            try:
                value = float(digits)
            except ValueError:
                return old
            value = value * self.rng.uniform(0.3, 3.0) + self.rng.randint(1, 9)
            new = str(int(value)) if "." not in digits else f"{value:.1f}"
            self.map[old] = new
        return new

    def __call__(self, text: str) -> str:
        return _NUM.sub(self.number, _NAME.sub(self.name, text))


def _rewrite(rng: random.Random, title: str, body: str, lead_from: str | None) -> tuple[str, str]:
    sents = _sentences(body)
    if len(sents) > 3:
        keep = [s for i, s in enumerate(sents) if i < 2 or rng.random() > 0.2]
        head, tail = keep[:2], keep[2:]
        for _ in range(len(tail) // 4):  # reorder some later sentences
            i, j = rng.randrange(len(tail)), rng.randrange(len(tail))
            tail[i], tail[j] = tail[j], tail[i]
        sents = head + tail
    if lead_from and rng.random() < 0.3:
        other = _sentences(lead_from)
        if other:
            sents = [other[0], *sents[1:]]
    # Outlets reword what they take: drop a word here and there and swap neighbours, so that a
    # rewrite shares the story's words but not its word sequences (it is not a wire copy).
    words = []
    for w in " ".join(sents).split(" "):
        if rng.random() < 0.1:
            continue
        if words and rng.random() < 0.05:
            words.insert(len(words) - 1, w)
        else:
            words.append(w)
    text = " ".join(words)
    if rng.random() < 0.5:  # change a number a little, as updates do
        nums = list(_NUM.finditer(text))
        if nums:
            m = rng.choice(nums)
            digits = m.group(0).replace(",", "")
            if digits.isdigit():
                text = text[: m.start()] + str(int(digits) + rng.randint(1, 5)) + text[m.end() :]
    return title, text


def _light_edit(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    for _ in range(max(1, len(words) // 80)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(("the", "a", "said", "reported", words[i].upper()))
    return " ".join(words) + rng.choice(("", " (Reuters)", " — AP", "\nCopyright 2024."))


def generate(
    n: int,
    data_dir: str | Path,
    *,
    seed: int = 0,
    per_day: int = 400,
    start: dt.date = dt.date(2024, 1, 1),
    seeds: list[Seed] | None = None,
) -> Iterator[tuple[Article, str]]:
    """``n`` articles with their gold story ids, in order of arrival."""
    rng = random.Random(seed)
    seeds = seeds if seeds is not None else load_seeds(data_dir)
    names = sorted(
        {
            m.group(0)
            for s in seeds[:2000]
            for _, t in s.articles[:3]
            for m in _NAME.finditer(t[:2000])
        }
    )
    days = max(30, n // per_day)
    order = list(range(len(seeds)))
    rng.shuffle(order)
    plans = []  # (story id, seed, first day, size, rewriter)
    total, used = 0, 0
    while total < n:
        s = seeds[order[used % len(order)]]
        reuse = used // len(order)
        used += 1
        size = min(_story_size(rng), n - total)
        rewriter = _Rewriter(random.Random(rng.random()), names) if reuse else None
        plans.append((f"g{len(plans):06d}", s, rng.randrange(days), size, rewriter))
        total += size
    items = []  # (date ordinal, tiebreak, story index, article index in story)
    for si, (_, _, day, size, _) in enumerate(plans):
        for j in range(size):
            offset = 0 if j == 0 else min(int(rng.expovariate(0.7)), 6)
            items.append((day + offset, rng.random(), si, j))
    items.sort()
    emitted: dict[int, list[tuple[str, str]]] = {}
    for count, (day, _, si, _) in enumerate(items):
        story_id, s, _, _, rewriter = plans[si]
        prior = emitted.setdefault(si, [])
        roll = rng.random()
        if prior and roll < 0.08:  # exact wire copy
            title, text = rng.choice(prior)
        elif prior and roll < 0.16:  # lightly edited wire copy
            title, text = rng.choice(prior)
            text = _light_edit(rng, text)
        else:
            title, body = rng.choice(s.articles)
            other = rng.choice(s.articles)[1] if len(s.articles) > 1 else None
            if rewriter is not None:
                title, body = rewriter(title), rewriter(body)
                other = rewriter(other) if other else None
            title, text = _rewrite(rng, title, body, other)
        prior.append((title, text))
        date = start + dt.timedelta(days=day)
        yield (
            Article(
                id=f"gen/{count:07d}",
                text=text,
                title=title or None,
                source=rng.choice(OUTLETS),
                published=date.isoformat(),
                meta={"seed": s.name, "copy": roll < 0.16 and len(prior) > 1},
            ),
            story_id,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="a JSONL file to write (outside the repo)")
    args = parser.parse_args(argv)
    with open(args.out, "w", encoding="utf-8") as fh:
        for article, story in generate(args.n, args.data, seed=args.seed):
            row = article.to_dict()
            row["story"] = story
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
