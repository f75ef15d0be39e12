"""Secrets in addresses (the participant's questionnaire link, the instructor's calendar feed)
are credentials: a log line must show that such an address was asked for, never the secret."""

import logging
import re

HIDDEN = "[hidden]"
SECRET_IN_PATH = [
    (re.compile(r"(/q/)[^/\s\"'?#]+"), rf"\g<1>{HIDDEN}"),
    (re.compile(r"(/calendar/)[^/\s\"'?#]+(\.ics)"), rf"\g<1>{HIDDEN}\g<2>"),
]


def redact(text: str) -> str:
    for pattern, replacement in SECRET_IN_PATH:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True
