"""Benchmarks: speed and load figures, written to docs/ (never timed tests)."""
