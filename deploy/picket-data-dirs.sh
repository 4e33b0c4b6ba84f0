#!/usr/bin/env bash
# Creates picket's data folders and checks that this user can write to them, so a stack
# started with the wrong AIRFLOW_UID stops here with what to do, not later in a task.
#
#   picket-data-dirs.sh [DIR...]
#
# Without arguments, the folders come from the PICKET_* settings: those of PICKET_DB_PATH,
# PICKET_OUTBOX_PATH and PICKET_ALERTS_DB, PICKET_WORK_DIR, PICKET_ALERTS_OUTBOX_DIR and a
# local PICKET_BATCH_PATH (relative paths are relative to the working directory).
set -euo pipefail

user="user $(id -u) (group $(id -g))"

fail() {
    echo "picket: $1" >&2
    echo "picket: the containers run as AIRFLOW_UID from .env (now $(id -u)); set it to the" \
        "owner of the data (on Linux: id -u), or hand the folder to this user with:" \
        "docker compose run --rm --user 0 picket-setup chown -R $(id -u):0 $2" >&2
    exit 1
}

describe() {
    stat -c 'owner %u:%g, mode %a' "$1" 2>/dev/null || echo "missing"
}

if [ "$#" -eq 0 ]; then
    batch="${PICKET_BATCH_PATH:-var/batches}"
    set -- \
        "$(dirname "${PICKET_DB_PATH:-var/picket.db}")" \
        "$(dirname "${PICKET_OUTBOX_PATH:-var/outbox.db}")" \
        "$(dirname "${PICKET_ALERTS_DB:-var/alerts.db}")" \
        "${PICKET_WORK_DIR:-var/work}" \
        "${PICKET_ALERTS_OUTBOX_DIR:-var/mail}"
    case "$batch" in
        *://*) ;; # s3://, gs://...: not a folder here
        *) set -- "$@" "$batch" ;;
    esac
fi

for dir in "$@"; do
    if ! mkdir -p "$dir" 2>/dev/null; then
        fail "cannot create the data folder $dir as $user (its parent: $(describe "$(dirname "$dir")"))" "$dir"
    fi
    probe="$dir/.picket-write-check.$$"
    if ! { : >"$probe"; } 2>/dev/null; then
        fail "the data folder $dir is not writable by $user ($(describe "$dir"))" "$dir"
    fi
    rm -f "$probe"
done
echo "picket: data folders ready and writable by $user: $*"
