"""Choice labels for lists: translated once per request or per row, never once per choice.

Django's own `get_FOO_display` translates every label of a field's choices to find one; a list
that shows a label on each row pays for that many times over."""


def choice_labels(model, field_name) -> dict:
    """A field's choices as {value: label}, translated once (not once per row)."""
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def choice_label(choices, value) -> str:
    """The label of one value of a `TextChoices` class, translated; the value itself if it is
    not one of them."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
