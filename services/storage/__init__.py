"""Storage worker: events → SQL; tables, queries, migrations."""
