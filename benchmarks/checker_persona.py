"""Balanced accuracy of the faithfulness checker on labelled persona answers (a JSONL file).

Usage: python benchmarks/checker_persona.py PATH_TO_JSONL [--target 0.97] [--show KIND]

Each line: {"contexts": [...], "answer": "...", "label": 1|0, "kind": "faithful" or the planted error,
"domain": ...}; label 1 means every claim is supported. Prints balanced accuracy, the share of faithful
answers kept, wrong answers caught, accuracy per kind and per domain, and the time per answer. --show KIND
prints the misses of one kind with the checker's reasons (for finding what breaks, not for rules).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checker import check  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--target", type=float, default=0.97)
    ap.add_argument("--show", default="", help="print the misses of this kind")
    ap.add_argument("--out", type=Path, default=None, help="also write the report (markdown) here")
    a = ap.parse_args(argv)
    cases = [json.loads(line) for line in open(a.file, encoding="utf-8") if line.strip()]
    tp = tn = fp = fn = 0
    by_kind: dict[str, list[bool]] = {}
    by_domain: dict[str, list[bool]] = {}
    t0 = time.perf_counter()
    for c in cases:
        result = check(c["answer"], c["contexts"])
        ok = int(result.faithful) == c["label"]
        by_kind.setdefault(c["kind"], []).append(ok)
        by_domain.setdefault(c.get("domain", "-"), []).append(ok)
        if c["label"] == 1:
            tp += ok
            fn += not ok
        else:
            tn += ok
            fp += not ok
        if a.show in (c["kind"], "all") and not ok:
            print(f"MISS [{c['kind']}] {c['answer']}")
            for cl in result.claims:
                print(f"    {cl.label:<12} {cl.text}  ({cl.reason})")
    ms = (time.perf_counter() - t0) / max(len(cases), 1) * 1000
    kept = tp / max(tp + fn, 1)
    bacc = 0.5 * (kept + tn / max(tn + fp, 1))
    lines = ["by kind:"] + [f"  {k:<22} {sum(v):>4}/{len(v):<4} {sum(v) / len(v):.2f}" for k, v in sorted(by_kind.items())]
    lines.append("by domain: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(by_domain.items())))
    lines.append(f"balanced accuracy {bacc:.3f} (target >= {a.target}), faithful answers kept {tp}/{tp + fn} "
                 f"({kept:.3f}), wrong answers caught {tn}/{tn + fp}, {ms:.1f} ms per answer")
    print("\n".join(lines))
    if a.out:
        a.out.write_text(f"# Checker on persona answers\n\n`python benchmarks/checker_persona.py {a.file}`\n\n```\n"
                         + "\n".join(lines) + "\n```\n", encoding="utf-8")
    return 0 if bacc >= a.target else 1


if __name__ == "__main__":
    sys.exit(main())
