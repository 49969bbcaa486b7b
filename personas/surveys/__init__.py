"""Survey personas (Survey2Persona): respondent segments of questionnaire data as a persona set.

codebook (items, codes, labels, kinds) < data (load and validate) < segment / groups (who is in which
segment) < positions (shares and means per segment) < describe < build (the PersonaSet); datasets and
synthetic give real and planted surveys. The public API is in docs/surveys.md.
"""
