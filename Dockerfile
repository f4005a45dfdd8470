# The GPAI evaluation portal: one image for the web server, the Celery worker and beat.
# docker-compose.yml shows how the three are run; README.md lists every variable.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (PDF reports) needs Pango and HarfBuzz, and a font; gettext is for
# compilemessages below.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so that this layer is rebuilt only when
# the dependencies change. (With no package folders copied yet, `pip install .` installs
# the dependencies and an empty distribution.)
COPY pyproject.toml README.md ./
RUN pip install .

# The portal runs from /app, not from site-packages: settings find templates/, static/ and
# the locale folders beside the packages (BASE_DIR).
COPY manage.py ./
COPY portal ./portal
COPY criteria ./criteria
COPY submissions ./submissions
COPY reviews ./reviews
COPY assignment ./assignment
COPY reports ./reports
COPY imports ./imports
COPY api ./api
COPY privacy ./privacy
COPY debate ./debate
COPY discussion ./discussion
COPY expertise ./expertise
COPY templates ./templates
COPY static ./static

ENV PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=portal.settings \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    PORTAL_VAR_DIR=/var/lib/portal

# Static files (hashed names and a manifest for WhiteNoise) and translations are built into
# the image. Settings refuse to load in production mode without these three variables; the
# values below exist only for this build step and are not kept in the image.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-build-only \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    MFA_ENCRYPTION_KEY=build-only \
    sh -c 'python manage.py collectstatic --noinput -v 0 && python manage.py compilemessages -v 0'

# A non-root user. Uploaded files live under /var/lib/portal/media (a volume shared by web
# and worker); beat keeps its schedule under /var/lib/portal/beat.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/portal --shell /usr/sbin/nologin portal \
    && mkdir -p /var/lib/portal/media /var/lib/portal/beat /var/lib/portal/cache \
    && chown -R portal:portal /var/lib/portal
USER portal

EXPOSE 8000

# The web server by default; docker-compose.yml runs the worker and beat from the same
# image with their own commands. WEB_CONCURRENCY is read by gunicorn itself: (2 x cores) + 1.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
