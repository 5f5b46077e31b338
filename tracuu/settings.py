"""The settings live at the ground, in ``index.settings``, next to the index that reads them; this name is kept for outside scripts."""
from index.settings import (BUNDLED_MODEL, EmbedBackend, FusionMethod, LexicalTokenizer, MergeMode,  # noqa: F401
                            Settings, default_cache_dir, default_index_dir)
