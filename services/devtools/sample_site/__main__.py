"""Serve a sample site until interrupted: ``python -m services.devtools.sample_site nukeviet --port 8000``."""

from __future__ import annotations

import argparse
import time

from services.devtools.sample_site import SOURCES_FILE, serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["nukeviet", "generic"])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--no-broken", action="store_true", help="leave out the broken pages")
    args = parser.parse_args()
    with serve(args.kind, port=args.port, n_articles=args.articles, broken=not args.no_broken) as site:
        print(f"{args.kind} sample site with {args.articles} articles on {site.base_url}")
        print(
            f"crawl it: scrapy crawl {args.kind} -a source=sample-{args.kind} "
            f"-a base_url={site.base_url} -a sources_file={SOURCES_FILE}"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
