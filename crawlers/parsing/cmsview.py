"""The JSON API of DNN's ``cmsview`` news module, as congan.hanoi.gov.vn (Hà Nội police) serves it.

One place for the API's shapes, read by the ``dnn`` spider and by platform detection. What is
known comes from a public crawler of this API in the stored public repositories (the project has
not crawled the site live yet):

- listing: ``listnew?PortalId=0&ModuleId=<id>&GetType=3&PageIndex=<n>&txtKeyword=`` answers an
  object with ``ListData`` (the top block) and ``ListMoreData`` (the rest); both empty ends the
  listing. Items carry ``Id``, ``Name`` (title), ``Url`` (slug), ``Description`` (lead) and
  ``PublishTime`` (else ``CreatedTime``), ISO local time without a zone;
- an article's public page is ``/tin-tuc/<slug>-<Id>``;
- detail: ``getbyid?id=<Id>`` answers the record or a one-element list; the HTML body is
  ``FullContent`` (else ``Body``, ``Content``);
- a section page names its module in inline JS, ``myService.getNewsBlockContents(0, <ModuleId>, 3,
  <page>, …)``: the call whose page argument is not the literal ``1`` is the section's main list
  (those with ``1`` are side blocks).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from crawlers.parsing.dates import parse_date

API = "/DesktopModules/cmsview/api/NewsContent/"
ARTICLE_PATTERN = r"/tin-tuc/[^/?#]+-\d+$"
_BLOCK_CALL = re.compile(r"myService\.getNewsBlockContents\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*([^,)]+)")


def listing_path(module_id: str, portal_id: str = "0", get_type: str = "3") -> str:
    """The first page of a module's listing, as the site's own script asks for it."""
    return (
        f"{API}listnew?PortalId={portal_id}&ModuleId={module_id}&GetType={get_type}&PageIndex=1&txtKeyword="
    )


def detail_path(article_id: str) -> str:
    return f"{API}getbyid?id={article_id}"


def main_lists(html: str) -> list[str]:
    """Listing paths of the main lists a page's inline script loads (side blocks, page ``1``, left out)."""
    found: list[str] = []
    for portal, module, get_type, page in _BLOCK_CALL.findall(html):
        path = listing_path(module, portal, get_type)
        if page.strip() != "1" and path not in found:
            found.append(path)
    return found


def listed(data: Any) -> list[dict[str, Any]]:
    """The items of a listing answer: ``ListData`` then ``ListMoreData``; [] for an empty page."""
    if not isinstance(data, dict):
        return []
    items = (data.get("ListData") or []) + (data.get("ListMoreData") or [])
    return [item for item in items if isinstance(item, dict)]


def is_listing(data: Any) -> bool:
    """Whether a JSON answer has the listing's shape (detection checks a proposed module with it)."""
    return isinstance(data, dict) and any(isinstance(data.get(k), list) for k in ("ListData", "ListMoreData"))


def detail(data: Any) -> dict[str, Any] | None:
    """The record of a ``getbyid`` answer, a bare object or a one-element list."""
    if isinstance(data, list):
        data = data[0] if data else None
    return data if isinstance(data, dict) else None


def text(record: dict[str, Any], *names: str) -> str | None:
    """The first of the fields ``names`` holding a non-empty string."""
    for name in names:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return None


def record_id(record: dict[str, Any]) -> str | None:
    value = record.get("Id")
    return str(value) if isinstance(value, (int, str)) and str(value).isdigit() else None


def article_path(record: dict[str, Any]) -> str | None:
    """``/tin-tuc/<slug>-<Id>``, the record's public page; None without an id or a slug."""
    article_id, slug = record_id(record), text(record, "Url")
    return f"/tin-tuc/{slug.strip().strip('/')}-{article_id}" if article_id and slug else None


def body(record: dict[str, Any]) -> str | None:
    return text(record, "FullContent", "Body", "Content")


def published(record: dict[str, Any]) -> datetime | None:
    """``PublishTime``, else ``CreatedTime``; their naive times are Vietnam time (``parse_date``)."""
    return parse_date(text(record, "PublishTime", "CreatedTime"))
