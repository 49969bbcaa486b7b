"""What a survey persona carries besides a profile: its segment and its positions on every item.

A survey persona (Survey2Persona) is a segment of questionnaire respondents. Its ``Persona`` keeps the same
identity fields as an analytics persona (name, age, gender, country, group, avatar, description) and its
``stats`` carry the segment's size (``group_interactions`` and ``group_users`` = respondents,
``audience_share`` = weighted share of the sample, ``count_name`` = 'respondents'); what it thinks lives here.

Definitions (the export, the facts and the README use the same words):

* share: the weighted share of the segment's respondents who answered the item that gave this answer
  (missing answers are not in the denominator; ``missing`` says how many there were).
* sample_share: the same share over the whole weighted sample.
* mean / sample_mean: the weighted mean of the item's numeric codes (scales and numeric items only).
* difference: how far the segment departs from the sample on the item: the standardised difference of means
  ((mean - sample_mean) / sample standard deviation) for ordered items, else the same for the answer's yes/no
  indicator that departs most ((share - sample_share) / sqrt(sample_share (1 - sample_share))), so both kinds
  rank on one scale. Items are kept in order of |difference|, largest first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ITEM_KINDS = ("likert", "scale", "numeric", "binary", "categorical", "multiselect")


@dataclass(frozen=True)
class AnswerShare:
    code: str  # the answer as coded in the data ('1', 'yes', '7')
    label: str  # its meaning from the codebook ('too little'); the code itself when the codebook has none
    share: float  # weighted share of the segment's answers to the item
    sample_share: float  # weighted share of the whole sample's answers to the item
    count: int  # respondents of the segment who gave it (unweighted)


@dataclass(frozen=True)
class ItemPosition:
    item: str  # the item's column, exactly as in the data ('natenvir')
    statement: str  # its text from the codebook ('Improving and protecting the environment')
    kind: str  # one of ITEM_KINDS
    answers: list[AnswerShare]  # every answer, in the codebook's order
    difference: float
    answered: int  # respondents of the segment who answered it
    missing: int  # respondents of the segment who did not
    mean: float | None = None
    sample_mean: float | None = None

    @property
    def top(self) -> AnswerShare | None:
        """The segment's most common answer."""
        return max(self.answers, key=lambda a: a.share) if self.answers else None

    @property
    def most_over(self) -> AnswerShare | None:
        """The answer the segment gives most above the sample's share (where it stands out)."""
        return max(self.answers, key=lambda a: a.share - a.sample_share) if self.answers else None


@dataclass(frozen=True)
class SurveyProfile:
    respondents: int  # the segment's respondents (unweighted)
    weighted_share: float  # its share of the weighted sample
    sample_size: int  # respondents in the whole sample
    method: str  # the segmentation that made it: 'kmeans', 'gmm', 'lca', 'kprototypes', 'kmodes', 'groups'
    demographics: dict[str, str]  # column -> the segment's modal value, or 'median 47 (45-54)' for ages
    items: list[ItemPosition]  # every item, largest |difference| first
    quotes: list[str] = field(default_factory=list)  # open-ended answers of the segment's respondents

    def to_export(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_export(cls, d: dict[str, Any]) -> SurveyProfile:
        items = [ItemPosition(**{**i, "answers": [AnswerShare(**a) for a in i["answers"]]}) for i in d["items"]]
        return cls(**{**d, "items": items, "demographics": dict(d["demographics"]), "quotes": list(d["quotes"])})
