"""The statistics behind a persona, each recomputable from the input data.

Definitions (the export and README use the same words):

* group_interactions: the group's total primary count over all content.
* audience_share: group_interactions / all interactions.
* top content: among the items the group over-indexes on (its share of the item's interactions above its
  share of all interactions), those with the most of the group's count attributed to the behaviour
  (count x W[g, j] H[j, c] / (W H)[g, c]); ``count`` is the group's primary count on the item and ``weight``
  the item's share of the behaviour's row of H (the scaled space NMF saw).
* topic share: the group's primary count on content tagged with the topic / group_interactions. Content
  with several topics counts for each of them, so shares can sum to more than 1.
* topic lift: the group's topic share / the whole audience's topic share.
* shared_with: the other groups that load on the behaviour, with their share of the behaviour's loading (W).
* rates: each extra count column's group total and its ratio to the primary count (likes per view, ...).
* trend: the group's primary count per month of the interaction's date when the interactions carry one,
  else per month of the content's date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .data import AudienceData


@dataclass(frozen=True)
class ContentStat:
    content_id: str
    title: str
    count: float
    weight: float


@dataclass(frozen=True)
class TopicStat:
    topic: str
    count: float
    share: float
    lift: float


@dataclass(frozen=True)
class SharedGroup:
    group: dict[str, str]
    weight: float


@dataclass(frozen=True)
class Rate:
    column: str
    total: float
    per_primary: float


@dataclass(frozen=True)
class TrendPoint:
    period: str
    count: float


@dataclass(frozen=True)
class PersonaStats:
    group_interactions: float
    audience_share: float
    group_users: int | None
    top_content: list[ContentStat]
    topics: list[TopicStat]
    shared_with: list[SharedGroup]
    own_weight: float  # the persona group's own share of the behaviour's loading
    behaviour_share: float  # share of the group's fitted activity that this behaviour explains
    impact_score: float  # the impactful-group rule's score of this group for this behaviour
    rates: list[Rate]
    trend: list[TrendPoint]
    stability: float


class AudienceStats:
    """Audience-wide quantities computed once per data set, then per-persona statistics on demand."""

    def __init__(self, data: AudienceData) -> None:
        self.data = data
        self.V = data.matrix
        self.group_totals = data.group_totals
        self.total = float(self.group_totals.sum())
        self.content_totals = data.content_totals
        topics = sorted({t for ts in data.content["topics"] for t in ts})
        self.topics = topics
        index = {t: i for i, t in enumerate(topics)}
        rows, cols = [], []
        for c, ts in enumerate(data.content["topics"]):
            for t in ts:
                rows.append(c)
                cols.append(index[t])
        self.T = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(self.V.shape[1], len(topics)))
        self.audience_topic_share = self.T.T @ np.asarray(self.V.sum(axis=0)).ravel() / self.total
        dates = pd.to_datetime(data.content["date"], errors="coerce")
        self.months = dates.dt.strftime("%Y-%m").to_numpy(dtype=object) if dates.notna().any() else None

    def persona(
        self,
        g: int,
        j: int,
        W: np.ndarray,
        H: np.ndarray,
        stability: float,
        behaviour_share: float,
        impact_score: float,
        top_content: int = 10,
        top_topics: int = 8,
        shared_groups: int = 5,
    ) -> PersonaStats:
        data = self.data
        row = self.V.getrow(g)
        counts = dict(zip(row.indices.tolist(), row.data.tolist()))
        g_total = float(self.group_totals[g])

        weights = H[j] / H[j].sum() if H[j].sum() > 0 else H[j]
        touched = row.indices.astype(np.int64)
        # Items the group over-indexes on (its share of the item's audience above its share of the whole
        # audience), ranked by the group's count attributed to behaviour j (the behaviour's share of the
        # fitted value W[g] H[:, c]; row and column scaling cancel in the ratio). Falls back to all items.
        fitted = W[g] @ H[:, touched]
        resp = np.divide(W[g, j] * H[j, touched], fitted, out=np.zeros(len(touched)), where=fitted > 0)
        attributed = row.data * resp
        over = row.data / self.content_totals[touched] > g_total / self.total
        if over.sum() >= min(top_content, len(touched)):
            touched, attributed = touched[over], attributed[over]
        order = touched[np.lexsort((touched, -attributed))][:top_content]
        content = [
            ContentStat(
                str(data.content.at[int(c), "content_id"]),
                str(data.content.at[int(c), "title"]),
                counts[int(c)],
                float(weights[c]),
            )
            for c in order
            if counts[int(c)] > 0
        ]

        topics: list[TopicStat] = []
        if self.topics:
            tc = (row @ self.T).toarray().ravel()
            share = tc / g_total
            for t in np.lexsort((np.arange(len(tc)), -tc))[:top_topics]:
                if tc[t] <= 0:
                    break
                base = self.audience_topic_share[t]
                topics.append(TopicStat(self.topics[t], float(tc[t]), float(share[t]), float(share[t] / base)))

        col = W[:, j]
        col_total = col.sum()
        others = [int(o) for o in np.lexsort((np.arange(len(col)), -col)) if o != g][:shared_groups]
        shared = [SharedGroup(data.group_key(o), float(col[o] / col_total)) for o in others if col[o] > 0]

        rates = [
            Rate(name, float(tot[g]), float(tot[g] / g_total)) for name, tot in data.extra_totals.items()
        ]
        trend: list[TrendPoint] = []
        if data.group_trend is not None:
            months, by_group = data.group_trend
            trend = [TrendPoint(m, float(n)) for m, n in zip(months, by_group[g]) if n > 0]
        elif self.months is not None:
            by_month: dict[str, float] = {}
            for c, n in counts.items():
                m = self.months[c]
                if isinstance(m, str):
                    by_month[m] = by_month.get(m, 0.0) + n
            trend = [TrendPoint(m, by_month[m]) for m in sorted(by_month)]
        users = None if data.group_users is None else int(data.group_users[g])
        return PersonaStats(
            group_interactions=g_total,
            audience_share=g_total / self.total,
            group_users=users,
            top_content=content,
            topics=topics,
            shared_with=shared,
            own_weight=float(col[g] / col_total) if col_total > 0 else 0.0,
            behaviour_share=behaviour_share,
            impact_score=impact_score,
            rates=rates,
            trend=trend,
            stability=stability,
        )
