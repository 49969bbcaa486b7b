"""Deterministic, offline persona portraits: small standalone SVG documents.

Each persona stands for an audience segment, not a real person, so the picture is a friendly,
flat, head-and-shoulders illustration whose look follows only the segment's gender and age
and an integer seed. Every random choice is drawn from ``random.Random(seed)`` in a fixed order
(never from the salted built-in ``hash``), so the same arguments give the byte-identical SVG in
any process, and the same seed keeps the same skin tone, base hair colour, clothes and background
when only the age changes (the persona simply looks older).

Elements that tests and style sheets may look for carry a class: ``hair`` (its ``fill`` is the
hair colour), ``facial-hair``, ``wrinkles`` and ``glasses``.
"""

from __future__ import annotations

import base64
import operator
import random
from xml.sax.saxutils import escape

__all__ = ["render_avatar", "avatar_data_uri", "SKIN_TONES", "HAIR_COLOURS", "GREY_HAIR"]

# Light to deep; realistic, evenly spread.
SKIN_TONES = ("#f9dcc9", "#f1c8a7", "#e1ad88", "#c98f66", "#a86f4b", "#84502f", "#5e3823")
# Black, dark brown, brown, light brown, auburn, dark blonde, blonde.
HAIR_COLOURS = ("#1e1916", "#3b2a20", "#5b3b27", "#8a5c3b", "#8e4424", "#b58b57", "#d9ba80")
# What hair turns to from about 65: grey to white.
GREY_HAIR = ("#9c9c9a", "#b3b3b1", "#cbcbc8", "#e4e3df")
CLOTHING = ("#4a6fa5", "#6b8f71", "#c0664f", "#7a5c99", "#d2a13f", "#3d5a6c", "#b5475d", "#2f7f86", "#5d6d7e")
BACKGROUNDS = ("#dbe9f4", "#f7e5d7", "#e2f0e0", "#ece3f4", "#fbf0cf", "#dcefef", "#f5e0e3", "#e6e9f7")
_FRAMES = ("#2b2b2b", "#6b4a2e", "#9a7b3c", "#44546a")
_FRAMES_LIGHT = ("#c9a45c", "#b8bcc4", "#d08a5c", "#9fb3c8")  # keep contrast on deep skin tones
_GREY_MIX = "#c9c8c5"
_FEMALE = {"female", "f", "woman", "women", "girl"}
_MALE = {"male", "m", "man", "men", "boy"}
_NS = "http://www.w3.org/2000/svg"


