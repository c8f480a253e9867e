"""Ranking bibliography entries for a query (BM25, optionally fused with embeddings)."""
