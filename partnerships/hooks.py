"""Extension points for the apps above this one (partnerships never imports them): a function
registered here adds a section to an organisation's page, e.g. the fairs it took part in, or
says which organisations a project works with, e.g. those it handed participants over to."""

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


# Given a subquery of project ids, a queryset of the ids ("receiver") of the organisations those
# projects work with through the registering app's records.
PartnerProvider = Callable[[object], object]
partner_providers: list[PartnerProvider] = []


def partner_provider(function: PartnerProvider) -> PartnerProvider:
    partner_providers.append(function)
    return function
