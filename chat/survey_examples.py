"""Example questions for the survey kinds (chat/kinds.py SURVEY_TABLE), written for them in many wordings and
about many subjects, so the classifier learns the kind of question and not its subject. Never copied from a
benchmark. A survey persona's classifier learns these together with the shared kinds' examples
(chat/kind_examples.py)."""

from __future__ import annotations

SURVEY_EXAMPLES: dict[str, tuple[str, ...]] = {
    "opinion": (
        "what do you think about the environment?", "do you agree that taxes should be cut?",
        "do you support more money for public schools?", "is enough being spent on roads and bridges?",
        "are we spending too much on the military?", "how do you feel about welfare?",
        "what's your view on immigration?", "do you think the country spends too little on health?",
        "where do you stand on foreign aid?", "should the government spend more on space exploration?",
        "are you in favour of higher pensions?", "what's your opinion of the police?",
        "do you believe crime is being handled well?", "would you cut spending on the arts?",
        "is too little spent on childcare?", "what did your group answer about public transport?",
        "how does your group rate its trust in parliament?", "do you approve of the new energy policy?",
        "is the money for scientific research about right?", "are you for or against gun control?",
        "what's your take on drug rehabilitation?", "how satisfied are you with the economy?",
        "do people like you want more parks?", "how strongly do you agree with stricter border checks?",
        "does your segment think social security gets too much?", "your position on mass transit?",
        "would your group say big cities get enough money?", "do you oppose spending on defense?",
    ),
    "distinctive": (
        "where do you differ from everyone else?", "what makes your group's views different from the rest?",
        "on which questions do you stand out from the whole sample?", "how are your answers unlike other people's?",
        "what sets your opinions apart?", "where do you disagree with most respondents?",
        "what's unusual about your group's answers?", "in what ways do you depart from the average respondent?",
        "which of your views are the least typical?", "how does your group compare with all respondents?",
        "where is your segment furthest from the overall survey?", "what distinguishes you from the others surveyed?",
        "which answers make your group special?", "where are you out of step with the general public?",
    ),
    "strongest": (
        "what do you feel most strongly about?", "what are you most united on?",
        "which issue does your group agree on the most?", "what's your strongest conviction?",
        "on which question is your group nearly unanimous?", "what matters most to your group?",
        "where is your group's answer the most one-sided?", "what do almost all of you agree on?",
        "which of your opinions is the firmest?", "what are you most certain about?",
        "what's the issue you care about the most?", "which answer did nearly everyone in your group give?",
    ),
}
