"""Storage of a study's working data in SQLite (one layer: :mod:`._sqlite`)."""
