"""Parse ``dags/`` the way Airflow does, with parse-time I/O forbidden; print what was found.

Run by the DagBag test in a child process with a temporary ``AIRFLOW_HOME``. Opening a
socket or a database, or looking up a Connection or Variable, while the DAG files are
imported raises, so such a lookup shows up as an import error. Prints one JSON object.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import sys
import time


def _forbidden(what: str):
    def refuse(*args, **kwargs):
        raise RuntimeError(f"{what} while parsing DAG files")

    return refuse


def _schedule(timetable) -> dict[str, object]:
    """A timetable as its kind, its cron expression and the asset it waits for, if any."""
    inner = getattr(timetable, "timetable", timetable)
    assets = getattr(timetable, "asset_condition", None)
    return {
        "kind": type(timetable).__name__,
        "cron": getattr(inner, "expression", None) or getattr(inner, "_expression", None),
        "assets": [assets.uri] if assets is not None else [],
    }


def main(dags_folder: str) -> None:
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import Connection, Variable

    socket.socket.connect = _forbidden("network access")  # type: ignore[method-assign]
    sqlite3.connect = _forbidden("database access")  # type: ignore[assignment]
    Connection.get = _forbidden("a Connection lookup")  # type: ignore[method-assign]
    Variable.get = _forbidden("a Variable lookup")  # type: ignore[method-assign]

    started = time.perf_counter()
    bag = DagBag(dag_folder=dags_folder)
    seconds = time.perf_counter() - started
    dags = {
        dag_id: {
            "fileloc": dag.fileloc,
            "schedule": _schedule(dag.timetable),
            "tags": sorted(dag.tags),
            "owner": dag.owner,
            "doc_md": dag.doc_md or "",
            "catchup": dag.catchup,
            "params": sorted(dag.params),
            "tasks": {
                task.task_id: {
                    "retries": task.retries,
                    "retry_exponential_backoff": task.retry_exponential_backoff,
                    "pool": task.pool,
                    "mapped": task.is_mapped,
                    "outlets": [getattr(o, "uri", str(o)) for o in task.outlets],
                    "trigger_rule": getattr(task.trigger_rule, "value", task.trigger_rule),
                }
                for task in dag.tasks
            },
        }
        for dag_id, dag in bag.dags.items()
    }
    print(json.dumps({"seconds": seconds, "import_errors": bag.import_errors, "dags": dags}))


if __name__ == "__main__":
    main(sys.argv[1])
