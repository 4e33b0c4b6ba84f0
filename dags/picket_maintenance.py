"""
### picket_maintenance

Daily upkeep, each task on its own:

- **source_health** reports sources that are failing (and backing off) or stale (no
  successful crawl for two days), so a dead feed does not go unnoticed;
- **flush_outbox** writes stories that could not be indexed while the search engine was
  down, in order;
- **housekeeping** keeps the index in shape and removes batch files older than a week.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from pipeline.dag_defaults import DEFAULT_ARGS, START_DATE, TAGS


@dag(
    schedule="@daily",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=[*TAGS, "maintenance"],
    doc_md=__doc__,
)
def picket_maintenance() -> None:
    @task
    def source_health(dag_run=None) -> dict:
        from pipeline.tasks import airflow_settings, source_health_report

        return source_health_report(airflow_settings(), now=dag_run.run_after)

    @task
    def flush_outbox() -> dict:
        from pipeline.tasks import airflow_settings, flush_story_outbox

        return flush_story_outbox(airflow_settings())

    @task
    def housekeeping(dag_run=None) -> dict:
        from pipeline.tasks import airflow_settings, index_housekeeping

        return index_housekeeping(airflow_settings(), now=dag_run.run_after)

    source_health()
    flush_outbox()
    housekeeping()


picket_maintenance()
