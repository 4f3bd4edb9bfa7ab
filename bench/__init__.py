"""Benchmarks of vnplan (``make bench``): agency and deadline normalization, and the whole pipeline."""
