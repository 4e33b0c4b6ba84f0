"""
### picket_alerts

Sends the alert emails that are due:

- **instant** watches, right after each crawl that stored stories: this DAG is scheduled on
  the asset `picket://stories`, which `picket_crawl` updates;
- **digest** watches (hourly, daily or weekly at their own time of day), checked on a
  schedule (every hour; `PICKET_ALERTS_SCHEDULE`).

Mail goes through the `smtp_default` connection (or the `PICKET_SMTP_*` settings). Every
alert is recorded once it is sent, keyed by watch and story or event, so a retried or re-run
task sends nothing twice, and an alert that could not be sent waits for the next run.
"""

from __future__ import annotations

from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, dag, task

from pipeline.dag_defaults import DEFAULT_ARGS, SETTINGS, START_DATE, STORIES, TAGS


@dag(
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable(SETTINGS.alerts_schedule, timezone="UTC"),
        assets=STORIES,
    ),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=[*TAGS, "alerts"],
    doc_md=__doc__,
)
def picket_alerts() -> None:
    @task
    def send(dag_run=None) -> dict:
        from pipeline.tasks import airflow_settings, send_due_alerts

        return send_due_alerts(airflow_settings(), now=dag_run.run_after)

    send()


picket_alerts()
