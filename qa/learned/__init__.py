"""Learned ranking: a passage ranker over the fused candidates, a sentence ranker for fact answers, and
the calibration that turns the sentence ranker's scores into a confidence. Trained on the tune parts of
the public sets by ``python -m training.train`` (docs/model-card.md); the weights ship in ``weights/``.

Public surface: ``shipped_models()`` / ``load_models(folder)`` → ``Models``; ``rerank`` (passages) and
``choose`` (sentence, with confidence) apply them; ``restrict`` narrows a choice to an answer type.
"""

from __future__ import annotations

from .apply import Choice, choose, rerank, restrict, top_probability
from .model import Calibration, ModelFileError, Models, Ranker, load_models, shipped_models

__all__ = ["Calibration", "Choice", "ModelFileError", "Models", "Ranker", "choose", "load_models", "rerank",
           "restrict", "shipped_models", "top_probability"]
