"""Benchmark data at national scale: realistic German use cases loaded through PostgreSQL's COPY."""
