"""Run one DAG with ``dag.test()`` in this process and print its outcome as one JSON line.

The Airflow tests start this in a child process with a temporary ``AIRFLOW_HOME``, so
Airflow's configuration and database never leak into the test process. Retries are turned
off, so a failing task fails the run at once instead of waiting out its backoff. Usage:
``run_dag_test.py DAG_ID LOGICAL_DATE [CONF_JSON]`` (ISO 8601); the last line printed is
the JSON.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime


def main(dag_id: str, logical_date: str, run_conf: str = "{}") -> None:
    from airflow.configuration import conf
    from airflow.dag_processing.dagbag import DagBag
    from airflow.models.xcom import XComModel
    from airflow.settings import Session

    dag = DagBag(dag_folder=conf.get("core", "dags_folder")).get_dag(dag_id)
    for task in dag.tasks:
        task.retries = 0
    moment = datetime.fromisoformat(logical_date)
    started = time.perf_counter()
    run = dag.test(logical_date=moment, run_after=moment, run_conf=json.loads(run_conf))
    seconds = time.perf_counter() - started
    with Session() as session:
        tasks = {
            f"{ti.task_id}[{ti.map_index}]" if ti.map_index >= 0 else ti.task_id: str(ti.state)
            for ti in run.get_task_instances(session=session)
        }
        results = {
            row.task_id: row.value
            for row in session.query(XComModel).filter_by(
                dag_id=dag_id, run_id=run.run_id, key="return_value", map_index=-1
            )
        }
    print(
        json.dumps(
            {
                "state": str(run.state),
                "tasks": tasks,
                "results": results,
                "seconds": round(seconds, 2),
            },
            default=str,
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
