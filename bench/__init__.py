"""`make bench`: times the main pages on the national-scale data set (see README, Benchmark).

Not a test: pytest does not collect it (testpaths is tests/). It runs with the production
settings plus one extra URL, the floor (settings.py and urls.py here).
"""
