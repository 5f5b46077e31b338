"""Follow-up questions: "còn Cần Thơ thì sao?", "what about 2021?" after a first question.

``qa.question.followup`` reads the question a follow-up stands for (``resolve``, ``FollowUp``);
``qa.answer(…, previous=…)`` answers it (``answer_follow_up`` returns the answer and the record)."""

from __future__ import annotations

from .answers.router import answer_follow_up
from .question.followup import FollowUp, resolve

__all__ = ["FollowUp", "resolve", "answer_follow_up"]
