"""Page parsing: dates, metadata and article text, as small pure functions over HTML."""
