"""The Dashboard tab's numbers, without a browser: the set it is compared with, the drift against it, the
audience split and the quality table, all from the stored set."""

from __future__ import annotations

import pytest
from conftest import generate_args, open_test_store

from usecases.history import drift_from_previous, previous_ref
from webapp import dashboard

SETS = [{"name": n, "version": v} for n, v in [
    ("demo", 1), ("demo", 2), ("demo", 3), ("dd-2025-01", 1), ("dd-2025-02", 1), ("dd-2025-02", 2),
    ("dd-2025-03", 1), ("other-2025-02", 1)]]


@pytest.mark.parametrize(("name", "version", "expected"), [
    ("demo", 3, ("demo", 2)),  # the version before
    ("demo", 1, None),  # nothing before the first version of a plain set
    ("dd-2025-03", 1, ("dd-2025-02", 2)),  # a window: the previous window's latest version
    ("dd-2025-02", 2, ("dd-2025-02", 1)),  # a window's earlier version comes first
    ("dd-2025-01", 1, None),  # the first window
    ("other-2025-02", 1, None),  # another base name is not a window of this one
])
def test_previous_set(name, version, expected):
    assert previous_ref(SETS, name, version) == expected


def test_drift_from_the_previous_version_and_the_dashboard_frames(cli, home, audience_files):
    assert cli(*generate_args(audience_files)).code == 0
    assert cli(*generate_args(audience_files, "--seed", "3")).code == 0
    store = open_test_store(home)
    first, second = store.load("interactions", 1), store.load("interactions", 2)
    assert drift_from_previous(store, "interactions", 1) is None
    report = drift_from_previous(store, "interactions", 2)
    assert (report.before, report.after) == ("interactions@v1", "interactions@v2")
    plot, table = dashboard.drift_frames(report)
    assert len(plot) == 2 * len(report.matched) and set(plot["when"]) == {"before", "after"}
    assert len(table) == len(report.matched) + len(report.appeared) + len(report.disappeared)
    # the split: every group column, and the cells add up to the whole audience
    for column in second.params["group_by"]:
        frame = dashboard.split_frame(second, column)
        assert frame["share %"].sum() == pytest.approx(100, abs=0.05)
        wide = dashboard.split_table(frame, column)
        assert list(wide.columns[:2]) == [column, "audience %"]
    q = dashboard.quality_frame(first)
    assert "fairness (mean |statistical parity|, lower is fairer)" in set(q["metric"])
    people = dashboard.personas_frame(second)
    assert list(people["persona"]) == [f"{p.name} ({p.group_label})" for p in second.personas]
