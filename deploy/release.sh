#!/bin/sh
# One release step, run as the portal user after unpacking a new version into /srv/portal
# (README "Deploying"): dependencies, schema, static files, the beat schedule, the deploy checks.
# Then: systemctl restart portal-web portal-worker portal-beat
set -eu
cd "$(dirname "$0")/.."
set -a; . /etc/portal/portal.env; set +a
.venv/bin/pip install -q -r requirements.txt -c requirements-lock.txt
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py setup_schedule
.venv/bin/python manage.py check --deploy --fail-level WARNING
