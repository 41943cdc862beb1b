/** Python project texts shared by the Python link and CLI tests (written for onionlint). */

/** A base settings list of Django built-ins, in startproject's order. */
export const BASE = `MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
`;

/** BASE's entries as the link step labels them. */
export const BASE_LAYERS = ['SecurityMiddleware', 'SessionMiddleware', 'CommonMiddleware', 'CsrfViewMiddleware', 'AuthenticationMiddleware', 'MessageMiddleware'];

/** A correct class-form middleware. */
export const TIMING = `import time


class TimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Elapsed"] = str(time.monotonic() - started)
        return response
`;
