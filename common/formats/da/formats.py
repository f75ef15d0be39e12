# Danish: Django's own formats, and the project's named ones.
DAY_FORMAT = "l j. F"  # 'fredag 27. november'
DAY_YEAR_FORMAT = "l j. F Y"  # 'fredag 27. november 2026'
