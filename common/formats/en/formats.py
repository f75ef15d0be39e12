# English as the interface writes it (British, like "organisation" and "programme"): the day
# before the month and a 24-hour clock, as in Denmark, not Django's American default.
from django.conf.locale.en_GB.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"  # '27 November 2026'
TIME_FORMAT = "H:i"  # '14:30'
DATETIME_FORMAT = "j F Y H:i"  # '27 November 2026 14:30'
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # '27/11/2026 14:30'
DAY_FORMAT = "l j F"  # 'Friday 27 November'
DAY_YEAR_FORMAT = "l j F Y"  # 'Friday 27 November 2026'
