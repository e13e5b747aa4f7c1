"""The production pieces run on this machine, for the tests (``tests/``) and the benchmarks (``bench/``) alike:
neither imports the other's helpers, both import from here."""
