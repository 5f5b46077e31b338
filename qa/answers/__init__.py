"""Answers by kind — fact, list (per locality or article), documents, abstention — and the router that
picks one for a question."""

from .router import answer

__all__ = ["answer"]
