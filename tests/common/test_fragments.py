"""The Jinja2 fragments (common/fragments.py, jinja2/): escaped as Django escapes, translated
with Django's catalogue, and every text in them found by makemessages."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import trans_real
from django.utils.translation.template import templatize
from jinja2 import UndefinedError

from common import fragments

TEMPLATES = sorted((Path(settings.BASE_DIR) / "jinja2").rglob("*.html"))


def test_values_are_escaped_as_django_escapes_them_and_safe_markup_is_kept(settings):
    env = fragments.engines["jinja2"].env
    text = """<b title="x">O'Brien & co</b>"""
    assert env.from_string("{{ v }}").render(v=text) == escape(text)
    assert env.from_string("{{ v }}").render(v=escape(text)) == escape(text)


def test_an_undefined_name_is_an_error():
    with pytest.raises(UndefinedError):
        fragments.engines["jinja2"].env.from_string("{{ missing }}").render()


def test_texts_are_translated_in_the_active_language():
    env = fragments.engines["jinja2"].env
    with translation.override("da"):
        assert env.from_string('{{ _("Who") }}').render() == "Hvem"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_makemessages_finds_every_text_of_the_fragment_and_it_is_translated(path):
    source = path.read_text()
    # Jinja2's own forms are invisible to makemessages (Django's template lexer).
    assert "{% trans" not in source and "ngettext" not in source
    # Each _("...") in the source is one makemessages reads (not in a `{{-`, for instance).
    found = re.findall(r"""_\(((?:".*?")|(?:'.*?'))\)""", templatize(source, origin=str(path)))
    assert found == re.findall(r"""_\(((?:".*?")|(?:'.*?'))\)""", source)
    catalogue = trans_real.translation("da")._catalog  # the compiled Danish catalogue
    for literal in found:
        assert literal[1:-1] in catalogue, literal


def test_the_timeline_items_are_the_markup_the_python_strings_wrote():
    """participants/timeline_rows.html: one day formatted, texts escaped as Django escapes."""
    from types import SimpleNamespace

    from participants.views import _timeline_rows

    day = datetime.date(2026, 3, 2)
    events = [
        SimpleNamespace(on=day, title="""Ib's <"hold">""", detail="a & b"),
        SimpleNamespace(on=day, title="Tilmeldt", detail=None),
    ]
    with translation.override("da"):
        html = _timeline_rows(events)
    assert html == (
        '<li class="mb-2"><span class="fw-semibold">02.03.2026</span> · '
        "Ib&#x27;s &lt;&quot;hold&quot;&gt;"
        '<br><span class="text-body-secondary">a &amp; b</span></li>\n'
        '<li class="mb-2"><span class="fw-semibold">02.03.2026</span> · Tilmeldt</li>\n'
    )
