"""Deterministic event-level benchmark data for benchmarks/scale.py (written to benchmarks/_data/, git-ignored).

What it writes (Parquet and CSV each):

* ``users``: 500,000 users: user_id ('u0000001'), age (int 13-80), gender (F/M), occupation (20 values),
  country (20 ISO codes).
* ``content``: 20,000 items: item_id ('v00001'), title, topics ('cooking|travel').
* ``interactions_100k``, ``interactions_1m``, ``interactions_10m``: user_id, item_id, n (small positive int).
* ``content_wide`` (200,000 items) and ``interactions_wide`` (10M rows): grouped by age (single years) x
  gender x country that is 68 x 2 x 20 = 2,720 groups x 200,000 items, about 1 % dense.

Structure, so that NMF has something to find: every user has one of 10 latent tastes, drawn with
probabilities that depend on the user's age bracket, gender, occupation and country; every item belongs
to one taste. An interaction picks a user by heavy-tailed activity (log-normal weights), then an item
of the user's taste with probability 0.7 (else any item), in both cases by Zipf-like popularity.

Usage: ``python benchmarks/make_data.py [--sizes 100k,1m,10m,wide,100m] [--data DIR] [--force]``; ``interactions_100m``
(100M rows, Parquet only, about 3 GB) is for benchmarks/scale_engines.py and never made by default. Same seed, same files.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

DATA = Path(__file__).resolve().parent / "_data"
SEED = 20240601
N_USERS = 500_000
N_ITEMS = 20_000
N_ITEMS_WIDE = 200_000
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000, "wide": 10_000_000, "100m": 100_000_000}
PARQUET_ONLY = {"100m"}  # about 3 GB of Parquet; its CSV (another 2.4 GB) is not written
CHUNK = 1_000_000
OWN_TASTE = 0.7

TASTES = ("cooking", "gaming", "fitness", "finance", "travel", "music", "science", "fashion", "parenting", "cars")
OCCUPATIONS = (
    "student", "engineer", "teacher", "nurse", "sales", "manager", "artist", "writer", "lawyer", "doctor",
    "programmer", "technician", "farmer", "retired", "homemaker", "scientist", "marketing", "executive",
    "tradesman", "unemployed",
)
COUNTRIES = ("US", "GB", "IN", "BR", "DE", "FR", "CA", "AU", "MX", "ES",
             "IT", "JP", "KR", "NG", "PH", "ID", "TR", "PL", "NL", "SE")
AGE_EDGES = (18, 25, 35, 45, 50, 56)
ADJ = ("Quick", "Ultimate", "Simple", "Hidden", "Daily", "Honest", "Big", "Tiny", "Secret", "Real", "Easy", "Wild")
NOUN = ("Guide", "Review", "Story", "Challenge", "Tips", "Vlog", "Recipe", "Tour", "Lesson", "Q&A", "Hacks", "Test")


def _users(rng: np.random.Generator) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """The users table, each user's taste and activity weight (probabilities summing to 1)."""
    # Ages: most users 18-45, a tail on both sides, every single year 13-80 present.
    age = np.clip(np.round(rng.gamma(4.0, 7.5, N_USERS) + 12), 13, 80).astype(np.int32)
    gender = (rng.random(N_USERS) < 0.52).astype(np.int8)  # 1: M
    occ_p = rng.dirichlet(np.full(len(OCCUPATIONS), 2.0))
    occupation = rng.choice(len(OCCUPATIONS), N_USERS, p=occ_p).astype(np.int8)
    country_p = 1.0 / (np.arange(len(COUNTRIES)) + 2.0) ** 0.9
    country = rng.choice(len(COUNTRIES), N_USERS, p=country_p / country_p.sum()).astype(np.int8)

    n_t = len(TASTES)
    age_bin = np.digitize(age, AGE_EDGES)
    logits = (
        rng.normal(0, 1.2, (len(AGE_EDGES) + 1, n_t))[age_bin]
        + rng.normal(0, 1.0, (2, n_t))[gender]
        + rng.normal(0, 0.8, (len(OCCUPATIONS), n_t))[occupation]
        + rng.normal(0, 0.6, (len(COUNTRIES), n_t))[country]
    )
    taste = np.argmax(logits + rng.gumbel(size=logits.shape), axis=1).astype(np.int32)
    activity = rng.lognormal(0.0, 1.3, N_USERS)
    table = pa.table({
        "user_id": pa.array([f"u{i:07d}" for i in range(1, N_USERS + 1)], pa.string()),
        "age": pa.array(age, pa.int32()),
        "gender": pa.array(np.array(["F", "M"])[gender], pa.string()),
        "occupation": pa.array(np.array(OCCUPATIONS)[occupation], pa.string()),
        "country": pa.array(np.array(COUNTRIES)[country], pa.string()),
    })
    return table, taste, activity / activity.sum()


def _content(rng: np.random.Generator, n_items: int, prefix: str) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """The content table, each item's taste and popularity weight (Zipf-like over a random order)."""
    taste = rng.integers(0, len(TASTES), n_items).astype(np.int32)
    rank = rng.permutation(n_items)
    popularity = 1.0 / (rank + 5.0) ** 1.0
    second = rng.integers(0, len(TASTES), n_items)
    has_second = (rng.random(n_items) < 0.3) & (second != taste)
    names = np.array(TASTES, dtype=object)
    topics = np.where(has_second, names[taste] + "|" + names[second], names[taste])
    adj = rng.integers(0, len(ADJ), n_items)
    noun = rng.integers(0, len(NOUN), n_items)
    width = len(str(n_items))
    titles = [f"{ADJ[a]} {TASTES[t].title()} {NOUN[b]} #{i}" for i, (a, t, b) in enumerate(zip(adj, taste, noun), 1)]
    table = pa.table({
        "item_id": pa.array([f"{prefix}{i:0{width}d}" for i in range(1, n_items + 1)], pa.string()),
        "title": pa.array(titles, pa.string()),
        "topics": pa.array(topics.tolist(), pa.string()),
    })
    return table, taste, popularity


