"""Number normalisation and tolerance (eval/numbers.py)."""

from __future__ import annotations

import pytest

from checker.numbers import Num, compatible, parse_numbers


def one(text: str) -> Num:
    nums = parse_numbers(text)
    assert len(nums) == 1, nums
    return nums[0]


def data(text: str) -> Num:
    return one(text)


@pytest.mark.parametrize("text, value, kind", [
    ("45,210 views", 45210, "num"),
    ("45.2k views", 45200, "num"),
    ("about 45 thousand views", 45000, "num"),
    ("1.2 million views", 1_200_000, "num"),
    ("12% of views", 12, "pct"),
    ("0.12 of views", 0.12, "num"),
    ("twelve percent of views", 12, "pct"),
    ("forty-five thousand views", 45000, "num"),
    ("a third of my views", 100 / 3, "pct"),
    ("3.1x the share", 3.1, "mult"),
    ("twice as much", 2, "mult"),
    ("$300", 300, "money"),
    ("in 2025", 2025, "year"),
    ("topic number 2", 2, "rank"),
    ("14.1 points more than Travel", 14.1, "pct"),   # percentage points before a comparison
    ("14.1 percentage points more", 14.1, "pct"),
])
def test_parse_forms(text: str, value: float, kind: str) -> None:
    n = one(text)
    assert n.value == pytest.approx(value)
    assert n.kind == kind


def test_units_hedges_and_non_quantities() -> None:
    assert one("45,210 views").unit == "view"
    assert one("1,234 people").unit == "people"
    assert one("about 12%").hedge == "approx"
    assert one("over 40,000 views").hedge == "over"
    assert one("nearly 46,000 views").hedge == "nearly"
    assert one("watched it 4,469 times").kind == "num"  # a count of views, not a multiplier
    assert one("4 times as much").kind == "mult"
    assert [n.text for n in parse_numbers("group 18-24 and month 2024-05")] == []
    assert parse_numbers('watched "Top 10 Games" twice', masked=[(8, 22)])[0].kind == "mult"


@pytest.mark.parametrize("claim, fact, ok", [
    ("45,210 views", "45,210 views", True),
    ("45.2k views", "45,210 views", True),           # rounded to its own precision
    ("45.3k views", "45,210 views", False),
    ("45,000 views", "45,210 views", True),          # a round number reads as rounded to thousands
    ("46,566 views", "45,210 views", False),         # 3% off an exact figure
    ("about 45 thousand views", "45,210 views", True),
    ("about 47 thousand views", "45,210 views", False),
    ("over 40,000 views", "45,210 views", True),
    ("over 46,000 views", "45,210 views", False),
    ("over 10,000 views", "45,210 views", False),    # technically true, misleading by over 2x
    ("under 50,000 views", "45,210 views", True),
    ("under 45,000 views", "45,210 views", False),
    ("nearly 46,000 views", "45,210 views", True),
    ("nearly 45,000 views", "45,210 views", False),  # "nearly" means not yet reached
    ("12% of views", "12.4% of views", True),
    ("13% of views", "12.4% of views", False),
    ("12.4%", "0.124", True),                        # a percentage meets a plain share
    ("twelve percent", "12.4%", True),
    ("a third", "34.2%", True),
    ("a third", "45.0%", False),
    ("roughly two thirds", "62.7%", True),
    ("3x the share", "lift 3.05", True),
    ("4x the share", "lift 3.05", False),
    ("1.2 million views", "1,234,567 views", True),
    ("1,234 views", "1,234 people", False),          # same digits, another quantity
    ("0.342 of views", "34.2% of views", True),      # a share meets a percentage
    ("0.12 of views", "12.4% of views", True),
    ("0.2 of views", "34.2% of views", False),
    ("14.1 points more", "14.1 percentage points", True),
])
def test_tolerance(claim: str, fact: str, ok: bool) -> None:
    assert compatible(one(claim), data(fact)) is ok
