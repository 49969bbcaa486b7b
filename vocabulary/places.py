"""Countries as people write them: names (pycountry), aliases, ISO codes and demonyms, all to ISO alpha-2."""

from __future__ import annotations

from functools import lru_cache

# Demonym (lower case) -> ISO alpha-2. Plurals are derived ("Germans") except for the forms in
# NO_PLURAL_DEMONYMS. Language-like demonyms ("Spanish") are read as the country.
DEMONYMS = {
    "american": "US", "german": "DE", "brazilian": "BR", "indian": "IN", "mexican": "MX", "british": "GB",
    "brit": "GB", "french": "FR", "japanese": "JP", "korean": "KR", "south korean": "KR", "filipino": "PH",
    "filipina": "PH", "indonesian": "ID", "nigerian": "NG", "spanish": "ES", "spaniard": "ES", "italian": "IT",
    "turkish": "TR", "turk": "TR", "polish": "PL", "egyptian": "EG", "argentinian": "AR", "argentine": "AR",
    "canadian": "CA", "australian": "AU", "aussie": "AU", "chinese": "CN", "russian": "RU", "dutch": "NL",
    "swedish": "SE", "swede": "SE", "norwegian": "NO", "danish": "DK", "dane": "DK", "finnish": "FI",
    "irish": "IE", "portuguese": "PT", "greek": "GR", "swiss": "CH", "austrian": "AT", "belgian": "BE",
    "colombian": "CO", "chilean": "CL", "peruvian": "PE", "venezuelan": "VE", "south african": "ZA",
    "kenyan": "KE", "ghanaian": "GH", "ethiopian": "ET", "moroccan": "MA", "saudi": "SA", "emirati": "AE",
    "israeli": "IL", "iranian": "IR", "iraqi": "IQ", "pakistani": "PK", "bangladeshi": "BD",
    "vietnamese": "VN", "thai": "TH", "malaysian": "MY", "singaporean": "SG", "new zealander": "NZ",
    "ukrainian": "UA", "romanian": "RO", "hungarian": "HU", "czech": "CZ", "cuban": "CU", "scottish": "GB",
    "welsh": "GB", "kiwi": "NZ", "taiwanese": "TW", "sri lankan": "LK",
    "nepali": "NP", "nepalese": "NP", "algerian": "DZ", "tunisian": "TN", "ecuadorian": "EC", "uruguayan": "UY",
    "paraguayan": "PY", "bolivian": "BO", "guatemalan": "GT", "costa rican": "CR", "dominican": "DO",
    "puerto rican": "PR", "jamaican": "JM", "icelandic": "IS", "croatian": "HR", "serbian": "RS",
    "slovak": "SK", "slovenian": "SI", "bulgarian": "BG", "lithuanian": "LT", "latvian": "LV",
    "estonian": "EE", "qatari": "QA", "kuwaiti": "KW", "jordanian": "JO", "lebanese": "LB", "tanzanian": "TZ",
    "ugandan": "UG", "cameroonian": "CM", "senegalese": "SN",
}
NO_PLURAL_DEMONYMS = frozenset({"british", "french", "japanese", "chinese", "dutch", "swedish", "danish", "finnish",
                                "irish", "portuguese", "swiss", "spanish", "polish", "turkish", "vietnamese",
                                "scottish", "welsh", "taiwanese", "nepalese", "lebanese", "senegalese",
                                "icelandic", "slovak"})
_IRREGULAR_PLURALS = {"argentines": "AR", "filipinas": "PH", "filipinos": "PH", "aussies": "AU", "kiwis": "NZ",
                      "frenchmen": "FR", "dutchmen": "NL"}

# Names people use that are not pycountry's (lower case) -> ISO alpha-2.
COUNTRY_ALIASES = {
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "u.s": "US", "united states of america": "US", "america": "US",
    "the states": "US", "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "holland": "NL", "korea": "KR", "south korea": "KR", "russia": "RU",
    "iran": "IR", "vietnam": "VN", "czechia": "CZ", "turkey": "TR", "türkiye": "TR", "ivory coast": "CI",
    "uae": "AE", "emirates": "AE", "taiwan": "TW", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ",
    "moldova": "MD", "syria": "SY", "laos": "LA", "north korea": "KP",
}
# Country names that are also common words: read only when written with a capital.
AMBIGUOUS_COUNTRY_NAMES = frozenset({"turkey", "chad", "jordan", "georgia", "china", "jersey", "guinea", "niger",
                                     "chile", "mali", "togo", "cuba", "peru", "oman", "israel", "monaco", "panama"})


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """Lower-case country name (pycountry's name, common and official names) or alias -> ISO alpha-2."""
    import pycountry  # lazy: its database loads in about 0.1 s

    table: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(c, attr, None)
            if name and "," not in name and "(" not in name:
                table.setdefault(name.lower(), c.alpha_2)
    table.update(COUNTRY_ALIASES)
    return table


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """ISO alpha-2 -> the name people use ('US' -> 'United States'); unknown codes come back as given."""
    import pycountry

    c = pycountry.countries.get(alpha_2=code.upper())
    return (getattr(c, "common_name", None) or c.name) if c else code


@lru_cache(maxsize=1)
def demonym_forms() -> dict[str, str]:
    """Every demonym form (singular and plural, lower case) -> ISO alpha-2."""
    forms = dict(DEMONYMS)
    forms.update({w + "s": code for w, code in DEMONYMS.items() if w not in NO_PLURAL_DEMONYMS})
    forms.update(_IRREGULAR_PLURALS)
    return forms


@lru_cache(maxsize=4096)
def canonical_country(text: str) -> str | None:
    """'the UK' / 'Britain' / 'British' / 'GB' / 'United Kingdom' -> 'United Kingdom'; None when not a country."""
    t = text.strip().lower().removeprefix("the ").strip()
    if not t:
        return None
    code = country_codes().get(t) or demonym_forms().get(t)
    if code is None and len(t) == 2 and text.strip().isupper():
        code = t.upper() if country_name(t.upper()) != t.upper() else None
    return country_name(code) if code else None
