import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuxiao.settings")
application = get_wsgi_application()

# Import the URL configuration (every view module, the API's routers and schemas) while the worker
# starts instead of during its first request: about 3 s of CPU on a small server, which a user would
# otherwise wait for after every worker (re)start, at the deadline too (README, "The deadline surge").
get_resolver().url_patterns  # noqa: B018
