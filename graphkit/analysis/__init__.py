"""What researchers ask: names, transfers and paths, networks, explanations, counts, checks."""
