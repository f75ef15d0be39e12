"""Choosing one or several rows from an open-ended set (offers, participants, organisations).

A select or checkbox list with every row does not scale to 30,000 offers, so these fields render
a search box instead. Typing asks the server for a page of matches (htmx) shown as radio buttons
or checkboxes; the chosen ones stay above the search box while the user searches again. Without
JavaScript the user types, submits the form, and the field answers with the matches to choose
from. Validation is the ordinary ModelChoiceField's against the (scoped) queryset, so a posted id
outside the user's scope is refused. The widget never iterates the queryset: it loads only the
chosen rows and one page of matches.

    class HandoverForm(forms.Form):
        offer = SearchModelChoiceField(
            queryset=Offer.objects.none(),            # the scoped queryset, set in __init__
            search_fields=("name", "organisation__name"),
            suggest_url=reverse_lazy("bridging:offer-suggestions"),
        )

    def offer_suggestions(request):                  # GET; the same scoping as the form
        return suggestions_response(request, HandoverForm(user=request.user)["offer"])
"""

import operator
from functools import reduce

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

QUERY_SUFFIX = "_q"
MAX_WORDS = 5
MAX_QUERY_LENGTH = 100


class SearchSelect(forms.Widget):
    """A search box, the chosen rows and a page of matches. The field sets `self.field`."""

    template_name = "common/search_select.html"
    multiple = False
    field = None  # the SearchModel*ChoiceField that owns this widget
    query = ""

    def value_from_datadict(self, data, files, name):
        self.query = clean_query(data.get(name + QUERY_SUFFIX, ""))
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + QUERY_SUFFIX not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = self.field.chosen(value) if self.field else []
        suggestions = None
        if self.query and not chosen:
            suggestions = self.field.suggestions(self.query, exclude=[row.pk for row in chosen])
        widget = context["widget"]
        # The field's own description (help text, errors) and the widget's help line: one
        # attribute, since a browser reads only the first of two.
        attrs = widget["attrs"]
        attrs["aria-describedby"] = " ".join(
            filter(None, (f"{attrs.get('id', '')}-help", attrs.get("aria-describedby")))
        )
        widget.update(
            multiple=self.multiple,
            query=self.query,
            query_name=name + QUERY_SUFFIX,
            suggest_url=str(self.field.suggest_url) if self.field else "",
            chosen=[(row.pk, self.field.label_from_instance(row)) for row in chosen],
            suggestions=suggestions,
        )
        return context


class SearchSelectMultiple(SearchSelect):
    multiple = True


class _SearchFieldMixin:
    """What the single and the multiple field share: searching and labelling a page of rows."""

    def _setup_search(self, search_fields, suggest_url, limit, label_from_instance):
        if label_from_instance is not None:
            self.label_from_instance = label_from_instance
        self.search_fields = tuple(search_fields)
        self.suggest_url = suggest_url
        self.limit = limit
        self.widget.field = self

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.field = result
        return result

    def _set_queryset(self, queryset):
        # ModelChoiceField copies the choices to the widget here; ours never lists them.
        self._queryset = None if queryset is None else queryset.all()
        self.widget.field = self

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def search(self, query: str):
        """The rows whose search fields contain every word of the query (case-insensitive)."""
        rows = self.queryset
        for word in query.split()[:MAX_WORDS]:
            rows = rows.filter(
                reduce(operator.or_, (Q(**{f"{f}__icontains": word}) for f in self.search_fields))
            )
        return rows

    def suggestions(self, query: str, *, exclude=()) -> dict:
        """One page of matches: {"options": [(pk, label)], "more": count beyond the page}."""
        rows = list(self.search(query).exclude(pk__in=list(exclude))[: self.limit + 1])
        more = 0
        if len(rows) > self.limit:
            more = self.search(query).exclude(pk__in=list(exclude)).count() - self.limit
            rows = rows[: self.limit]
        return {"options": [(row.pk, self.label_from_instance(row)) for row in rows], "more": more}

    def chosen(self, value) -> list:
        """The chosen rows, in one query; ids that are not valid or not in scope are dropped."""
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        keys = []
        for item in values:
            key = getattr(item, "pk", item)
            try:
                keys.append(self.queryset.model._meta.pk.to_python(key))
            except ValidationError:
                continue
        return list(self.queryset.filter(pk__in=keys)) if keys else []


class SearchModelChoiceField(_SearchFieldMixin, forms.ModelChoiceField):
    widget = SearchSelect
    default_error_messages = {
        "choose_match": _("Choose one of the matches below, or search again."),
        "invalid_choice": _("That choice is not available. Search again and choose a match."),
    }

    def __init__(
        self, queryset, *, search_fields, suggest_url, limit=20, label_from_instance=None, **kwargs
    ):
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset, **kwargs)
        self._setup_search(search_fields, suggest_url, limit, label_from_instance)

    def clean(self, value):
        if value in self.empty_values and self.widget.query:
            raise ValidationError(self.error_messages["choose_match"], code="choose_match")
        return super().clean(value)


class SearchModelMultipleChoiceField(_SearchFieldMixin, forms.ModelMultipleChoiceField):
    widget = SearchSelectMultiple
    default_error_messages = {
        "choose_match": _("Tick the matches below that you want, or search again."),
        "invalid_choice": _("That choice is not available. Search again and choose a match."),
        "invalid_pk_value": _("That choice is not available. Search again and choose a match."),
    }

    def __init__(
        self, queryset, *, search_fields, suggest_url, limit=20, label_from_instance=None, **kwargs
    ):
        super().__init__(queryset, **kwargs)
        self._setup_search(search_fields, suggest_url, limit, label_from_instance)

    def clean(self, value):
        if not value and self.widget.query and self.required:
            raise ValidationError(self.error_messages["choose_match"], code="choose_match")
        return super().clean(value)


def clean_query(query: str) -> str:
    """The search text, trimmed and bounded (NUL bytes and absurd lengths never reach the SQL)."""
    return " ".join(query.replace("\x00", "").split())[:MAX_QUERY_LENGTH]


def suggestions_response(request, bound_field):
    """The htmx answer to typing in a search field: one page of matches for `?<name>_q=`.

    `bound_field` comes from a form built with the same user (and prefix) as the page's form,
    so the matches are exactly what that form would accept.
    """
    field = bound_field.field
    name = bound_field.html_name
    query = clean_query(request.GET.get(name + QUERY_SUFFIX, ""))
    exclude = field.chosen(request.GET.getlist(name))
    context = {
        "name": name,
        "id": bound_field.auto_id,
        "multiple": isinstance(field.widget, SearchSelectMultiple),
        "query": query,
        "suggestions": field.suggestions(query, exclude=[row.pk for row in exclude])
        if query
        else None,
    }
    return render(request, "common/search_suggestions.html", context)
