"""Tags for the frame every signed-in page draws (base.html, the navigation): what does not
change between requests is worked out once per process instead of on every page."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language_info

register = template.Library()


@register.simple_tag
def fixed_url(name):
    """`{% url name %}` for a URL without arguments, reversed once per process (and script
    prefix): the navigation has a dozen of them on every page."""
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=128)
def _reversed(name, urlconf, prefix):
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def language_choices():
    """(code, name in that language) of each language the site speaks, for the switcher."""
    return _language_choices(tuple(settings.LANGUAGES))


@lru_cache(maxsize=4)
def _language_choices(languages):
    return [(code, capfirst(get_language_info(code)["name_local"])) for code, _name in languages]
