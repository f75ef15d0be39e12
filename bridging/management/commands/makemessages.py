"""makemessages without fuzzy matching: a new string is left untranslated (which `make check`
catches) instead of silently getting the translation of a similar-looking one."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
