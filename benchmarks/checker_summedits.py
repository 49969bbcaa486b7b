"""The faithfulness checker on SummEdits (Laban et al., 2023; Apache-2.0): three human-labelled domains.

Each sample is a document and a summary (``label`` 1 = consistent). The checker gets the document as its only
context and predicts ``faithful``; with no persona in the contexts it runs in document mode (``eval/documents.py``:
figures, negations, opposites and names the document lacks; no model, no threshold); a naive baseline computed here predicts "consistent iff every number in the
summary appears in the document". Balanced accuracy per domain, on a fixed hash split of the documents:
``dev`` (documents whose sha1(doc) starts with 0-7, where the checker's wording lists were looked at) and
``test`` (8-f, never looked at), and on the whole set.

    python benchmarks/checker_summedits.py [FOLDER]     # default: ../shared/benchmarks/summedits
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checker import check

DOMAINS = ("ectsum", "sales_email", "samsum")
ANCHORS = {  # published balanced accuracy (%), from the SummEdits README
    "QAFactEval": (72.6, 63.6, 66.2),
    "SummaC-Conv": (57.9, 53.7, 53.1),
    "GPT-4": (87.0, 79.5, 83.1),
}
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "summedits"


def split_of(doc: str) -> str:
    return "dev" if hashlib.sha1(doc.encode("utf-8")).hexdigest()[0] in "01234567" else "test"


def naive(doc: str, summary: str) -> bool:
    nums = re.findall(r"\d+(?:[.,]\d+)*", summary)
    return all(n in doc for n in nums)


def balanced_accuracy(labels: list[int], preds: list[bool]) -> float:
    pos = [p for l, p in zip(labels, preds) if l == 1]
    neg = [not p for l, p in zip(labels, preds) if l == 0]
    if not pos or not neg:
        return float("nan")
    return 100 * (sum(pos) / len(pos) + sum(neg) / len(neg)) / 2


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "checker_summedits.md")
    ap.add_argument("--split", choices=("dev", "test", "all"), default="all", help="which samples to run")
    args = ap.parse_args(argv)
    if not args.folder.is_dir():
        print(f"no SummEdits folder at {args.folder}: pass the folder that holds summedits_*.json", file=sys.stderr)
        return 2
    rows = []
    total_time, total_n = 0.0, 0
    for dom in DOMAINS:
        samples = json.loads((args.folder / f"summedits_{dom}.json").read_text(encoding="utf-8"))
        if args.split != "all":
            samples = [s for s in samples if split_of(s["doc"]) == args.split]
        t0 = time.perf_counter()
        ours = [check(s["summary"], [s["doc"]]).faithful for s in samples]
        total_time += time.perf_counter() - t0
        total_n += len(samples)
        base = [naive(s["doc"], s["summary"]) for s in samples]
        labels = [int(s["label"]) for s in samples]
        splits = [split_of(s["doc"]) for s in samples]
        res = {}
        for part in ("dev", "test", "all"):
            idx = [i for i, sp in enumerate(splits) if part == "all" or sp == part]
            res[part] = (len(idx), balanced_accuracy([labels[i] for i in idx], [ours[i] for i in idx]),
                         balanced_accuracy([labels[i] for i in idx], [base[i] for i in idx]))
        rows.append((dom, res))
    lines = ["# Faithfulness checker on SummEdits", "",
             "`python benchmarks/checker_summedits.py ../shared/benchmarks/summedits` (deterministic document mode, "
             "`eval/documents.py`, offline, no model; the document is the single context, `faithful` is the "
             "prediction). Balanced accuracy (%). Split: documents whose sha1 starts with 0-7 are `dev` (the rules "
             "and word lists were designed on it), 8-f are `test` (never looked at).", "",
             "| domain | samples (test / all) | ours: test | naive: test | ours: all | naive: all | QAFactEval | "
             "SummaC-Conv | GPT-4 |", "|---|---|---|---|---|---|---|---|---|"]
    for i, (dom, res) in enumerate(rows):
        nt, ot, bt = res["test"]
        na, oa, ba = res["all"]
        lines.append(f"| {dom} | {nt} / {na} | **{ot:.1f}** | {bt:.1f} | {oa:.1f} | {ba:.1f} | "
                     f"{ANCHORS['QAFactEval'][i]} | {ANCHORS['SummaC-Conv'][i]} | {ANCHORS['GPT-4'][i]} |")
    lines += ["", "| domain | ours: dev | naive: dev |", "|---|---|---|"]
    for dom, res in rows:
        lines.append(f"| {dom} | {res['dev'][1]:.1f} | {res['dev'][2]:.1f} |")
    lines += ["", f"{total_n} samples checked in {total_time:.1f} s ({1000 * total_time / max(total_n, 1):.1f} ms each)."]
    text = "\n".join(lines) + "\n"
    if args.split == "all":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
