"""The smallest Django application, as a yardstick for bench_load.py: what gunicorn and
Django themselves cost per request on this machine, with no database, session or template.

    gunicorn --chdir benchmarks hello_wsgi:application
"""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="hello-world-benchmark-only",  # noqa: S106 -- signs nothing: no sessions here
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402 -- needs the settings above
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def hello(request):
    return HttpResponse("Hello, world.", content_type="text/plain")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
