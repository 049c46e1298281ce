"""Benchmarks of Lưu trữ số: `python bench/run.py` (or `make bench`) writes docs/benchmarks.md."""
