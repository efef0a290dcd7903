"""Loading many units: relevance, workers, and the cache between runs (see ``scanner.parsers.load_units``)."""
