from django.conf import settings
from django.utils import translation


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
