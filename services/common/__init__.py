"""Helpers shared by every bantin service: settings, topics, Kafka clients, logging, metrics."""
