"""Benchmarks that print timings next to a raw-SQL floor: python -m bench."""
