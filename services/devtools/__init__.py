"""Development and demo tools, not part of the production pipeline.

- ``sample_site``: local web sites in the markup of the portals' platforms (NukeViet, a generic
  news CMS) with generated police-news articles, for the demo, the tests and the benchmarks.
- ``local_broker``: a Kafka-protocol broker (Tansu, in memory) started on this machine when no
  broker is configured, for ``bantin demo``, ``bantin up`` without Kafka, and the tests.

Production deployments point ``BANTIN_KAFKA_BOOTSTRAP_SERVERS`` at a real cluster and crawl the
registry's real sources; nothing here runs then.
"""
