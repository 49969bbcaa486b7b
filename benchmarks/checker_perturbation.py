"""Perturbation suite for the faithfulness checker (FactCC / SummEdits style), built from real persona facts.

Personas come from the built-in demo data (the real pipeline, k = 10); each persona's facts are the exact
texts the chat retrieves (retrieval.documents.persona_documents). Faithful first-person answers are written
from several templates per fact kind (worded unlike the fact sentences: hedges, rounding, "people like me",
thousands, fractions), then edited: a number swapped with another number of the context, a number moved by a
few percent, an entity swapped, a number bound to the wrong topic or title, a wrong superlative, a negation,
an invented extra fact. Balanced accuracy per edit type = (share of the faithful answers called faithful +
share of the edited answers called unfaithful) / 2, over the faithful answers the edits were made from.

    python benchmarks/checker_perturbation.py [--out benchmarks/results/checker_perturbation.md]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker import check

EDITS = ("number_swap", "number_shift", "entity_swap", "wrong_binding", "wrong_superlative", "negation",
         "invented_fact")
OTHER_COUNTRIES = ["France", "Japan", "Nigeria", "Canada", "Mexico", "Sweden", "Italy", "Egypt"]
INVENTED = [
    "My group also has {n:,} subscribers.",
    "I also love {topic} videos.",
    "Most of my group watches on their phones late at night.",
    "I work as a nurse, so I watch on my breaks.",
    "My favourite creator is {person}.",
    "About {p}% of my group watches with subtitles on.",
    "We mostly found the channel through {site}.",
    "My group never skips the ads.",
]
INVENTED_TOPICS = ["Gardening", "Astronomy", "Knitting", "Motorsport", "Jazz", "Woodworking"]
PEOPLE = ["Marques Brownlee", "Gordon Ramsay", "Emma Chamberlain", "Linus Sebastian"]
SITES = ["TikTok", "a Reddit thread", "Instagram ads", "a podcast"]


@dataclass
class Sent:
    text: str
    kind: str
    data: dict


def pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def load_personas() -> list[tuple[dict, list[str]]]:
    from personas import datasets
    from personas.data import load
    from personas.pipeline import GenerateOptions, generate
    from usecases.settings import Settings
    from retrieval.documents import persona_documents

    data = load(datasets.demo_spec())
    with tempfile.TemporaryDirectory() as home:
        pset = generate(data, Settings(home=Path(home)).generation, GenerateOptions(name="demo", version=1, k=10, seed=0))
    out = []
    for p in pset.personas:
        d = p.to_export()
        d.pop("avatar", None)
        out.append((d, [f.text for f in persona_documents(p)]))
    return out


def faithful_sentences(p: dict, rng: random.Random) -> list[Sent]:
    """Several wordings per fact kind; one is drawn for each fact an answer uses."""
    out: list[Sent] = []
    n = p["group_interactions"]
    share = p["audience_share"]
    audience = [
        f"My group has {n:,} views in total, which is {pct(share)} of all views.",
        f"People like me account for {pct(share)} of everything watched on the channel.",
        f"All together, people like me have watched {n:,} times.",
        f"That's roughly {round(n / 1000):,} thousand views from my group.",
        f"We're about {round(share * 100)}% of the whole audience.",
    ]
    out.append(Sent(rng.choice(audience), "audience", {}))
    gender_word = {"female": "woman", "male": "man"}.get(p["gender"] or "", "person")
    demo = [
        f"I'm {p['age']} years old and I live in {p['country']}.",
        f"I'm a {p['age']}-year-old {gender_word} from {p['country']}.",
        f"I'm from {p['country']}.",
        f"I'm a {gender_word}, {p['age']} years old.",
        f"My group is {p['group']['age']} years old, {p['gender']}, from {p['country']}.",
    ]
    out.append(Sent(rng.choice(demo), "demographics", {}))
    counts = p["stats"]["topic_counts"]
    lifts = p["stats"]["topic_lift"]
    for r, t in enumerate(p["topics"][:4], 1):
        name, sh = t["topic"], t["share"]
        c = counts[name]
        forms = [
            f"{name} is {pct(sh)} of my group's views ({c:,} views).",
            f"About {round(sh * 100)}% of what people like me watch is {name}.",
            f"{name} gets {c:,} views from my group.",
            f"People like me watch {name} {lifts[name]:.1f}x as much as the average viewer.",
        ]
        if r == 1:
            forms += [f"My favourite topic is {name}.", f"Mostly {name}: it's my top topic at {pct(sh)} of my views."]
        elif r == 2:
            forms += [f"{name} comes second for me, with {pct(sh)} of my views."]
        else:
            forms += [f"{name} is my topic number {r}."]
        out.append(Sent(rng.choice(forms), "topic", {"topic": name, "rank": r}))
    for r, c in enumerate(p["top_content"][:3], 1):
        title, cnt = c["title"], c["count"]
        forms = [
            f"My group watched \"{title}\" {cnt:,} times.",
            f"\"{title}\" has {cnt:,} views from people like me.",
        ]
        forms += [f"The video we watch most is \"{title}\"."] if r == 1 else [f"Number {r} on my list is \"{title}\"."]
        out.append(Sent(rng.choice(forms), "content", {"title": title, "rank": r}))
    for q in p["quotes"][:1]:
        out.append(Sent(rng.choice([f"Someone in my group wrote \"{q['text']}\" under \"{q['title']}\".",
                                    f"One comment from my group says: \"{q['text']}\""]), "quote", {}))
    for rate in p["stats"]["rates"][:1]:
        out.append(Sent(f"My group left {rate['total']:,} {rate['column'].replace('_', ' ')} in total.", "rate", {}))
    return out


def numbers_in(text: str) -> list[re.Match[str]]:
    masked = re.sub(r"\"[^\"]*\"", lambda m: " " * len(m.group(0)), text)
    return [m for m in re.finditer(r"(?<![\d,.])\d{1,3}(?:,\d{3})*(?:\.\d+)?(?![\d-])", masked)
            if not re.match(r"\d{4}-", masked[m.start():]) and masked[m.start() - 1:m.start()] != "-"]


def edit(kind: str, s: Sent, p: dict, contexts: list[str], rng: random.Random) -> str | None:
    t = s.text
    nums = numbers_in(t)
    if kind == "number_swap":
        if not nums:
            return None
        m = rng.choice(nums)
        pool = {x.group(0) for c in contexts for x in numbers_in(c)}
        is_pct = t[m.end():m.end() + 1] == "%"
        v = float(m.group(0).replace(",", ""))
        # Another value of the context, far enough from the true one to be a different fact (not its rounding).
        pool = [x for x in pool if ("." in x) == ("." in m.group(0)) and x not in t
                and abs(float(x.replace(",", "")) - v) > 0.25 * max(v, 1)]
        if is_pct:
            pool = [x for x in pool if float(x.replace(",", "")) < 100]
        if not pool:
            return None
        return t[:m.start()] + rng.choice(sorted(pool)) + t[m.end():]
    if kind == "number_shift":
        exact = [m for m in nums if not re.search(r"(about|roughly|thousand|\d+x)", t[max(0, m.start() - 8):m.end() + 10])]
        if not exact:
            return None
        m = rng.choice(exact)
        v = float(m.group(0).replace(",", ""))
        f = 1 + rng.choice([-1, 1]) * rng.uniform(0.04, 0.09)
        if "." in m.group(0):
            d = len(m.group(0).split(".")[1])
            new = f"{v * f:,.{d}f}"
            if new == m.group(0):
                new = f"{v + 10 ** -d * 3:,.{d}f}"
        else:
            new = f"{max(int(round(v * f)), int(v) + 2):,}"
        return t[:m.start()] + new + t[m.end():]
    if kind == "entity_swap":
        if s.kind == "demographics" and p["country"] in t:
            return t.replace(p["country"], rng.choice([c for c in OTHER_COUNTRIES if c != p["country"]]))
        if s.kind == "content":
            others = [c["title"] for c in p["top_content"][5:]]
            return t.replace(s.data["title"], rng.choice(others)) if others else None
        return None
    if kind == "wrong_binding":
        if s.kind == "topic" and nums:
            # Only topics whose own figures differ clearly, so that the edited sentence is false.
            me = next(x for x in p["topics"] if x["topic"] == s.data["topic"])
            lift = p["stats"]["topic_lift"]
            others = [x["topic"] for x in p["topics"][:6] if x["topic"] != s.data["topic"]
                      and abs(x["share"] - me["share"]) > max(0.02, 0.25 * me["share"])
                      and abs(lift[x["topic"]] - lift[me["topic"]]) > max(0.3, 0.25 * lift[me["topic"]])]
            if not others:
                return None
            return re.sub(rf"\b{re.escape(s.data['topic'])}\b", rng.choice(others), t)
        if s.kind == "content" and nums:
            others = [c["title"] for c in p["top_content"][:6] if c["title"] != s.data["title"]]
            return t.replace(s.data["title"], rng.choice(others))
        return None
    if kind == "wrong_superlative":
        if s.kind == "topic":
            t1 = p["topics"][0]["topic"]
            other = p["topics"][rng.randint(1, 3)]["topic"]
            return rng.choice([f"My favourite topic is {other}.", f"Mostly {other}: it's my top topic.",
                               f"{t1} comes second for me.", f"The topic people like me watch most is {other}."])
        if s.kind == "content":
            other = p["top_content"][rng.randint(1, 4)]["title"]
            return rng.choice([f"The video we watch most is \"{other}\".", f"My number 1 video is \"{other}\"."])
        return None
    if kind == "negation":
        if s.kind == "topic":
            name = s.data["topic"]
            return rng.choice([f"I never watch {name} videos.", f"{name} is not something my group watches.",
                               f"People like me don't care about {name}."])
        if s.kind == "content":
            return f"My group hasn't watched \"{s.data['title']}\"."
        return None
    if kind == "invented_fact":
        tmpl = rng.choice(INVENTED)
        extra = tmpl.format(n=rng.randint(2, 90) * 1000, topic=rng.choice(INVENTED_TOPICS), person=rng.choice(PEOPLE),
                            p=rng.randint(15, 70), site=rng.choice(SITES))
        return t + " " + extra
    raise ValueError(kind)


def build_cases(personas: list[tuple[dict, list[str]]], per_persona: int, seed: int):
    rng = random.Random(seed)
    cases = []  # (answer, contexts, stats, label, edit kind or "", base id)
    base_id = 0
    for pi, (p, facts) in enumerate(personas):
        other_facts = personas[(pi + 1) % len(personas)][1]
        for _ in range(per_persona):
            sents = faithful_sentences(p, rng)
            chosen = rng.sample(sents, k=min(len(sents), rng.randint(2, 4)))
            # What a retriever would hand over: this persona's facts and a few of another persona's.
            contexts = facts + rng.sample(other_facts, 3)
            rng.shuffle(contexts)
            stats = p if rng.random() < 0.5 else None
            prefix = rng.choice(["", "Sure! ", "Good question. "])
            texts = [c.text + (f" [{rng.randint(1, 9)}]" if rng.random() < 0.4 else "") for c in chosen]
            answer = prefix + " ".join(texts)
            cases.append((answer, contexts, stats, 1, "", base_id))
            for kind in EDITS:
                targets = list(range(len(chosen)))
                rng.shuffle(targets)
                for i in targets:
                    new = edit(kind, chosen[i], p, contexts, rng)
                    if new and new != chosen[i].text:
                        edited = prefix + " ".join(new if j == i else texts[j] for j in range(len(chosen)))
                        cases.append((edited, contexts, stats, 0, kind, base_id))
                        break
            base_id += 1
    return cases


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-persona", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "checker_perturbation.md")
    ap.add_argument("--show-errors", type=int, default=0)
    args = ap.parse_args(argv)
    personas = load_personas()
    cases = build_cases(personas, args.per_persona, args.seed)
    t0 = time.perf_counter()
    preds = [check(a, c, s).faithful for a, c, s, *_ in cases]
    elapsed = time.perf_counter() - t0
    pos_ok = {b: pr for (a, c, s, lab, k, b), pr in zip(cases, preds) if lab == 1}
    rows = []
    by_kind: dict[str, list[bool]] = defaultdict(list)
    errors = []
    for (a, c, s, lab, k, b), pr in zip(cases, preds):
        if lab == 0:
            by_kind[k].append(not pr)
        if (lab == 1) != pr:
            errors.append((k or "faithful", a))
    tpr = sum(pos_ok.values()) / len(pos_ok)
    for k in EDITS:
        hits = by_kind[k]
        bases = {b for (a, c, s, lab, kk, b) in cases if kk == k}
        tpr_k = sum(pos_ok[b] for b in bases) / len(bases)
        rows.append((k, len(hits), tpr_k, sum(hits) / len(hits), (tpr_k + sum(hits) / len(hits)) / 2))
    all_neg = [x for v in by_kind.values() for x in v]
    overall = (tpr + sum(all_neg) / len(all_neg)) / 2
    lines = ["# Faithfulness checker: perturbation suite", "",
             f"`python benchmarks/checker_perturbation.py` (demo personas, k = 10, {args.per_persona} faithful answers "
             f"per persona, seed {args.seed}; about 33 contexts per answer: the persona's 30 facts and 3 of another "
             "persona's; stats given for half of the answers).", "",
             "| edit | edited answers | faithful kept faithful | edits caught | balanced accuracy |",
             "|---|---|---|---|---|"]
    for k, n, a, b, ba in rows:
        lines.append(f"| {k} | {n} | {a:.3f} | {b:.3f} | {ba:.3f} |")
    lines.append(f"| **overall** | {len(all_neg)} (and {len(pos_ok)} faithful) | {tpr:.3f} | "
                 f"{sum(all_neg) / len(all_neg):.3f} | **{overall:.3f}** |")
    lines += ["", f"Checked {len(cases)} answers in {elapsed:.2f} s ({1000 * elapsed / len(cases):.1f} ms per answer)."]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    for k, a in errors[: args.show_errors]:
        print(f"[{k}] {a}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
