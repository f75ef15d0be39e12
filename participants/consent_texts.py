"""The consent texts a participant agrees to, by purpose and version.

A consent record stores the version it was given under, so the exact wording can be shown and
exported later. Never edit a published version: add a new one (last in
TEXTS) and make it CURRENT_VERSION; `current_version(purpose)` picks a purpose's newest text.
"""

from django.utils.translation import gettext_lazy as _

CURRENT_VERSION = "2026-1"

TEXTS = {
    "2026-1": {
        "registration": _(
            "I agree that the project registers my name, contact details, birth year and what "
            "I tell about my health and wishes, so that it can run the course and help me on "
            "to a permanent offer. Only the project's coordinators and my instructors see it."
        ),
        "share_contact": _(
            "I agree that the project gives my name and contact details, and the wishes that "
            "matter for the offer, to the organisation named here, so that they can receive "
            "me as a new member."
        ),
        "follow_up": _(
            "I agree that the project may contact me up to a year after the course to hear "
            "whether I am still active."
        ),
        "statistics": _(
            "I agree that information about me is used in statistics in which I cannot be "
            "recognised."
        ),
    },
}


def current_version(purpose: str) -> str:
    """The version a consent for `purpose` is given under today: the newest that words it.
    The server sets it; it is never taken from what a browser posts."""
    for version in reversed(TEXTS):
        if purpose in TEXTS[version]:
            return version
    raise KeyError(purpose)


def consent_text(purpose: str, version: str) -> str:
    return TEXTS.get(version, {}).get(purpose, "")