class _ItemSampler:
    """Draw items by popularity, either among all items or among the items of a given taste."""

    def __init__(self, taste: np.ndarray, popularity: np.ndarray) -> None:
        self.order = np.argsort(taste, kind="stable")
        t_sorted = taste[self.order]
        p_sorted = popularity[self.order]
        # Within each taste the cumulative share runs from t to t + 1, so one searchsorted serves all tastes.
        cum = np.empty(len(p_sorted))
        for t in np.unique(t_sorted):
            seg = t_sorted == t
            c = np.cumsum(p_sorted[seg])
            cum[seg] = t + c / c[-1]
        self.cum_taste = cum
        self.cum_all = np.cumsum(popularity) / popularity.sum()
        self.n = len(taste)

    def own(self, rng: np.random.Generator, user_taste: np.ndarray) -> np.ndarray:
        x = user_taste + rng.random(len(user_taste))
        pos = np.minimum(np.searchsorted(self.cum_taste, x, side="right"), self.n - 1)
        return self.order[pos]

    def any(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.minimum(np.searchsorted(self.cum_all, rng.random(size), side="right"), self.n - 1)


def _write(table: pa.Table, stem: str) -> None:
    pq.write_table(table, DATA / f"{stem}.parquet")
    pacsv.write_csv(table, DATA / f"{stem}.csv", pacsv.WriteOptions(quoting_style="none"))


def _interactions(
    stem: str, n_rows: int, seed: int, user_ids: pa.Array, user_taste: np.ndarray, user_p: np.ndarray,
    item_ids: pa.Array, items: _ItemSampler,
) -> None:
    schema = pa.schema([("user_id", pa.string()), ("item_id", pa.string()), ("n", pa.int32())])
    user_cum = np.cumsum(user_p)
    user_cum /= user_cum[-1]
    opts = pacsv.WriteOptions(quoting_style="none")
    csv_path = os.devnull if stem.removeprefix("interactions_") in PARQUET_ONLY else DATA / f"{stem}.csv"
    with pq.ParquetWriter(DATA / f"{stem}.parquet", schema) as pw, \
            pacsv.CSVWriter(csv_path, schema, write_options=opts) as cw:
        for start in range(0, n_rows, CHUNK):
            size = min(CHUNK, n_rows - start)
            rng = np.random.default_rng([seed, start // CHUNK])
            u = np.minimum(np.searchsorted(user_cum, rng.random(size), side="right"), len(user_cum) - 1)
            own = rng.random(size) < OWN_TASTE
            item = items.any(rng, size)
            item[own] = items.own(rng, user_taste[u[own]])
            n = np.minimum(rng.geometric(0.55, size), 20).astype(np.int32)
            batch = pa.table({"user_id": user_ids.take(pa.array(u)), "item_id": item_ids.take(pa.array(item)),
                              "n": pa.array(n)}, schema=schema)
            pw.write_table(batch)
            cw.write_table(batch)


def main(argv: list[str] | None = None) -> None:
    global DATA
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(s for s in SIZES if s not in PARQUET_ONLY), help="comma-separated subset of 100k,1m,10m,wide,100m (default: all but 100m)")
    parser.add_argument("--force", action="store_true", help="rewrite files that exist")
    parser.add_argument("--data", type=Path, default=DATA, help="folder to write into (100m: about 3 GB; keep it "
                        "outside the repository, e.g. under /tmp)")
    args = parser.parse_args(argv)
    DATA = args.data
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    DATA.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rng = np.random.default_rng(SEED)
    users, user_taste, user_p = _users(rng)
    content, item_taste, item_pop = _content(np.random.default_rng([SEED, 1]), N_ITEMS, "v")
    if args.force or not (DATA / "users.parquet").exists():
        _write(users, "users")
    if args.force or not (DATA / "content.parquet").exists():
        _write(content, "content")
    for size in sizes:
        stem = f"interactions_{size}"
        csv_done = size in PARQUET_ONLY or (DATA / f"{stem}.csv").exists()
        if not args.force and (DATA / f"{stem}.parquet").exists() and csv_done:
            print(f"{stem}: exists (use --force to rewrite)")
            continue
        t1 = time.perf_counter()
        if size == "wide":
            wide, w_taste, w_pop = _content(np.random.default_rng([SEED, 2]), N_ITEMS_WIDE, "w")
            _write(wide, "content_wide")
            item_ids, sampler = wide.column("item_id").combine_chunks(), _ItemSampler(w_taste, w_pop)
        else:
            item_ids, sampler = content.column("item_id").combine_chunks(), _ItemSampler(item_taste, item_pop)
        _interactions(stem, SIZES[size], SEED + 7 + list(SIZES).index(size),
                      users.column("user_id").combine_chunks(), user_taste, user_p, item_ids, sampler)
        mb = sum(p.stat().st_size for p in (DATA / f"{stem}.parquet", DATA / f"{stem}.csv") if p.exists()) / 1e6
        print(f"{stem}: {SIZES[size]:,} rows, {mb:.0f} MB (Parquet + CSV) in {time.perf_counter() - t1:.1f} s")
    print(f"done in {time.perf_counter() - t0:.1f} s -> {DATA}")


if __name__ == "__main__":
    main()
