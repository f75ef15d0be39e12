"""Jinja2, Django's second template engine, for the few fragments a hot page draws many times.

A page's rows (the access log, the timeline, the inbox's forms, the attendance bar) were written
in Python strings for speed: the Django template language cost more than the page's queries for
them. Jinja2 compiles a template to Python once, so a fragment can live in a template file again
(`jinja2/<app>/...`, beside `templates/`) at about the cost of the Python it replaces. Everything
else stays in the Django template language.

The environment (settings.TEMPLATES, backend "jinja2"):
- autoescape on, and escaping exactly as Django's `escape` (`html.escape`: `&#x27;` and `&quot;`,
  where Jinja2's own escape writes `&#39;` and `&#34;`), so the markup is the one the Django
  templates and the Python strings wrote (a lazy translation or other non-`str` text with a
  quote would get Jinja2's spelling: equal in a browser; pass `str`);
- the i18n extension with Django's own `gettext`/`ngettext` (the active language of the request).
  Write translated text as `_("...")`, in a `{{ }}` or a `{% set %}`: that is the form
  `makemessages` finds in a template (it reads `.html` files with Django's template lexer). It
  does not find Jinja2's `{% trans %}` blocks, nor `ngettext` in a template: plural sentences
  are made in Python and passed in;
- `url` (Django's `reverse`) and the filters `date` (Django's `date_format`, e.g.
  `d|date("SHORT_DATE_FORMAT")`);
- an undefined name is an error, not an empty string, so a typo fails the tests.

`render(name, **context)` renders one fragment to safe markup for a Django template or a
response; it skips the backend's request context (no context processors), which a fragment
does not need: pass it what it shows.
"""

from html import escape

from django.template import engines
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup


def _escape_as_django(value):
    """What `{{ value }}` writes, before Jinja2's own escape: a text with quotes escaped as
    Django escapes it (markup, which Jinja2's escape then leaves alone); anything else as it is,
    for Jinja2's escape, which writes the same as Django's for the other characters."""
    if value.__class__ is str and ("'" in value or '"' in value):
        return Markup(escape(value))
    return value


def environment(**options) -> Environment:
    options["undefined"] = StrictUndefined
    env = Environment(
        extensions=["jinja2.ext.i18n"],
        finalize=_escape_as_django,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals["url"] = reverse
    env.filters["date"] = date_format
    return env


def render(name: str, **context) -> SafeString:
    """The fragment `name` (under jinja2/) rendered with `context`, as safe markup."""
    return SafeString(engines["jinja2"].env.get_template(name).render(context))
