#!/bin/sh
# The one entrypoint of KI-Register's processes, in the container (Containerfile) and natively
# (systemd units, tests/scaleout): `entrypoint.sh web|worker|beat|migrate|collectstatic|check|manage …`.
# Every setting comes from the environment (README, "Configuration"); nothing secret is baked in.
set -eu

APP_DIR="${KI_REGISTER_APP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$APP_DIR"
PYTHON="${KI_REGISTER_PYTHON:-python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.production}"
# Every process of this installation writes its metrics here; /metrics adds them up.
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/run/ki-register/metrics}"
STATE_DIR="${KI_REGISTER_STATE_DIR:-/var/lib/ki-register}"

role="${1:-web}"
[ $# -gt 0 ] && shift

case "$role" in
  web)
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    exec "$PYTHON" -m gunicorn -c "$APP_DIR/deploy/gunicorn.conf.py" "$@" config.wsgi:application
    ;;
  worker)
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    # acks late and re-queued on a lost worker (config/settings/base.py): a killed worker's
    # task runs again elsewhere, and every task is idempotent.
    exec "$PYTHON" -m celery -A config worker --loglevel "${LOG_LEVEL:-INFO}" \
      --concurrency "${CELERY_CONCURRENCY:-2}" --without-mingle --without-gossip "$@"
    ;;
  beat)
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR" "$STATE_DIR"
    schedule="${CELERY_BEAT_SCHEDULE_FILE:-$STATE_DIR/celerybeat-schedule}"
    # Exactly one beat: a second one on the same schedule file refuses to start
    # (flock). Run one beat per installation (one systemd unit, one compose replica).
    exec flock --nonblock --conflict-exit-code 75 "$schedule.lock" \
      "$PYTHON" -m celery -A config beat --loglevel "${LOG_LEVEL:-INFO}" --schedule "$schedule" "$@"
    ;;
  migrate)
    # Before the new release's web processes start; the old ones keep working meanwhile
    # (CONTRIBUTING, "Migrations").
    "$PYTHON" manage.py migrate --noinput
    exec "$PYTHON" manage.py check_deployment "$@"
    ;;
  collectstatic)
    # Once per release (the image does it when it is built): hashed and compressed copies.
    exec "$PYTHON" manage.py collectstatic --noinput --verbosity 0 "$@"
    ;;
  check)
    exec "$PYTHON" manage.py check_deployment "$@"
    ;;
  manage)
    exec "$PYTHON" manage.py "$@"
    ;;
  *)
    echo "usage: entrypoint.sh web|worker|beat|migrate|collectstatic|check|manage …" >&2
    exit 64
    ;;
esac
