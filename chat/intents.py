"""What a question asks: a small rule-based reading that the grounded responder answers from.

Rules, not a model: the grounded responder must be predictable, offline and fast, and its answers are only
as good as its reading of the question. Anything it cannot place falls to ``unknown``, which the responder
answers from the retrieved facts when they match the question's words, and otherwise with "my data doesn't
tell me that".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from vocabulary import country_codes, country_name

Kind = Literal[
    "greeting", "identity", "real_person", "age", "gender", "country", "demographics", "audience", "topics",
    "topic", "content_top", "content_rank", "content_title", "would_watch", "compare", "why", "quotes", "trend",
    "rates", "shared", "quality", "meta", "job", "least", "content_most", "rated_best", "advice", "unknown",
]

_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5,
    "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9,
    "tenth": 10, "10th": 10, "last": -1,
}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10}
_ORDINAL = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\b|\bnumber (\d+)\b|#(\d+)\b|"
                      r"\bnumber (" + "|".join(_NUMBER_WORDS) + r")\b")
QUOTED = re.compile(r"[\"“'‘]([^\"”'’]{3,200})[\"”'’]")

# Occupations a question may ask about ("are you a student?"): MovieLens's, and common others
OCCUPATIONS = ("student", "retired", "programmer", "engineer", "teacher", "educator", "doctor", "lawyer", "writer",
               "artist", "executive", "scientist", "technician", "librarian", "homemaker", "salesman", "nurse",
               "administrator", "marketer", "healthcare worker", "unemployed", "developer", "manager")
_TREND_WORDS = re.compile(r"\bover time\b|\bchang(e|ed|ing)\b|\blately\b|\btrend|\bgoing (up|down)\b")
_GENRE_WORDS = re.compile(r"\b(kinds?|types?|sorts?) of\b|\bgenres?\b")
_SAYS = re.compile(r"\b(say|says|said|comment\w*)\b")


# Order matters: the first rule that matches wins, most specific first.
_RULES: list[tuple[Kind, re.Pattern[str]]] = [
    ("meta", re.compile(r"\b(system prompt|your (instructions|prompt|rules)|ignore (all |the |your )?(previous|prior|above)|"
                        r"jailbreak|developer mode|pretend (to be|you are)|make up (a|an|some) (number|figure|fact|stat)\w*|invent (a|an|some)|fabricate)\b")),
    # Money, politics, beliefs: audience data never records them, whatever else the question says ("per month")
    ("unknown", re.compile(r"\b(earn|earns|income|salary|salaries|money|spend|spending|budget for|price|prices|cost|"
                           r"costs|vote|voting|politic\w*|religio\w*|believe in)\b")),
    ("real_person", re.compile(r"\b(are you (a )?(real|human|actual|bot|ai|person)|real person|do you exist|"
                               r"are you an? (ai|bot|robot|person|human))\b")),
    # "What should we make next?": the data records what was watched, not what to make; its top and most
    # over-indexed topics are what it can offer
    ("advice", re.compile(r"\bwhat should (we|i) (make|create|produce|build|publish|film|shoot|release|do)\b|"
                          r"\b(recommend|suggest)\w* (to us|for us|we)\b|\bwhat (would|do) you want (us )?to (make|see)\b|"
                          r"\bwhat (videos?|movies?|films?|content) should (we|i)\b")),
    # "Which movie did you rate highest?": the data has no rating per item or topic
    ("rated_best", re.compile(r"\b(best|highest|top|worst|lowest)[- ]rated\b|\brated? (\w+ )?(the )?(highest|best|"
                              r"lowest|worst)\b|\b(highest|lowest|best|worst) (rating|score)s?\b")),
    # "Which persona is most like you?": the data has the groups that share the behaviour, not a ranking of personas
    ("shared", re.compile(r"\bmost like you\b|\b(which|what) (other )?(persona|group)s?\b.*\b(like you|like me|"
                          r"similar|closest|close to)\b")),
    ("would_watch", re.compile(r"\b(would|will|might|could) you (like to )?(watch|enjoy|like|click|view|see)\b|"
                               r"\binterested in (a |an )?(video|movie|film)\b")),
    ("compare", re.compile(r"\b(different|differ|difference|compare|compared|comparison|versus|vs\.?|unlike|"
                           r"in common|similar to)\b")),
    ("why", re.compile(r"^\s*why\b|\bwhy do you\b|\bwhat makes you\b|\breason\b")),
    ("least", re.compile(r"(?<!\bat )\b(least|lowest|bottom|fewest)\b|\bdislike (most|the most)\b")),
    ("job", re.compile(r"\b(job|occupation|profession|for a living|work as|what do you do\b(?! (on|in|with|about))|"
                       r"your work|career|employ)|\bare you (a |an )?(" + "|".join(OCCUPATIONS) + r")\b")),
    ("age", re.compile(r"\bhow old\b|\byour age\b|\bage\b")),
    ("gender", re.compile(r"\b(gender|male or female|man or (a )?woman|are you a (man|woman|guy|girl))\b")),
    ("country", re.compile(r"\bwhere\b.*\b(from|live|based)\b|\bwhich country\b|\bwhat country\b|\bnationality\b")),
    ("identity", re.compile(r"\bwho are you\b|\byour name\b|\bwhat are you called\b|\babout yourself\b|\bintroduce yourself\b|\bdescribe yourself\b|"
                            r"\bsummar(y|ise|ize) of you|\bsum (yourself|you) up\b|\bwhat are you\b|"
                            r"\bwho is\b.*\b(this|persona)\b")),
    ("audience", re.compile(r"\bhow (big|large|many (people|views|viewers|users|of you|ratings|plays|clicks|"
                            r"interactions))\b|\bhow many (movies|videos|films|titles|items) (have|did|do) you (rate|"
                            r"watch|see|view)|\bsize\b|"
                            r"\baudience\b|\bhow much do you watch\b|\bshare of (all|the)\b|\bin total\b")),
    ("rates", re.compile(r"\blikes\b|\b(dislikes|shares|subscribers)\b|\bhow many likes?\b|\bper view\b|\bengag\w*|\bhow long\b|\bwatch (time|minutes)\b|"
                         r"\brating\b|\brate\b|\baverage\b|\bminutes\b")),
    ("trend", re.compile(r"\bgoing (up|down)\b|\bup or down\b|\blately\b|\brecent(ly)?\b|\b(increas|decreas|declin|"
                         r"rising|falling|growth)\w*|\bwhen\b|\btrend\b|\bover time\b|\bmonth\b|\bpeak\b|\bgrowing\b|"
                         r"\bseason\b|\bmost active\b|\bchanged?\b")),
    ("shared", re.compile(r"\bwho else\b|\bother groups\b|\bpeople like you\b|\bothers like you\b|\boverlap\b|"
                          r"\bshare your (taste|behaviou?r)\b")),
    ("quality", re.compile(r"\bstab(le|ility)\b|\breliab|\bconfiden|\brobust\b|\bhow sure\b|\btrust\b")),
    ("quotes", re.compile(r"\b(comment|comments|say|said|quote|opinion|feedback|think of|think about|feel about)\b")),
    ("content_rank", re.compile(r"\b(second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|2nd|3rd|4th|5th|"
                                r"number \d+)\b")),
    ("content_most", re.compile(r"\b(video|movie|film|title|item|content)s?\b.*\b(most (watched|viewed|views|seen|"
                                r"popular)|watch(es|ed)? (the )?most|highest (count|views))\b|\bmost (watched|viewed|"
                                r"seen|popular) (video|movie|film|title|item|content)")),
    ("content_top", re.compile(r"\b(video|videos|movie|movies|film|films|episode|title|titles|content|item|"
                               r"items)\b")),
    ("topics", re.compile(r"\b(topic|topics|genre|genres|categor|interest|interests|into|like|love|enjoy|"
                          r"watch|favou?rite|care about|kind of|habit)\w*\b")),
    ("demographics", re.compile(r"\b(demographic|group|occupation|job|gender|country)\b")),
    ("greeting", re.compile(r"^\s*(hi|hello|hey|good (morning|afternoon|evening)|thanks|thank you)\b[\s!.,]*$")),
]


_WATCH_WORDS = frozenset(["topic", "topics", "genre", "genres", "category", "categories", "video", "videos", "content", "kind", "type", "thing", "things", "show", "shows", "channel", "channels", "movie", "movies", "film", "films", "subject", "subjects", "one"])


# The facts a kind of question needs, (fact type, how many by rank): the chain keeps them in the context
# even when retrieval ranked them lower, so an answer never lacks the one fact the question asks for.
NEEDS: dict[str, tuple[tuple[str, int], ...]] = {
    "identity": (("profile", 1),),
    "topics": (("topic", 3),),
    "least": (("topic", 10), ("content", 10)),
    "content_top": (("content", 3),),
    "content_most": (("content", 10),),
    "content_rank": (("content", 10), ("topic", 8)),
    "quotes": (("quote", 3),),
    "why": (("quote", 3), ("topic", 1)),
    "trend": (("trend", 1),),
    "rates": (("rate", 5),),
    "shared": (("shared", 1),),
    "quality": (("quality", 1),),
    "compare": (("topic", 1),),
    "advice": (("topic", 10),),
    "rated_best": (("rate", 5), ("topic", 1), ("content", 10)),
}


@dataclass(frozen=True)
class Intent:
    kind: Kind
    rank: int | None = None  # an ordinal the question names ("the second one" -> 2; "last" -> -1)
    quoted: str | None = None  # a title the question quotes


def ordinal(question: str) -> int | None:
    m = _ORDINAL.search(question.lower())
    if not m:
        return None
    if m.group(1):
        return _ORDINALS[m.group(1)]
    if m.group(4):
        return _NUMBER_WORDS[m.group(4)]
    return int(m.group(2) or m.group(3))


def quoted(question: str) -> str | None:
    m = QUOTED.search(question)
    return m.group(1).strip() if m else None


@lru_cache(maxsize=1)
def _country_names() -> dict[str, tuple[str, str]]:
    """lower-case name -> (alpha-2, name), from the shared table."""
    names = {name: (code, country_name(code)) for name, code in country_codes().items()}
    names["us"] = ("US", "United States")  # read only as "US": countries_named skips the pronoun
    return names


def countries_named(question: str) -> list[tuple[str, str]]:
    """Countries a question names, as (alpha-2 code, name): 'and in Germany?' -> [('DE', 'Germany')]."""
    names = _country_names()
    words = re.findall(r"[A-Za-z][A-Za-z'.-]*", question)
    found: list[tuple[str, str]] = []
    for size in (4, 3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i:i + size])
            key = phrase.lower()
            if size == 1 and (key == "us" and phrase != "US"):  # the pronoun "us"
                continue
            if key in names and names[key] not in found:
                found.append(names[key])
    return found


def topic_named(topic: str, text: str) -> re.Match[str] | None:
    """Where a lowercase question names a topic: 'drama', 'dramas', 'comedies' (Comedy), 'westerns', and for a
    one-word topic a word that shares all but its last two letters, at least five ('romantic' ~ Romance)."""
    t = topic.lower()
    base = t[:-1] if t.endswith("s") and not t.endswith(("ss", "ws")) else t  # 'car videos' names Cars
    m = re.search(rf"(?<![\w-]){re.escape(base)}(?:s|es)?(?![\w-])", text)
    if m or " " in t or len(t) < 5:
        return m
    need = max(5, len(t) - 2)
    for w in re.finditer(r"[a-z][a-z'-]*", text):
        word = w.group()
        if (t.endswith("y") and word == t[:-1] + "ies") or (len(word) >= need and word[:need] == t[:need]):
            return w
    return None


# Chat shorthand read as the words it stands for ("who r u", "whats ur fav genre")
_SHORTHAND = {"u": "you", "r": "are", "ur": "your", "ya": "you", "wat": "what", "wht": "what", "whats": "what's",
              "fav": "favourite", "fave": "favourite", "pls": "please", "plz": "please", "y": "why"}
# whole words only: "U.S.", "R&B" and the title "U Turn" keep their letters
_SHORT_WORD = re.compile(r"(?<![\w.&'])(" + "|".join(_SHORTHAND) + r")(?![\w.&'])")


def plain(question: str) -> str:
    """The question in lowercase with chat shorthand spelled out."""
    return _SHORT_WORD.sub(lambda m: _SHORTHAND[m.group(1)], question.lower().strip())


def classify(question: str) -> Intent:
    q = plain(question)
    title = quoted(question)
    for kind, pattern in _RULES:
        if pattern.search(q):
            if kind == "content_top" and _GENRE_WORDS.search(q):
                kind = "topics"  # "what kind of movies do you like?" asks for genres, not titles
            if kind == "rates" and _TREND_WORDS.search(q):
                kind = "trend"  # "how has your rating changed over time?"
            if kind == "shared" and _SAYS.search(q):
                kind = "quotes"  # "what do people like you say?"
            if kind in ("topics", "content_top") and title:
                kind = "content_title"
            if kind == "topics" and re.search(r"\b(video|movie|film)s?\b", q) and not _GENRE_WORDS.search(q):
                kind = "content_top"
            fav = re.search(r"\bfavou?rite (\w+)", q)
            if kind == "topics" and fav and fav.group(1) not in _WATCH_WORDS:
                kind = "unknown"  # "your favourite food?": not something the audience data records
            return Intent(kind, ordinal(question), title)
    if title:
        return Intent("content_title", ordinal(question), title)
    return Intent("unknown", ordinal(question), None)
