"""Choice labels for lists: translated once per request, not once per row."""


def choice_labels(model, field_name) -> dict:
    """A field's choices as {value: label}, translated once (not once per row)."""
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}
