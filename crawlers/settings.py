"""Scrapy settings for the bantin spiders: polite by default, per-source overrides in the spider.

``Settings`` (``BANTIN_*`` environment variables) supplies the User-Agent and the crawl-state URL;
each spider applies its source's ``politeness`` (delay, concurrency) in ``from_crawler``.
"""

from __future__ import annotations

from services.common.settings import get_settings

_settings = get_settings()

BOT_NAME = "bantin"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

# Identify ourselves with a contact URL and obey robots.txt.
USER_AGENT = _settings.crawl_user_agent
ROBOTSTXT_OBEY = True

# Politeness: small government sites. Sources may override delay and concurrency.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Failures: server errors and network failures are retried by the spiders' errback with
# exponential backoff (BANTIN_RETRY_BACKOFF * 2**attempt seconds, at most BANTIN_RETRY_BACKOFF_MAX):
# Scrapy's RetryMiddleware retries at once, so it is off. RETRY_TIMES, RETRY_HTTP_CODES and
# RETRY_EXCEPTIONS (Scrapy's defaults) still say what and how often.
RETRY_ENABLED = False
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
BANTIN_RETRY_BACKOFF = 2.0
BANTIN_RETRY_BACKOFF_MAX = 60.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = _settings.log_level

ITEM_PIPELINES = {
    "crawlers.pipelines.HealthPipeline": 100,
    "crawlers.pipelines.ChangeFilterPipeline": 200,
    "crawlers.pipelines.KafkaPublishPipeline": 300,
}

# bantin: where the crawl state lives, and how deep a listing is followed on a first crawl.
BANTIN_CRAWL_STATE_URL = _settings.crawl_state_url
BANTIN_MAX_LISTING_PAGES = 200
