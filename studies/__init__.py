"""Dev-only studies and one-off measurements (``python -m studies.<name>``: dedup thresholds, tokenisers,
evidence weights, compare precision, shards, REST load, ingest at scale …): run from a source checkout, never
shipped in the wheel (pyproject packages.find). They may import ``bench`` and the stages; nothing shipped
imports them."""
