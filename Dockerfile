# The production image: one image for the web server, the Celery worker and Celery beat
# (docker/entrypoint.sh picks the role). Built and run by docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint draws PDFs with Pango and HarfBuzz; DejaVu is a font with the Norwegian letters.
# gettext compiles the translation catalogues.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

# The same uv as the Makefile, so the lock file is read the same way.
RUN pip install --no-cache-dir uv==0.13.9

WORKDIR /app

# Dependencies first, from the lock file only: this layer is reused until uv.lock changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN python manage.py compilemessages --verbosity 0 \
 && useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir -p /app/staticfiles /app/media /app/private /var/lib/celery \
 && chown -R app:app /app/staticfiles /app/media /app/private /var/lib/celery \
 && chmod +x /app/docker/entrypoint.sh

USER app
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
