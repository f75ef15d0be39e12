"""Denmark's 98 municipalities (kommuner) since 2007: the values a municipality field takes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MUNICIPALITIES = (
    "Albertslund", "Allerød", "Assens", "Ballerup", "Billund", "Bornholm", "Brøndby",
    "Brønderslev", "Dragør", "Egedal", "Esbjerg", "Faaborg-Midtfyn", "Fanø", "Favrskov", "Faxe",
    "Fredensborg", "Fredericia", "Frederiksberg", "Frederikshavn", "Frederikssund", "Furesø",
    "Gentofte", "Gladsaxe", "Glostrup", "Greve", "Gribskov", "Guldborgsund", "Haderslev",
    "Halsnæs", "Hedensted", "Helsingør", "Herlev", "Herning", "Hillerød", "Hjørring", "Holbæk",
    "Holstebro", "Horsens", "Hvidovre", "Høje-Taastrup", "Hørsholm", "Ikast-Brande", "Ishøj",
    "Jammerbugt", "Kalundborg", "Kerteminde", "Kolding", "København", "Køge", "Langeland",
    "Lejre", "Lemvig", "Lolland", "Lyngby-Taarbæk", "Læsø", "Mariagerfjord", "Middelfart",
    "Morsø", "Norddjurs", "Nordfyns", "Nyborg", "Næstved", "Odder", "Odense", "Odsherred",
    "Randers", "Rebild", "Ringkøbing-Skjern", "Ringsted", "Roskilde", "Rudersdal", "Rødovre",
    "Samsø", "Silkeborg", "Skanderborg", "Skive", "Slagelse", "Solrød", "Sorø", "Stevns",
    "Struer", "Svendborg", "Syddjurs", "Sønderborg", "Thisted", "Tårnby", "Tønder",
    "Vallensbæk", "Varde", "Vejen", "Vejle", "Vesthimmerland", "Viborg", "Vordingborg", "Ærø",
    "Aabenraa", "Aalborg", "Aarhus",
)  # fmt: skip
_KNOWN = {name.casefold() for name in MUNICIPALITIES}


def validate_municipality(value: str) -> None:
    """One of the 98 (any capitalisation; "Køge Kommune" is Køge)."""
    name = " ".join(str(value).split())
    name = name.removesuffix(" Kommune").removesuffix(" kommune")
    if name.casefold() not in _KNOWN:
        raise ValidationError(
            _("Enter a Danish municipality by its name, e.g. Køge or København."),
            code="municipality",
        )
