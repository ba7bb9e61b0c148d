"""Asking the graph in SPARQL: checked queries, results, the engines and remote endpoints."""
