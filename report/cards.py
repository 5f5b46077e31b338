"""Document cards for the Documents tab, the CLI and REST: the registry now lives in ``qa.cards`` (the
card answer of ``qa.answer`` reads it, and qa may not import report); re-exported here."""

from qa.cards import (DocumentCard, Mention, Registry, _read_after, _replacements, build_registry,  # noqa: F401
                      mentions_in, registry)

__all__ = ["DocumentCard", "Mention", "Registry", "registry", "build_registry", "mentions_in"]
