"""`personas generate --survey ...` and `--dataset gss-2018`: survey persona sets (docs/surveys.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from personas.errors import InputError
from usecases.inputs import name_list, parse_k, set_name_for
from usecases.progress import stderr_progress

from .common import store_of

if TYPE_CHECKING:
    from usecases.settings import Settings

SURVEY_DATASETS = ("gss-2018", "ess9-gb")  # personas/surveys/datasets.py (kept here: the parser imports nothing)
METHOD_CHOICES = ("auto", "kmeans", "gmm", "lca", "kprototypes", "kmodes", "groups")


def add_survey_args(gen: Any) -> None:
    gen.add_argument("--codebook", type=Path,
                     help="survey codebook CSV: item,statement,code,label[,kind,polarity]")
    gen.add_argument("--items", help="survey item columns, comma-separated (the questions to segment on)")
    gen.add_argument("--demographics", help="survey demographic columns, comma-separated (age,sex,degree)")
    gen.add_argument("--method", choices=METHOD_CHOICES, default="auto",
                     help="survey segmentation (default auto: by the items' types, k and method by stability "
                     "and silhouette)")
    gen.add_argument("--weight-col", help="survey weight column (default: every respondent weighs 1)")
    gen.add_argument("--text-col", help="open-ended answer column of the survey (quotes)")


def generate_survey(args: argparse.Namespace, settings: Settings) -> int:
    from personas.report import print_generated
    from personas.sets import check_set_name
    from usecases.generate import SetRequest, generate_survey_set, survey_source_spec
    from usecases.survey_input import SurveyFile, survey_file_spec

    if args.survey is None:
        spec, default_name = survey_source_spec(args.dataset)
    else:
        items, demographics = name_list(args.items), name_list(args.demographics)
        if not items:
            raise InputError("--survey needs --items: the item columns to segment on, comma-separated")
        roles = {"gender": args.gender_col, "age": args.age_col, "country": args.country_col}
        spec = survey_file_spec(SurveyFile(args.survey, items, demographics, args.codebook, args.weight_col,
                                           args.text_col, roles))
        default_name = set_name_for(args.survey, fallback="survey")
    name = check_set_name(args.name or default_name)
    seed = settings.generation.seed if args.seed is None else args.seed
    request = SetRequest(name=name, k=parse_k(args.k, None), seed=seed)
    progress = stderr_progress(not args.no_progress)
    pset = generate_survey_set(spec, request, lambda: store_of(settings), progress, method=args.method)
    print_generated(pset)
    return 0
