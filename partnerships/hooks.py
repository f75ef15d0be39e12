"""Extension point for the apps above this one (partnerships never imports them): a function
registered here adds a section to an organisation's page, e.g. the fairs it took part in."""

from collections.abc import Callable

OrganisationSection = Callable[[object, object], str]
organisation_section_providers: list[OrganisationSection] = []


def organisation_section(function: OrganisationSection) -> OrganisationSection:
    organisation_section_providers.append(function)
    return function


def organisation_sections(request, organisation) -> list[str]:
    return [
        html
        for provider in organisation_section_providers
        if (html := provider(request, organisation))
    ]
