"""The decision: the pure decide() and the service that runs intake, checks, decide and record."""
