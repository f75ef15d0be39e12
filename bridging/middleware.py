import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _


class DanishFirstLocaleMiddleware:
    """Danish unless the user picked another language with the switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language header, which would greet a
    Danish coordinator on an English-language laptop in English. Here only the language cookie
    set by `set_language` counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in user may hold personal data: no cache may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


class RejectNulBytesMiddleware:
    """A NUL character is never part of a real address or form value, and PostgreSQL refuses
    to store one (the query would fail with a server error). Any request with one in its path,
    its URL parameters or its form fields is answered with a Danish 400 page before a view sees
    it, so no view, form or raw `request.POST` lookup has to remember the rule."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return render(
                request,
                "400.html",
                {
                    "message": _(
                        "The address or the form contains a NUL character, which is not "
                        "allowed. Remove it and try again."
                    )
                },
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path_info:
            return True
        params = [request.GET]
        if request.method == "POST":
            params.append(request.POST)
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for query in params
            for key, values in query.lists()
        )


class AbsoluteSessionLifetimeMiddleware:
    """A signed-in session ends SESSION_ABSOLUTE_AGE seconds after it began, however busy it is:
    the idle timeout alone would let a session that is used every few minutes (or a stolen
    cookie kept warm) live for ever. The next request is then anonymous and goes to the login
    page."""

    SESSION_KEY = "signed_in_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            began = request.session.get(self.SESSION_KEY)
            if began is None:  # a session from before this rule: its clock starts now
                request.session[self.SESSION_KEY] = now
            elif now - began > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                messages.info(request, _("You have been signed in for a long time; sign in again."))
        return self.get_response(request)


def start_session_clock(sender, request, user, **kwargs):
    """At sign-in (receiver of `user_logged_in`, connected in BridgingConfig.ready)."""
    request.session[AbsoluteSessionLifetimeMiddleware.SESSION_KEY] = int(time.time())
