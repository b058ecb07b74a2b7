#!/bin/sh
# One image, several roles:
#   web     migrate (unless MIGRATE_ON_START=false), collectstatic, then gunicorn on :8000
#   worker  the Celery worker
#   beat    Celery beat, with its schedule file on the /var/lib/celery volume
#   manage  any manage.py command, e.g. `docker compose run --rm web manage createsuperuser`
set -eu

role="${1:-web}"
if [ $# -gt 0 ]; then shift; fi

case "$role" in
  web)
    if [ "${MIGRATE_ON_START:-true}" = "true" ]; then
      python manage.py migrate --noinput
    fi
    python manage.py collectstatic --noinput --verbosity 0
    exec gunicorn kulturskole.wsgi \
      --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-3}" \
      --timeout "${GUNICORN_TIMEOUT:-60}" \
      --access-logfile - \
      --no-control-socket \
      "$@"
    ;;
  worker)
    exec celery -A kulturskole worker \
      --loglevel "${LOG_LEVEL:-INFO}" \
      --concurrency "${CELERY_CONCURRENCY:-2}" \
      "$@"
    ;;
  beat)
    exec celery -A kulturskole beat \
      --loglevel "${LOG_LEVEL:-INFO}" \
      --schedule /var/lib/celery/celerybeat-schedule \
      "$@"
    ;;
  manage)
    exec python manage.py "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
