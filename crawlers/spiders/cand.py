"""Spider for cand.com.vn, the national police paper.

The generic spider does the work; this one exists so the registry's ``cand`` platform has its
own name in stats and schedules. Its articles report from every province, so the source has no
province: the extractor takes it from the text.
"""

from __future__ import annotations

from crawlers.spiders.generic import GenericSpider


class CandSpider(GenericSpider):
    name = "cand"
    platforms = ("cand",)
