"""The project's shared word tables: countries and demonyms, gender words, age words, refusal phrases,
policy areas, claims to be a real human.

The bottom of the layers: search, the chat and the checker import these tables instead of keeping copies of
their own, so that a word one part understands the others understand too. Plain data and small lookups only;
pycountry (a dependency) is read lazily, once.
"""

from .people import (AGE_DECADES, AGE_OPEN_ABOVE, AGE_OPEN_BELOW, FAMILY_GENDER_WORDS, GENDER_PRONOUNS, GENDER_WORDS,
                     gender_forms)
from .phrases import REFUSAL_PHRASES, REFUSAL_VERBS
from .topics import POLICY_AREAS, area_words
from .places import (AMBIGUOUS_COUNTRY_NAMES, COUNTRY_ALIASES, DEMONYMS, NO_PLURAL_DEMONYMS, canonical_country,
                     country_codes, country_name, demonym_forms)
from .selfhood import human_claim, states_human

__all__ = ["AGE_DECADES", "AGE_OPEN_ABOVE", "AGE_OPEN_BELOW", "AMBIGUOUS_COUNTRY_NAMES", "COUNTRY_ALIASES",
           "DEMONYMS", "FAMILY_GENDER_WORDS", "GENDER_PRONOUNS", "GENDER_WORDS", "NO_PLURAL_DEMONYMS", "POLICY_AREAS",
           "REFUSAL_PHRASES", "REFUSAL_VERBS", "area_words", "canonical_country", "country_codes", "country_name",
           "demonym_forms", "gender_forms", "human_claim", "states_human"]
