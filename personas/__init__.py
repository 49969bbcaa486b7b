"""Data-driven personas from audience analytics (APG-style NMF)."""

__version__ = "0.1.0"
