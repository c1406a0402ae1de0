"""Benchmarks, run as scripts (``python bench/bench_scoring.py``), and the code only they use."""
