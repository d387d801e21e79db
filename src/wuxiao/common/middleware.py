from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the CSP of settings.CONTENT_SECURITY_POLICY (no 'unsafe-inline': scripts and styles are files)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        # The interactive API docs load their own bundled script; they get the same policy.
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class QueryWithoutNulMiddleware:
    """Drop NUL characters from the query string's names and values before any view or API operation reads
    them: no search or filter means a NUL, and PostgreSQL refuses one in a query (a 500 otherwise, wherever a
    `?q=%00` reaches the database). Forms refuse NUL in what is posted (Django's CharField does)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            from django.http import QueryDict

            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
