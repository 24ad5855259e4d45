"""Benchmarks (not part of the test suite): `python -m bench` or `make bench`.

Every benchmark is a ratio: the project's code against a *floor*, a hand-written minimal way of
computing the same answer, timed in the same run on the same machine and data. A ratio travels
between machines where a number of milliseconds does not. Each line says whether the ratio is
within its aim; missing an aim is reported, never raised. A floor that gives a different answer
from the project's code is a broken benchmark: that is reported loudly and makes the run fail.

Modules are listed in `bench.__main__.MODULES`; each has a `run()` that yields results.
"""
