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

# Failures: crawlers.retry.BackoffRetryMiddleware takes the place of Scrapy's RetryMiddleware
# (which retries at once) and waits before each retry without blocking other downloads.
# - RETRY_ENABLED: retry at all.
# - RETRY_TIMES: retries per request after the first attempt (2: three requests at most).
# - RETRY_HTTP_CODES: responses retried (server errors, 408, 429); RETRY_EXCEPTIONS (Scrapy's
#   default list: timeouts, refused or lost connections, DNS failures) the network errors retried.
# - BANTIN_RETRY_BACKOFF: seconds before the first retry; the n-th retry waits
#   BANTIN_RETRY_BACKOFF * 2**(n-1) seconds (2 s, 4 s, ...), never more than BANTIN_RETRY_BACKOFF_MAX.
# - RETRY_PRIORITY_ADJUST: a retry goes behind the requests not yet tried.
# - RETRY_GIVE_UP_LOG_LEVEL: the spider's errback logs the final failure as a warning (and counts it
#   in bantin/errors), so the middleware's "gave up" line is only INFO.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_PRIORITY_ADJUST = -1
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
BANTIN_RETRY_BACKOFF = 2.0
BANTIN_RETRY_BACKOFF_MAX = 60.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.retry.BackoffRetryMiddleware": 550,  # the stock one's place in the chain
}
# Politeness across crawl processes (crawlers/hostlimit.py): requests to one host, from every
# crawl of this machine, at least BANTIN_HOST_INTERVAL seconds apart (None: the crawl's
# DOWNLOAD_DELAY, i.e. the source's politeness.download_delay; 0: off), reserved in the SQLite file
# BANTIN_HOST_SLOTS_FILE (None: bantin-host-slots.db beside the SQLite crawl state), by the HTTP
# download handler at the moment of sending.
DOWNLOAD_HANDLERS = {
    "http": "crawlers.hostlimit.HostLimitedDownloadHandler",
    "https": "crawlers.hostlimit.HostLimitedDownloadHandler",
}
BANTIN_HOST_LIMIT_ENABLED = True
BANTIN_HOST_INTERVAL = None
BANTIN_HOST_SLOTS_FILE = None
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

# bantin: where the crawl state lives (one CrawlState per crawl, crawlers/shared_state.py), and how
# deep a listing is followed on a first crawl.
BANTIN_CRAWL_STATE_URL = _settings.crawl_state_url
BANTIN_MAX_LISTING_PAGES = 200
