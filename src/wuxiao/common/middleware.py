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
