"""Numbers for people: 45,210 views; 12.4%; 3.1x. The same helpers format profiles, exports and answers."""

from __future__ import annotations

from collections.abc import Sequence


def count(value: float) -> str:
    """45210.0 -> '45,210'; 1234.5 -> '1,234.5' (never rounds a count to something the data does not say)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value * 10 - round(value * 10)) < 1e-9 else f"{value:,.2f}"


def share(value: float) -> str:
    """0.1243 -> '12.4%'; small shares keep two decimals (0.0042 -> '0.42%')."""
    pct = value * 100
    return f"{pct:.2f}%" if 0 < abs(pct) < 1 else f"{pct:.1f}%"


def lift(value: float) -> str:
    """2.97 -> '3.0x'."""
    return f"{value:.1f}x"


def noun(count_name: str, n: float | None = None) -> str:
    """Column name as a noun: 'views' -> 'views', 'watch_minutes' -> 'watch minutes'; singular for 1."""
    word = count_name.replace("_", " ").strip() or "interactions"
    if n is not None and float(n) == 1 and word.endswith("s"):
        return word[:-1]
    return word


def join(items: Sequence[str], word: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or another word: 'a, b or c')."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def points(value: float) -> str:
    """A difference of two shares in percentage points: 0.318 -> '+31.8 points'; -0.05 -> '-5.0 points'."""
    return f"{value * 100:+.1f} points"
