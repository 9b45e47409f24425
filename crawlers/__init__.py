"""Scrapy project: source registry, spiders per platform, pipelines, scheduler."""
