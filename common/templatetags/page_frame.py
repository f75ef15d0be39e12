"""Tags for the frame every signed-in page draws (base.html, the navigation): what does not
change between requests is worked out once per process instead of on every page."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info

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


@register.simple_tag
def membership_options(memberships, current):
    """(id, "organisation (role)", chosen) for the organisation switch of a user with several
    memberships (a housing plan's coordinator may be in forty): each role's label translated
    once, not once per membership."""
    if len(memberships) < 2:
        return []
    roles = {}
    options = []
    for membership in memberships:
        if membership.role not in roles:
            roles[membership.role] = membership.get_role_display()
        label = f"{membership.organisation.name} ({roles[membership.role]})"
        options.append(
            (str(membership.pk), label, current is not None and membership.pk == current.pk)
        )
    return options


class MemoNode(template.Node):
    """See `memo`. The HTML is kept on the node, so it goes when the template is parsed again."""

    # Enough for every language × role × kind of organisation; a body given an argument of
    # many values (an id, a count) would stop being kept here rather than grow without end.
    MAX_KEPT = 64

    def __init__(self, nodelist, arguments):
        self.nodelist = nodelist
        self.arguments = arguments
        self.kept = {}

    def render(self, context):
        values = {name: _plain(name, arg.resolve(context)) for name, arg in self.arguments.items()}
        key = (
            get_language(),
            get_urlconf() or settings.ROOT_URLCONF,
            get_script_prefix(),
            context.autoescape,
            *((name, type(value), value) for name, value in sorted(values.items())),
        )
        html = self.kept.get(key)
        if html is None:
            html = self.nodelist.render(context.new(values))
            if len(self.kept) < self.MAX_KEPT:
                self.kept[key] = html
        return html


def _plain(name, value):
    """The value as a plain str, int, bool or None (a TextChoices member becomes its str);
    anything else, a model instance above all, is refused: the body would show it as it was."""
    if value is None or type(value) is bool:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise TypeError(f"memo: {name} is a {type(value).__name__}, not a plain value")


@register.tag
def memo(parser, token):
    """`{% memo name=value ... %}…{% endmemo %}`: markup the frame draws the same way on every
    page, rendered once per process for each language and each combination of the arguments,
    then reused. The body sees only its arguments (like `{% include … only %}`), so what it
    shows cannot depend on anything else by mistake: the user's own data, the CSRF token, the
    messages and the page's own context stay outside. Give it arguments of few values (a role,
    a yes/no), never an id or a count."""
    bits = token.split_contents()[1:]
    arguments = template.base.token_kwargs(bits, parser, support_legacy=False)
    if bits:
        raise template.TemplateSyntaxError("memo takes only name=value arguments")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, arguments)
