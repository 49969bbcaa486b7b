"""Persona sets, profiles and facts in Chroma; hybrid fact retrieval and persona search."""
