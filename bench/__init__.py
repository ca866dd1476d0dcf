"""OpenPromo benchmarks (``make bench``); never collected by pytest."""
