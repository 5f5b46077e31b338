"""The sentence cross-encoder tried for issue 25 (``training.train_cross``): e5-small reading a question and
one competing sentence together, low-rank adapters on its top layers and a linear head over the mean of
its last states (as a unit vector). Not shipped: on held-out articles it chose the answer's sentence less
often than the hand score and added nothing mixed with it (docs/model-card.md). Torch is imported inside
functions.
"""

from __future__ import annotations

from typing import Any

MAX_TOKENS = 160
ADAPTED = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
           "intermediate.dense", "output.dense")


def question_side(question: str) -> str:
    return "query: " + question


def sentence_side(title: str, sentence: str) -> str:
    # The title stands in for what the sentence's pronouns and elided subjects refer to.
    return f"passage: {title}. {sentence}" if title else "passage: " + sentence


def _lora_linear(linear: Any, rank: int) -> Any:
    import torch

    class LoRALinear(torch.nn.Module):
        """``linear`` frozen, plus a trainable low-rank update B·A (B starts at zero: training starts from e5)."""

        def __init__(self) -> None:
            super().__init__()
            self.base = linear
            for p in self.base.parameters():
                p.requires_grad_(False)
            self.a = torch.nn.Parameter(torch.randn(rank, linear.in_features) / linear.in_features ** 0.5)
            self.b = torch.nn.Parameter(torch.zeros(linear.out_features, rank))

        def forward(self, x: Any) -> Any:
            return self.base(x) + (x @ self.a.t()) @ self.b.t()

        def merged_weight(self) -> Any:
            return self.base.weight + self.b @ self.a

    return LoRALinear()


def _get(module: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        module = getattr(module, part)
    return module


def _set(module: Any, dotted: str, value: Any) -> None:
    *path, last = dotted.split(".")
    for part in path:
        module = getattr(module, part)
    setattr(module, last, value)


def top_layers_class() -> Any:
    import copy

    import torch

    class TopLayers(torch.nn.Module):
        """The top ``layers`` transformer layers of an e5 model (copied, adapted) and a head over the mean of
        the last hidden states. Input: the last frozen layer's states and the mask."""

        def __init__(self, layers: Any, rank: int) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(copy.deepcopy(layer) for layer in layers)
            for layer in self.layers:
                for p in layer.parameters():
                    p.requires_grad_(False)
                for name in ADAPTED:
                    _set(layer, name, _lora_linear(_get(layer, name), rank))
            hidden = self.layers[0].attention.self.query.base.in_features
            self.head = torch.nn.Linear(hidden, 1)
            torch.nn.init.zeros_(self.head.weight)
            torch.nn.init.zeros_(self.head.bias)

        @classmethod
        def from_model(cls, model: Any, *, layers: int, rank: int) -> "TopLayers":
            return cls(model.encoder.layer[-layers:], rank)

        def forward(self, hidden: Any, mask: Any) -> Any:
            additive = (1.0 - mask[:, None, None, :]) * torch.finfo(hidden.dtype).min
            for layer in self.layers:
                hidden = layer(hidden, attention_mask=additive)
            weights = mask.unsqueeze(-1)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            # The head reads the unit vector the int8 graph puts out (index.embed.adapted).
            return self.head(torch.nn.functional.normalize(pooled, p=2.0, dim=1)).squeeze(-1)

        def adapters(self) -> dict[str, Any]:
            """Name → array of every trained tensor (``cross.npz``)."""
            out = {}
            for k, layer in enumerate(self.layers):
                for name in ADAPTED:
                    lora = _get(layer, name)
                    out[f"{k}.{name}.a"] = lora.a.detach().numpy()
                    out[f"{k}.{name}.b"] = lora.b.detach().numpy()
            out["head.weight"] = self.head.weight.detach().numpy()
            out["head.bias"] = self.head.bias.detach().numpy()
            return out

    return TopLayers


def __getattr__(name: str) -> Any:  # ``from .cross_model import TopLayers`` without importing torch at import time
    if name == "TopLayers":
        return top_layers_class()
    raise AttributeError(name)
