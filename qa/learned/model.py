"""Loading and applying the shipped rankers and the confidence calibration.

A ranker file is JSON: ``{"kind": "linear" | "lightgbm", "features": [...], ...}``. A linear model holds
its standardisation and coefficients; a LightGBM model holds the booster as LightGBM's own text format
(``"booster"``), read by ``lightgbm.Booster(model_str=...)``. A calibration file maps a ranker's margin
(top score minus runner-up) to the probability that the top sentence holds the answer: isotonic, stored
as the knots of a monotone piecewise-linear function, plus the threshold below which an answer shows
its candidates instead of one quote (chosen on the tune part; training/train.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

WEIGHTS_DIR = Path(__file__).with_name("weights")


class ModelFileError(ValueError):
    """A ranker or calibration file that cannot be used (wrong features, unknown kind, unreadable)."""


@dataclass(frozen=True)
class Ranker:
    kind: str
    features: tuple[str, ...]
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None
    coef: np.ndarray | None = None
    intercept: float = 0.0
    booster: object = None

    def score(self, matrix: np.ndarray) -> np.ndarray:
        if len(matrix) == 0:
            return np.zeros(0, dtype=np.float64)
        x = np.asarray(matrix, dtype=np.float64)
        if self.kind == "linear":
            return ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return np.asarray(self.booster.predict(x, num_threads=1), dtype=np.float64)

    def to_json(self) -> dict:
        if self.kind == "linear":
            return {"kind": "linear", "features": list(self.features), "mean": self.mean.tolist(),
                    "scale": self.scale.tolist(), "coef": self.coef.tolist(), "intercept": self.intercept}
        return {"kind": "lightgbm", "features": list(self.features), "booster": self.booster.model_to_string()}


def ranker_from_json(data: dict, expected: Sequence[str], where: str = "ranker") -> Ranker:
    features = tuple(data.get("features") or ())
    if features != tuple(expected):
        raise ModelFileError(f"{where}: trained on features {list(features)[:4]}… but this code computes "
                             f"{list(expected)[:4]}…; retrain it with `python -m training.train`")
    kind = data.get("kind")
    if kind == "linear":
        return Ranker("linear", features, np.asarray(data["mean"]), np.asarray(data["scale"]),
                      np.asarray(data["coef"]), float(data["intercept"]))
    if kind == "lightgbm":
        import lightgbm

        return Ranker("lightgbm", features, booster=lightgbm.Booster(model_str=data["booster"]))
    raise ModelFileError(f"{where}: unknown kind {kind!r} (expected 'linear' or 'lightgbm')")


@dataclass(frozen=True)
class Calibration:
    """Margin → probability that the top candidate is right (monotone), and the answer threshold."""

    knots_x: np.ndarray
    knots_y: np.ndarray
    threshold: float

    def confidence(self, margin: float) -> float:
        return float(np.clip(np.interp(margin, self.knots_x, self.knots_y), 0.0, 1.0))

    def to_json(self) -> dict:
        return {"kind": "isotonic", "x": self.knots_x.tolist(), "y": self.knots_y.tolist(),
                "threshold": self.threshold}


def calibration_from_json(data: dict) -> Calibration:
    if data.get("kind") != "isotonic":
        raise ModelFileError(f"calibration: unknown kind {data.get('kind')!r} (expected 'isotonic')")
    return Calibration(np.asarray(data["x"], dtype=np.float64), np.asarray(data["y"], dtype=np.float64),
                       float(data["threshold"]))


@dataclass(frozen=True)
class Models:
    passage: Ranker | None
    sentence: Ranker | None
    calibration: Calibration | None
    passage_depth: int = 30  # fused candidates the passage ranker reorders


def load_models(folder: str | Path = WEIGHTS_DIR) -> Models:
    """The rankers in ``folder`` (``passage.json``, ``sentence.json``, ``calibration.json``); a missing
    file leaves that decision to the hand-written rule."""
    from .features import PASSAGE_FEATURES, SENTENCE_FEATURES

    folder = Path(folder)

    def read(name: str) -> dict | None:
        path = folder / name
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"{path}: not readable JSON ({exc}); retrain with `python -m training.train`") from exc

    p, s, c = read("passage.json"), read("sentence.json"), read("calibration.json")
    return Models(
        ranker_from_json(p, PASSAGE_FEATURES, str(folder / "passage.json")) if p else None,
        ranker_from_json(s, SENTENCE_FEATURES, str(folder / "sentence.json")) if s else None,
        calibration_from_json(c) if c else None,
        int((p or {}).get("depth", 30)),
    )


@lru_cache(maxsize=4)
def shipped_models(folder: str = str(WEIGHTS_DIR)) -> Models:
    return load_models(folder)


def save_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
