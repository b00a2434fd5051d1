"""Benchmarks of docs/benchmarks.md (``make bench``); never part of the test suite."""
