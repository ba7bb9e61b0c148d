"""The curated CSVs: their schema, loading and checking them, and writing them canonically."""
