"""The persona profile: what a persona is, and its export form."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .stats import ContentStat, PersonaStats, Rate, SharedGroup, TopicStat, TrendPoint
from .survey_profile import SurveyProfile


@dataclass(frozen=True)
class Quote:
    text: str
    content_id: str
    title: str


@dataclass(frozen=True)
class Persona:
    id: str
    set_name: str
    set_version: int
    rank: int  # 1-based position in the set (biggest audience first)
    behaviour: int  # index of the latent behaviour (row of H, column of W)
    name: str
    age: int | None
    gender: str | None  # as people write it: 'female', 'male'
    country: str | None  # as people write it: 'Brazil'
    group: dict[str, str]  # group column -> value, exactly as in the data
    group_label: str  # 'female, 35-44, Brazil'
    count_name: str  # what the primary count counts: 'views'
    stats: PersonaStats
    quotes: list[Quote] = field(default_factory=list)
    avatar: str = ""  # data URI of an SVG portrait
    description: str = ""
    survey: SurveyProfile | None = None  # a survey persona's segment and positions (personas/survey_profile.py)

    @property
    def topic_names(self) -> list[str]:
        return [t.topic for t in self.stats.topics]

    def to_export(self) -> dict[str, Any]:
        """The documented JSON form (see README, 'Export format'); survey personas add a ``survey`` key."""
        s = self.stats
        out: dict[str, Any] = {
            "id": self.id,
            "set": self.set_name,
            "set_version": self.set_version,
            "rank": self.rank,
            "name": self.name,
            "age": self.age,
            "gender": self.gender,
            "country": self.country,
            "group": dict(self.group),
            "group_label": self.group_label,
            "count_name": self.count_name,
            "group_interactions": _num(s.group_interactions),
            "audience_share": s.audience_share,
            "top_content": [
                {"content_id": c.content_id, "title": c.title, "count": _num(c.count), "weight": c.weight}
                for c in s.top_content
            ],
            "topics": [{"topic": t.topic, "share": t.share} for t in s.topics],
            "quotes": [asdict(q) for q in self.quotes],
            "avatar": self.avatar,
            "description": self.description,
            "stats": {
                "behaviour": self.behaviour,
                "group_users": s.group_users,
                "topic_counts": {t.topic: _num(t.count) for t in s.topics},
                "topic_lift": {t.topic: t.lift for t in s.topics},
                "shared_with": [{"group": sg.group, "weight": sg.weight} for sg in s.shared_with],
                "own_weight": s.own_weight,
                "behaviour_share": s.behaviour_share,
                "impact_score": s.impact_score,
                "rates": [{"column": r.column, "total": _num(r.total), "per_primary": r.per_primary} for r in s.rates],
                "trend": [{"period": p.period, "count": _num(p.count)} for p in s.trend],
                "stability": s.stability,
            },
        }
        if self.survey is not None:
            out["survey"] = self.survey.to_export()
        return out

    @classmethod
    def from_export(cls, d: dict[str, Any]) -> Persona:
        """Inverse of :meth:`to_export` (the stored form of a persona set)."""
        st = d["stats"]
        lift = st["topic_lift"]
        counts = st["topic_counts"]
        stats = PersonaStats(
            group_interactions=float(d["group_interactions"]),
            audience_share=float(d["audience_share"]),
            group_users=st["group_users"],
            top_content=[ContentStat(c["content_id"], c["title"], float(c["count"]), c["weight"]) for c in d["top_content"]],
            topics=[TopicStat(t["topic"], float(counts[t["topic"]]), t["share"], lift[t["topic"]]) for t in d["topics"]],
            shared_with=[SharedGroup(dict(s["group"]), s["weight"]) for s in st["shared_with"]],
            own_weight=st["own_weight"],
            behaviour_share=st["behaviour_share"],
            impact_score=st["impact_score"],
            rates=[Rate(r["column"], float(r["total"]), r["per_primary"]) for r in st["rates"]],
            trend=[TrendPoint(p["period"], float(p["count"])) for p in st["trend"]],
            stability=st["stability"],
        )
        return cls(
            id=d["id"], set_name=d["set"], set_version=d["set_version"], rank=d["rank"], behaviour=st["behaviour"],
            name=d["name"], age=d["age"], gender=d["gender"], country=d["country"], group=dict(d["group"]),
            group_label=d["group_label"], count_name=d["count_name"], stats=stats,
            quotes=[Quote(**q) for q in d["quotes"]], avatar=d["avatar"], description=d["description"],
            survey=SurveyProfile.from_export(d["survey"]) if d.get("survey") else None,
        )


def _num(x: float) -> int | float:
    """Counts that are whole numbers are exported as integers."""
    return int(x) if float(x).is_integer() else float(x)
