#!/usr/bin/env bash
# airflow-init's job in docker-compose.yml: check the secrets, migrate Airflow's database,
# set the admin password and create the crawl pool. Stops before touching anything when
# the Fernet key is missing or malformed: Airflow would otherwise store connection
# passwords unencrypted, or fail later on every task.
set -euo pipefail

key="${AIRFLOW__CORE__FERNET_KEY:-}"
if [ -z "$key" ]; then
    echo "airflow-init: AIRFLOW_FERNET_KEY is empty in .env; Airflow needs it to encrypt" \
        "connection passwords. Generate one with" \
        "python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\"" \
        "and put it in .env as AIRFLOW_FERNET_KEY=..., then start again." >&2
    exit 1
fi
if ! [[ "$key" =~ ^[A-Za-z0-9_-]{43}=$ ]]; then
    echo "airflow-init: AIRFLOW_FERNET_KEY in .env is not a Fernet key (44 characters of" \
        "URL-safe base64 ending in '='); generate one with" \
        "python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\"" >&2
    exit 1
fi
if [ -z "${AIRFLOW_ADMIN_PASSWORD:-}" ]; then
    echo "airflow-init: AIRFLOW_ADMIN_PASSWORD is empty in .env" >&2
    exit 1
fi

passwords="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:-/opt/airflow/config/passwords.json}"
airflow db migrate
python -c 'import json, sys; print(json.dumps({"admin": sys.argv[1]}))' \
    "$AIRFLOW_ADMIN_PASSWORD" >"$passwords"
airflow pools set picket_crawl "${PICKET_CRAWL_POOL_SLOTS:-4}" "picket crawl tasks at once"
