"""Benchmark problems with known answers, for measuring how often lawfinder finds the true law."""
