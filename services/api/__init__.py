"""HTTP API over the storage queries."""
