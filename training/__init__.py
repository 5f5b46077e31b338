"""The training pipeline behind the shipped weights (``python -m training.train``, ``python -m
training.train_direct``): run from a source checkout, never shipped in the wheel (pyproject packages.find)."""
