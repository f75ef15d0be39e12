"""Secrets shown once (questionnaire links, calendar feeds, API tokens) are stored only as this
hash, so a copy of the database cannot be used to open them."""

import hashlib


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
