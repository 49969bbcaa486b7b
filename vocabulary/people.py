"""Words for who people are: genders and ages, as answers, questions and data write them."""

from __future__ import annotations

# Gender nouns and adjectives (lower case) -> the value the data uses.
GENDER_WORDS = {
    "female": "female", "females": "female", "woman": "female", "women": "female", "girl": "female",
    "girls": "female", "lady": "female", "ladies": "female", "gal": "female", "gals": "female",
    "male": "male", "males": "male", "man": "male", "men": "male", "guy": "male", "guys": "male", "boy": "male",
    "boys": "male", "gentleman": "male", "gentlemen": "male", "bloke": "male", "blokes": "male", "chap": "male",
    "chaps": "male", "lad": "male", "lads": "male", "dude": "male", "dudes": "male", "lass": "female",
    "lasses": "female",
}
# Family roles that carry a gender; apart, because "moms" in a question may be about parenting, not gender.
FAMILY_GENDER_WORDS = {
    "mother": "female", "mothers": "female", "mom": "female", "moms": "female", "mum": "female", "mums": "female",
    "wife": "female", "wives": "female", "father": "male", "fathers": "male", "dad": "male", "dads": "male",
    "husband": "male", "husbands": "male",
}
# Pronouns that carry a gender; kept apart because "her"/"his" also point at someone else's things.
GENDER_PRONOUNS = {"she": "female", "her": "female", "hers": "female", "he": "male", "him": "male",
                   "his": "male"}

# Decades as people say them ("in my thirties") -> the ages they cover.
AGE_DECADES = {"teens": (13, 19), "twenties": (20, 29), "thirties": (30, 39), "forties": (40, 49),
               "fifties": (50, 59), "sixties": (60, 69), "seventies": (70, 79), "eighties": (80, 89)}
# Open-ended brackets: words after an age that mean "and above" ("65 or older") or "and below" ("under 18").
AGE_OPEN_ABOVE = ("or older", "and older", "or over", "and over", "and above", "or above", "plus", "+",
                  "or more")
AGE_OPEN_BELOW = ("or younger", "and younger", "or under", "and under", "or less")


def gender_forms(gender: str, family: bool = True, pronouns: bool = False) -> tuple[str, ...]:
    """Every word for one gender ('female' -> 'women', 'woman', ...), family roles and pronouns as asked."""
    words = [w for w, g in GENDER_WORDS.items() if g == gender]
    if family:
        words += [w for w, g in FAMILY_GENDER_WORDS.items() if g == gender]
    if pronouns:
        words += [w for w, g in GENDER_PRONOUNS.items() if g == gender]
    return tuple(words)
