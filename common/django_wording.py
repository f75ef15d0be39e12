"""Django's own messages, reworded where its stock Danish reads stiffly.

Translations in LOCALE_PATHS come before Django's, so naming a message here (gettext_noop keeps
it from being translated at import time) makes `make messages` collect it into our
locale/da/LC_MESSAGES/django.po, where our wording then replaces Django's everywhere.
"""

from django.utils.translation import gettext_noop

DJANGO_MESSAGES = [
    # Django REST framework's catalogue comes before Django's and words this one differently.
    gettext_noop("Enter a valid email address."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be "
        "case-sensitive."
    ),
    # Stock Danish: "Marker en gyldig valgmulighed ..."
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    # Stock Danish: "Indtast en gyldig tid."
    gettext_noop("Enter a valid time."),
]
