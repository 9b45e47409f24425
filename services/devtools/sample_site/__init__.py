"""Offline fixture sites for tests, ``bantin demo`` and ``bench/crawl.py``.

API::

    from services.devtools.sample_site import serve

    with serve("nukeviet", n_articles=1000) as site:   # or "generic"
        site.base_url            # "http://127.0.0.1:<port>"
        site.articles            # list[Article], newest first (id, title, lead, paragraphs, author,
                                 # published_at as naive Vietnam time, category)
        site.article_url(a)      # absolute URL of an article
        site.edit_article(id)    # change one article's text (or title=...) in place
        site.add_articles(3)     # publish newer articles
        site.hits                # Counter of requested paths (e.g. to check robots.txt is obeyed)

Crawl one with the registry in ``SOURCES_FILE``: ``scrapy crawl nukeviet -a source=sample-nukeviet
-a base_url=<site.base_url> -a sources_file=<SOURCES_FILE>`` (or ``sample-generic`` with ``generic``).

``serve(kind, port=0, n_articles=60, broken=True, slow_seconds=6.0, huge_bytes=3_000_000, seed=7)``.

NukeViet site (markup of the NukeViet news module's default theme):
``/vi/news/<category>/`` listings (10 per page, ``/page-N``), articles
``/vi/news/<category>/<alias>-<id>.html`` with menus, tags, rating, "Ý kiến bạn đọc",
"Những tin mới hơn/cũ hơn", quirky ``article:published_time`` values; RSS ``/vi/news/rss/`` and
``/vi/news/rss/<category>/``; robots.txt disallowing ``/vi/news/noi-bo/``. With ``broken=True`` the
listing ``/vi/news/thong-bao/`` links pages that answer 404, 500, slowly (``slow_seconds``), hugely
(``huge_bytes``), in a wrong encoding, or without a title, plus a robots-disallowed page; without
it, that listing is an empty category.

Generic site: articles ``/<alias>-post<id>.html``; RSS ``/rss/thoi-su.rss``, Atom
``/atom/phap-luat.xml``, section ``/xa-hoi/`` without a feed; ``/sitemap.xml`` is an index of a news
sitemap (30 newest) and URL sitemaps of 500 articles each; robots.txt disallows ``/private/``.
"""

from pathlib import Path

from services.devtools.sample_site.content import Article, make_articles
from services.devtools.sample_site.server import SampleSite, serve

SOURCES_FILE = Path(__file__).with_name("sources.yaml")
"""Source registry with ``sample-nukeviet`` and ``sample-generic``; crawl with ``-a base_url=``."""

__all__ = ["SOURCES_FILE", "Article", "SampleSite", "make_articles", "serve"]
