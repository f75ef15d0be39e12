"""API tokens: a coordinator makes and revokes the tokens of the organisation they act for.

A new token's secret is shown once, on the page that answers the form; only its hash is kept.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import role_required
from ..forms import ApiTokenForm
from ..models import ApiToken, Membership
from ..services import api_token_create, api_token_revoke

coordinators = role_required(Membership.Role.COORDINATOR)


def _tokens(request):
    return (
        ApiToken.objects.visible_to(request.user)
        .filter(organisation=request.membership.organisation)
        .select_related("created_by", "revoked_by")
    )


@coordinators
def api_token_list(request):
    organisation = request.membership.organisation
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    secret = new_token = None
    if form.is_valid():
        new_token, secret = api_token_create(
            organisation=organisation, name=form.cleaned_data["name"], user=request.user
        )
        form = ApiTokenForm()
    return render(
        request,
        "partnerships/api_tokens.html",
        {
            "organisation": organisation,
            "form": form,
            "secret": secret,
            "new_token": new_token,
            "tokens": _tokens(request)[:100],
        },
    )


@require_POST
@coordinators
def api_token_revoke_view(request, pk):
    token = get_object_or_404(_tokens(request), pk=pk)
    api_token_revoke(token=token, user=request.user)
    messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect("partnerships:api_token_list")
