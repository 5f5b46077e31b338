"""tracuu: cited semantic search and question answering over Vietnamese news articles."""

__version__ = "0.1.0"
