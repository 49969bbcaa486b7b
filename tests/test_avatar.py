"""Tests for personas.avatar: deterministic, offline SVG persona portraits."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from personas.avatar import GREY_HAIR, SKIN_TONES, avatar_data_uri, render_avatar

NS = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[1]
CASES = [("female", 16), ("male", 28), ("female", 47), ("male", 70), (None, 35), ("female", 67), ("male", None)]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in (el.get("class") or "").split()]


def _hair_fills(svg: str) -> set[str]:
    return {el.get("fill") for el in _with_class(_parse(svg), "hair")}


def _rgb(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def _is_grey_or_white(c: str) -> bool:
    r, g, b = _rgb(c)
    return max(r, g, b) - min(r, g, b) <= 12 and (r + g + b) / 3 >= 120


def test_same_arguments_give_identical_svg():
    for gender, age in CASES:
        for seed in (0, 7, 123456789, -3):
            assert render_avatar(gender, age, seed) == render_avatar(gender, age, seed)
    assert render_avatar("female", 34, 5, size=64) == render_avatar("female", 34, 5, size=64)


@pytest.mark.parametrize("hashseed", ["0", "4242"])
def test_identical_svg_in_another_process_with_other_hash_seed(hashseed):
    code = "import sys; from personas.avatar import render_avatar; sys.stdout.write(render_avatar('female', 34, 99))"
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout == render_avatar("female", 34, 99)
    assert out.stdout.startswith("<svg")


@pytest.mark.parametrize("gender,age", CASES)
def test_different_seeds_give_different_pictures(gender, age):
    svgs = {render_avatar(gender, age, seed) for seed in range(30)}
    assert len(svgs) >= 25
    assert render_avatar(gender, age, 1) != render_avatar(gender, age, 2)


@pytest.mark.parametrize("gender,age,word", [("female", 34, "woman"), ("male", 52, "man"), (None, 35, "person"),
                                             ("other", 70, "person"), ("female", 16, "woman")])
def test_valid_xml_with_size_viewbox_role_and_title(gender, age, word):
    svg = render_avatar(gender, age, 11, size=96)
    root = _parse(svg)
    assert root.tag == NS + "svg"
    assert root.get("width") == "96" and root.get("height") == "96"
    box = [float(v) for v in root.get("viewBox").split()]
    assert len(box) == 4 and box[2] > 0 and box[3] > 0
    assert root.get("role") == "img"
    title = root.find(NS + "title")
    assert title is not None
    assert title.text.startswith("Avatar: ")
    assert word in title.text.split(", ")[0].split()
    assert f"about {age}" in title.text


def test_title_without_age_has_no_age():
    title = _parse(render_avatar("female", None, 3)).find(NS + "title").text
    assert title == "Avatar: woman"


def test_small_and_self_contained():
    for gender, age in CASES:
        for seed in range(60):
            svg = render_avatar(gender, age, seed)
            assert len(svg.encode("utf-8")) < 4096
            low = svg.lower()
            for bad in ("href", "<script", "<text", "font", "url(", "<image", "http://www.w3.org/1999"):
                assert bad not in low, (bad, gender, age, seed)


def test_age_70_has_grey_or_white_hair_and_age_16_does_not():
    for gender in ("female", "male", None):
        for seed in range(40):
            old = _hair_fills(render_avatar(gender, 70, seed))
            young = _hair_fills(render_avatar(gender, 16, seed))
            assert old and young, (gender, seed)
            assert all(c in GREY_HAIR and _is_grey_or_white(c) for c in old), (gender, seed, old)
            assert not any(c in GREY_HAIR or _is_grey_or_white(c) for c in young), (gender, seed, young)


def test_hair_greys_from_about_50():
    def brightness(svg):
        (fill,) = _hair_fills(svg)
        return sum(_rgb(fill)) / 3

    for seed in range(30):
        assert brightness(render_avatar("female", 56, seed)) > brightness(render_avatar("female", 30, seed))
        assert not (_hair_fills(render_avatar("female", 56, seed)) & set(GREY_HAIR))


def test_no_wrinkles_for_teens_or_unknown_age_but_for_the_old():
    for gender in ("female", "male", None):
        for seed in range(40):
            assert not _with_class(_parse(render_avatar(gender, 16, seed)), "wrinkles")
            assert not _with_class(_parse(render_avatar(gender, None, seed)), "wrinkles")
            assert _with_class(_parse(render_avatar(gender, 70, seed)), "wrinkles")
            assert _with_class(_parse(render_avatar(gender, 47, seed)), "wrinkles")


def test_facial_hair_only_for_adult_men():
    men = [bool(_with_class(_parse(render_avatar("male", 40, seed)), "facial-hair")) for seed in range(50)]
    assert any(men) and not all(men)
    for seed in range(50):
        for age in (16, 25, 40, 70, None):
            assert not _with_class(_parse(render_avatar("female", age, seed)), "facial-hair")
            assert not _with_class(_parse(render_avatar(None, age, seed)), "facial-hair")
        assert not _with_class(_parse(render_avatar("male", 16, seed)), "facial-hair")


def test_glasses_more_common_with_age():
    def count(age):
        return sum(bool(_with_class(_parse(render_avatar("female", age, s)), "glasses")) for s in range(200))

    assert count(72) > count(25) > 0


def test_skin_tones_come_from_a_varied_palette():
    tones = set()
    for seed in range(100):
        fills = {el.get("fill") for el in _parse(render_avatar("male", 30, seed)).iter()}
        (skin,) = fills & set(SKIN_TONES)
        tones.add(skin)
    assert 6 <= len(SKIN_TONES) <= 8
    assert len(tones) >= 6


def test_data_uri_round_trips():
    svg = render_avatar("female", 34, 42)
    uri = avatar_data_uri(svg)
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri[len(prefix):], validate=True).decode("utf-8") == svg


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        render_avatar("female", 30, 1, size=0)
    with pytest.raises(ValueError):
        render_avatar("female", -1, 1)
    with pytest.raises(TypeError):
        render_avatar("female", 30, "1")
