"""Built-in datasets: the synthetic demo channel and MovieLens 100K (read from the recbole package)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .data import InputSpec
from .errors import InputError

DATASETS = ("movielens-100k",)
MOVIELENS_BINS = (18.0, 25.0, 35.0, 45.0, 50.0, 56.0)  # MovieLens 1M's age brackets


def demo_spec(seed: int = 7) -> InputSpec:
    """The synthetic YouTube-style channel of personas.demo as an input spec (aggregated rows)."""
    from .demo import make_demo

    demo = make_demo(seed)
    return InputSpec(
        interactions=demo.interactions,
        group_by=("age", "gender", "country"),
        content_col="video_id",
        count_col="views",
        extra_count_cols=("likes", "watch_minutes"),
        content=demo.content,
        title_col="title",
        topics_col="topics",
        topic_sep="|",
        date_col="published",
        comments=demo.comments,
        comment_text_col="text",
        source=f"demo: synthetic channel analytics (seed {seed})",
    )


def movielens_folder() -> Path:
    """MovieLens 100K as shipped by recbole (`pip install --no-deps recbole==1.2.1`); never copied here."""
    try:
        import recbole  # noqa: F401  (only its data files are used)
    except ImportError:
        raise InputError(
            "MovieLens 100K comes from the recbole package: run `pip install --no-deps recbole==1.2.1`"
        ) from None
    folder = Path(recbole.__file__).parent / "dataset_example" / "ml-100k"
    if not (folder / "ml-100k.inter").exists():
        raise InputError("recbole is installed but has no ml-100k files; reinstall it: pip install --no-deps recbole==1.2.1")
    return folder


def _read_atomic(path: Path) -> pd.DataFrame:
    """recbole's atomic files: tab-separated, headers typed as 'name:token'."""
    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8")
    frame.columns = [c.split(":", 1)[0] for c in frame.columns]
    return frame


def movielens_frames() -> dict[str, pd.DataFrame]:
    folder = movielens_folder()
    inter = _read_atomic(folder / "ml-100k.inter")
    inter["rating"] = inter["rating"].astype(float)
    inter["timestamp"] = inter["timestamp"].astype(float).astype("int64")
    users = _read_atomic(folder / "ml-100k.user")
    users["age"] = users["age"].astype(int)
    items = _read_atomic(folder / "ml-100k.item")
    items["title"] = items["movie_title"] + " (" + items["release_year"] + ")"
    return {"interactions": inter, "users": users, "content": items}


def movielens_spec() -> InputSpec:
    """Groups = age bracket x gender x occupation; content = movies; topics = genres; one rating = one interaction."""
    frames = movielens_frames()
    return InputSpec(
        interactions=frames["interactions"],
        users=frames["users"],
        user_col="user_id",
        group_by=("age", "gender", "occupation"),
        content_col="item_id",
        count_col=None,
        count_name="ratings",
        extra_count_cols=("rating",),
        content=frames["content"],
        title_col="title",
        topics_col="class",
        topic_sep=" ",
        event_date_col="timestamp",
        bins={"age": MOVIELENS_BINS},
        source="MovieLens 100K (GroupLens; files from the recbole package)",
    )


def dataset_spec(name: str) -> InputSpec:
    if name == "movielens-100k":
        return movielens_spec()
    raise InputError(f"unknown dataset {name!r}; available: {', '.join(DATASETS)}")