def _rgb(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def _hex(r: float, g: float, b: float) -> str:
    return "#%02x%02x%02x" % tuple(max(0, min(255, round(v))) for v in (r, g, b))


def _mix(a: str, b: str, t: float) -> str:
    """Colour ``t`` of the way from a to b."""
    return _hex(*(x + (y - x) * t for x, y in zip(_rgb(a), _rgb(b))))


def _shade(c: str, f: float) -> str:
    return _hex(*(v * f for v in _rgb(c)))


def _pick(seq, u: float):
    return seq[min(int(u * len(seq)), len(seq) - 1)]


def _weighted(weights, u: float) -> int:
    total = sum(weights)
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w / total
        if u < acc:
            return i
    return len(weights) - 1


def _gender(gender: str | None) -> str:
    g = (gender or "").strip().lower() if isinstance(gender, str) else ""
    if g in _FEMALE:
        return "female"
    if g in _MALE:
        return "male"
    return "neutral"


def _title(g: str, age: int | None) -> str:
    word = {"female": "woman", "male": "man", "neutral": "person"}[g]
    if age is not None and age < 18:
        word = "young " + word
    return f"Avatar: {word}" + (f", about {age}" if age is not None else "")


# Hair styles: (back part drawn behind the body, or None; front part drawn over the face).
# Head: centre x 64, top y 30, sides x 43..85, chin y ~82.
_CAP = "M41 56C39 33 50 24 64 24C78 24 89 33 87 56"
_STYLES = {
    "crew": (None, _CAP + "L85 53C84 46 82 42 79 40C70 43 58 43 49 40C46 42 44 46 43 53Z"),
    "side-part": (None, "M41 56C38 31 50 21 65 22C80 23 90 32 87 56L85 52C84 45 83 41 80 38"
                  "C71 41 61 40 55 35C51 40 46 44 43 52Z"),
    "quiff": (None, "M41 56C38 33 46 23 58 21C64 15 76 16 81 23C89 29 90 40 87 56L85 52C84 45 82 41 80 39"
              "C70 42 58 42 49 39C46 42 44 46 43 52Z"),
    "buzz": (None, "M42 54C41 35 51 27 64 27C77 27 87 35 86 54C85 46 82 41 78 39C70 41 58 41 50 39"
             "C46 41 43 46 42 54Z"),
    "curly-short": (None, "M41 56C36 40 42 27 52 24C58 18 70 18 76 24C86 27 92 40 87 56C85 48 83 44 80 42"
                    "C72 44 56 44 48 42C45 44 43 48 41 56Z"),
    "receding": (None, _CAP + "L85 53C84 44 82 38 79 34C75 36 71 34 68 32C65 33 63 33 60 32"
                 "C57 34 53 36 49 34C46 38 44 45 43 53Z"),
    "bald": (None, "M41 60C40 51 42 46 45 43L47 50C45 53 44 57 44 61ZM87 60C88 51 86 46 83 43L81 50"
             "C83 53 84 57 84 61Z"),
    "long": ("M39 56C37 30 50 22 64 22C78 22 91 30 89 56C90 76 92 92 97 106L31 106C36 92 38 76 39 56Z",
             "M41 74C39 54 40 38 48 30C56 23 72 23 80 30C88 37 89 50 87 74C85 64 85 54 83 47"
             "C76 45 66 40 61 34C58 40 51 46 45 48C44 56 43 64 41 74Z"),
    "wavy": ("M39 56C35 30 50 21 64 21C78 21 93 30 89 56C93 66 88 74 92 84C95 92 90 100 96 106L32 106"
             "C38 100 33 92 36 84C40 74 35 66 39 56Z",
             "M41 72C38 52 40 36 49 29C57 23 73 23 80 29C89 36 90 52 87 72C85 62 84 53 82 46"
             "C74 44 62 40 57 34C55 41 50 46 45 48C43 56 43 63 41 72Z"),
    "bob": ("M38 56C37 29 50 22 64 22C78 22 91 29 90 56C90 70 90 78 92 85C86 88 82 87 79 84L49 84"
            "C46 87 42 88 36 85C38 78 38 70 38 56Z",
            _CAP + "L86 60C85 52 84 48 82 45C70 47 58 47 46 45C44 48 43 52 42 60Z"),
    "ponytail": ("M77 33C99 36 101 62 96 84C94 93 85 94 86 87C90 68 89 52 74 41Z",
                 "M42 56C39 34 50 25 64 25C78 25 89 34 86 56C85 46 80 39 68 36C58 36 48 42 42 56Z"),
    "bun": ("M64 13A9 9 0 1 1 63.9 13Z",
            "M42 56C39 34 50 25 64 25C78 25 89 34 86 56C85 46 80 39 68 36C58 36 48 42 42 56Z"),
    "pixie": (None, "M41 58C38 34 50 24 64 24C79 24 89 34 87 58L85 55C84 47 82 42 79 40C72 44 62 44 52 40"
              "C49 45 45 47 43 55Z"),
    "shag": ("M39 56C37 30 50 22 64 22C78 22 91 30 89 56C90 64 90 70 88 76L40 76C38 70 38 64 39 56Z",
             "M41 66C38 44 46 28 58 25C70 22 86 30 87 48L87 66C85 58 84 50 82 45C74 46 64 43 58 38"
             "C55 43 49 46 45 47C44 53 43 59 41 66Z"),
}
_FEMALE_STYLES = ("long", "bob", "ponytail", "wavy", "bun", "pixie")
_FEMALE_OLDER = ("bob", "pixie", "bun", "long", "wavy")
_MALE_STYLES = ("crew", "side-part", "quiff", "buzz", "curly-short")
_NEUTRAL_STYLES = ("shag", "pixie", "curly-short", "bob")


def render_avatar(gender: str | None, age: int | None, seed: int, size: int = 128) -> str:
    """Return a standalone SVG document (str) of a friendly flat-illustration head-and-shoulders portrait.

    ``gender`` is ``"female"``, ``"male"`` or anything else (a neutral look); ``age`` is in years
    or ``None`` (an adult look without age cues); ``seed`` picks the individual look; ``size`` is
    the rendered width and height in pixels (the drawing itself is a 128 x 128 viewBox).
    """
    seed = operator.index(seed)
    size = operator.index(size)
    if size <= 0:
        raise ValueError(f"avatar size must be a positive number of pixels, got {size}")
    if age is not None:
        age = operator.index(age)
        if age < 0:
            raise ValueError(f"age must be zero or more years, got {age}")
    g = _gender(gender)
    rng = random.Random(seed)
    # Fixed number and order of draws, whatever the inputs: a seed is one "person".
    u = [rng.random() for _ in range(16)]
    a = 32 if age is None else age  # drawing age; None gets an adult look with no age cues
    cues = age is not None

    skin = _pick(SKIN_TONES, u[0])
    si = SKIN_TONES.index(skin)
    shadow = _shade(skin, 0.86)
    weights = ((2, 3, 3, 2, 1, 1.5, 1.5), (2, 3, 3, 2, 1, 1.5, 1.5), (2, 3, 3, 2, 1, 1, 1),
               (3, 3, 3, 1.5, .5, .5, .3), (5, 4, 1, 0, 0, 0, 0), (6, 3, 0, 0, 0, 0, 0),
               (7, 2, 0, 0, 0, 0, 0))[si]
    hair = HAIR_COLOURS[_weighted(weights, u[1])]
    if cues and a >= 65:
        hair = GREY_HAIR[min(3, int(u[2] * 2.2 + (a - 65) / 10))]
    elif cues and a >= 50:
        hair = _mix(hair, _GREY_MIX, 0.3 + 0.3 * (a - 50) / 15 + 0.1 * u[2])
    brow = _shade(hair, 0.62 if hair in GREY_HAIR else 0.8)
    cloth = _pick(CLOTHING, u[3])
    bg = _pick(BACKGROUNDS, u[4])
    if bg == cloth:  # never happens with these palettes, but keep contrast if they change
        bg = BACKGROUNDS[0]

    # Hair style.
    if g == "female":
        styles = _FEMALE_OLDER if cues and a >= 60 else _FEMALE_STYLES
    elif g == "male":
        styles = _MALE_STYLES
        if cues and a >= 45 and u[6] < min(0.55, (a - 40) / 40):
            styles = ("receding", "bald") if a >= 58 else ("receding",)
    else:
        styles = _NEUTRAL_STYLES
    back, front = _STYLES[_pick(styles, u[5])]

    # Face geometry: rounder and softer for the young.
    r = 0.0 if not cues else max(0.0, min(1.0, (24 - a) / 8))
    hw = 21 + 1.5 * r
    chin = 82 - 2 * r
    jaw = 0.5 + 0.16 * r
    eye_r = 2.2 + 0.4 * r
    L, R = 64 - hw, 64 + hw
    face = (f"M{L:g} 54C{L:g} 36 {64 - hw * .55:g} 30 64 30C{64 + hw * .55:g} 30 {R:g} 36 {R:g} 54"
            f"C{R:g} 70 {64 + hw * jaw:g} {chin:g} 64 {chin:g}C{64 - hw * jaw:g} {chin:g} {L:g} 70 {L:g} 54Z")
    neck = {"female": 8, "male": 10}.get(g, 9)
    sh = {"female": 22, "male": 16}.get(g, 19)

    out = [f'<svg xmlns="{_NS}" width="{size}" height="{size}" viewBox="8 10 112 112" role="img">',
           f"<title>{escape(_title(g, age))}</title>",
           f'<rect width="128" height="128" fill="{bg}"/>']
    if back:
        out.append(f'<path class="hair" fill="{hair}" d="{back}"/>')
    # Shoulders and clothing.
    out.append(f'<path fill="{cloth}" d="M{sh} 128C{sh} 106 {sh + 14} 95 52 93L76 93C{114 - sh} 95 '
               f'{128 - sh} 106 {128 - sh} 128Z"/>')
    out.append(f'<rect x="{64 - neck}" y="70" width="{2 * neck}" height="26" rx="4" fill="{skin}"/>')
    out.append(f'<path fill="{shadow}" d="M{64 - neck} 74H{64 + neck}V84Q64 91 {64 - neck} 84Z"/>')
    neckline = _pick(("crew", "v", "collar", "scoop"), u[7])
    if neckline == "v":
        out.append(f'<path fill="{skin}" d="M{63 - neck} 93L64 108L{65 + neck} 93Z"/>')
    elif neckline == "scoop":
        out.append(f'<path fill="{skin}" d="M{62 - neck} 93Q64 108 {66 + neck} 93Z"/>')
    elif neckline == "collar":
        out.append(f'<path fill="{skin}" d="M{64 - neck} 93L64 103L{64 + neck} 93Z"/>'
                   f'<path fill="#f4f2ee" d="M{63 - neck} 92L64 103L57 107ZM{65 + neck} 92L64 103L71 107Z"/>')
    else:
        out.append(f'<path fill="none" stroke="{_shade(cloth, 0.8)}" stroke-width="2" '
                   f'd="M{63 - neck} 94Q64 101 {65 + neck} 94"/>')
    # Head.
    out.append(f'<g fill="{skin}"><ellipse cx="{L + 1:g}" cy="58" rx="4" ry="6"/>'
               f'<ellipse cx="{R - 1:g}" cy="58" rx="4" ry="6"/><path d="{face}"/></g>')
    if u[8] < 0.6 or r > 0:
        out.append('<g fill="#e8867a" opacity=".22"><ellipse cx="52" cy="67" rx="4" ry="2.4"/>'
                   '<ellipse cx="76" cy="67" rx="4" ry="2.4"/></g>')
    # Lines that come with age.
    if cues and a >= 45:
        d = "M56 64Q52.5 69 55.5 74M72 64Q75.5 69 72.5 74"
        if a >= 58:
            d += "M49 55Q47.6 57.5 49 60M79 55Q80.4 57.5 79 60"
        if a >= 65:
            d += "M52.5 61.5Q56 63.2 59.5 61.5M68.5 61.5Q72 63.2 75.5 61.5M57 42Q64 40 71 42"
        out.append(f'<path class="wrinkles" fill="none" stroke="{_shade(skin, 0.72)}" stroke-width="1" '
                   f'stroke-linecap="round" opacity=".7" d="{d}"/>')
    # Facial hair: adult men only.
    if g == "male" and (not cues or a >= 18):
        kind = _pick(("stubble", "beard", "moustache", "goatee"), u[10]) if u[9] < 0.45 else None
        beard = (f"M{L:g} 56C{L:g} 72 52 {chin + 3:g} 64 {chin + 3:g}C76 {chin + 3:g} {R:g} 72 {R:g} 56"
                 f"C{R - 3:g} 66 78 71 72 70Q64 67 56 70C50 71 {L + 3:g} 66 {L:g} 56Z")
        grey = hair in GREY_HAIR
        tash = "M56 71.5Q64 66 72 71.5Q68 73 64 71.6Q60 73 56 71.5Z"
        shapes = {"stubble": f'<path opacity="{.2 if grey else .28}" d="{beard}"/>',
                  "beard": f'<path d="{beard}"/><path d="{tash}"/>',
                  "moustache": f'<path d="{tash}"/>',
                  "goatee": f'<path d="{tash}"/><path d="M60.5 76.5Q64 75 67.5 76.5L67 {chin:g}Q64 {chin + 2:g} 61 {chin:g}Z"/>'}
        if kind:
            out.append(f'<g class="facial-hair" fill="{_shade(hair, .85) if grey else hair}">{shapes[kind]}</g>')
    # Eyes, brows, nose, mouth.
    out.append(f'<g fill="#1b1411"><circle cx="56" cy="58" r="{eye_r:g}"/><circle cx="72" cy="58" r="{eye_r:g}"/></g>'
               f'<g fill="#fff"><circle cx="56.8" cy="57.2" r=".7"/><circle cx="72.8" cy="57.2" r=".7"/></g>')
    lift = _pick((0.0, 0.8, -0.4), u[11])
    out.append(f'<path fill="none" stroke="{brow}" stroke-width="{1.6 if g == "female" else 2.2}" '
               f'stroke-linecap="round" d="M51 {51.5 + lift:g}Q56 {48.5 + lift:g} 60.5 50.5'
               f'M67.5 50.5Q72 {48.5 + lift:g} 77 {51.5 + lift:g}"/>')
    out.append(f'<path fill="none" stroke="{_shade(skin, 0.75)}" stroke-width="1.4" stroke-linecap="round" '
               f'd="M64 60Q61.5 66 64.5 67"/>')
    lip = _mix(_shade(skin, 0.62 if si < 5 else 1.0), "#b04a4a", 0.35 if si < 5 else 0.45)
    if u[12] < 0.5:
        out.append(f'<path fill="{lip}" d="M58 72Q64 73.5 70 72Q64 80 58 72Z"/>'
                   f'<path fill="#fff" d="M59.5 72.6Q64 73.8 68.5 72.6Q64 75 59.5 72.6Z"/>')
    else:
        out.append(f'<path fill="none" stroke="{lip}" stroke-width="1.8" stroke-linecap="round" '
                   f'd="M58.5 72Q64 77 69.5 72"/>')
    if front:
        out.append(f'<path class="hair" fill="{hair}" d="{front}"/>')
    # Glasses: more likely with age.
    p_glasses = 0.12 if not cues else 0.08 + 0.5 * max(0.0, min(1.0, (a - 30) / 40))
    if u[13] < p_glasses:
        frame = _pick(_FRAMES if si < 5 else _FRAMES_LIGHT, u[14])
        if u[15] < 0.5:
            lenses = '<circle cx="56" cy="58" r="6.5"/><circle cx="72" cy="58" r="6.5"/>'
        else:
            lenses = ('<rect x="48.5" y="53" width="14" height="10" rx="3"/>'
                      '<rect x="65.5" y="53" width="14" height="10" rx="3"/>')
        out.append(f'<g class="glasses" fill="#fff" fill-opacity=".1" stroke="{frame}" stroke-width="1.5">'
                   f'{lenses}<path fill="none" d="M62 57Q64 55.5 66 57M49 57L{L + 1:g} 55M79 57L{R - 1:g} 55"/></g>')
    out.append("</svg>")
    return "".join(out)


def avatar_data_uri(svg: str) -> str:
    """'data:image/svg+xml;base64,...' for embedding in HTML/JSON."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
