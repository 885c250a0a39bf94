"""Benchmarks of the activation layer: `make bench SCALE=S|M|L` (see README, Performance)."""
