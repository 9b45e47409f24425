"""RawArticle: one fetched news article, as the crawlers publish it to ``news.raw-articles.v1``."""

from __future__ import annotations

import base64
import zlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.ids import article_id as make_article_id
from schemas.ids import canonical_url as make_canonical_url
from schemas.ids import content_hash as make_content_hash
from schemas.times import UtcDatetime, utcnow

HtmlEncoding = Literal["identity", "zlib+base64"]


class RawArticle(BaseModel):
    """A fetched article with its text and raw HTML, so extraction can be re-run later."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    article_id: str = Field(default="", description="SHA-256 of the canonical URL; filled from it when empty")
    url: str = Field(description="URL the page was fetched from")
    canonical_url: str = Field(default="", description="rel=canonical / og:url, normalised")
    source: str = Field(description="source id from the source registry, e.g. 'conganbackan'")
    province: str | None = Field(default=None, description="province of the source, if it has one")
    title: str | None = None
    published_at: UtcDatetime | None = Field(default=None, description="ISO-8601 UTC")
    byline: str | None = None
    lead: str | None = None
    text: str = Field(default="", description="main text, boilerplate removed")
    html: str | None = Field(default=None, description="raw HTML, encoded as html_encoding says")
    html_encoding: HtmlEncoding = "identity"
    fetched_at: UtcDatetime = Field(default_factory=utcnow)
    http_status: int = 200
    content_hash: str = Field(default="", description="SHA-256 of the normalised text")
    language: str = "vi"

    @field_validator("url")
    @classmethod
    def _absolute_url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("url must be an absolute http(s) URL")
        return v

    @model_validator(mode="after")
    def _derive_ids(self) -> RawArticle:
        self.canonical_url = make_canonical_url(self.canonical_url or self.url)
        expected = make_article_id(self.canonical_url)
        if self.article_id and self.article_id != expected:
            raise ValueError("article_id must be the SHA-256 of the canonical URL")
        self.article_id = expected
        if not self.content_hash:
            self.content_hash = make_content_hash(self.text)
        return self

    def html_text(self) -> str | None:
        """The raw HTML, decompressed when it was stored compressed."""
        if self.html is None or self.html_encoding == "identity":
            return self.html
        return zlib.decompress(base64.b64decode(self.html)).decode("utf-8")

    def with_compressed_html(self) -> RawArticle:
        """A copy whose HTML is zlib-compressed and base64-encoded (for pages near the size limit)."""
        if self.html is None or self.html_encoding != "identity":
            return self
        packed = base64.b64encode(zlib.compress(self.html.encode("utf-8"), 9)).decode("ascii")
        return self.model_copy(update={"html": packed, "html_encoding": "zlib+base64"})

    def without_html(self) -> RawArticle:
        """A copy with no HTML: the last resort for pages that stay too large when compressed."""
        return self.model_copy(update={"html": None, "html_encoding": "identity"})
