"""Articles from the web: pages by URL, a sitemap's pages, a feed's items (RSS or Atom), fetched
politely (robots.txt, per-host rate, conditional GET) and ingested as HTML articles keyed by their URL."""

from .fetch import Fetcher, FetchError, Page
from .listing import Item, Listing, ListingError, feed_date, parse_listing
from .run import WebReport, WebRequest, run_web
from .urls import BadUrl, doc_id_for, is_url, normalize_url

__all__ = ["Fetcher", "FetchError", "Page", "Item", "Listing", "ListingError", "feed_date", "parse_listing",
           "WebReport", "WebRequest", "run_web", "BadUrl", "doc_id_for", "is_url", "normalize_url"]
