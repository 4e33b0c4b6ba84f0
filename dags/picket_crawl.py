"""
### picket_crawl

Crawls picket's sources on a schedule (every 15 minutes; `PICKET_CRAWL_SCHEDULE`), then
processes and indexes what it found:

1. **plan** reads `config/sources.yaml` at run time and groups the enabled sources into
   batches, each host's sources in one batch; failing sources wait out their back-off.
2. **crawl** runs once per batch (dynamic task mapping) in the `picket_crawl` pool, which
   caps crawls running at once; within a batch Scrapy keeps its per-host limits. Each batch
   writes its pages to a batch file named by the data interval.
3. **process** extracts, normalizes, deduplicates, judges relevance, tags and clusters events.
4. **index** stores the stories and the sources' health, and updates the asset
   `picket://stories`, which triggers `picket_alerts`.

A failing source never fails the run: it is logged by its crawl task and recorded in source
health (`picket sources`). Every task can be re-run: a re-run overwrites its own batch file,
fetches only what is not stored yet and upserts, so it adds nothing twice.
"""

from __future__ import annotations

from airflow.sdk import CronDataIntervalTimetable, TriggerRule, dag, task

from pipeline.dag_defaults import CRAWL_POOL, DEFAULT_ARGS, SETTINGS, START_DATE, STORIES, TAGS


@dag(
    schedule=CronDataIntervalTimetable(SETTINGS.crawl_schedule, timezone="UTC"),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=[*TAGS, "crawl"],
    doc_md=__doc__,
)
def picket_crawl() -> None:
    @task
    def plan(data_interval_start=None, data_interval_end=None, dag_run=None) -> list[list[str]]:
        from pipeline.tasks import airflow_settings, plan_batches, run_interval

        _, end = run_interval(data_interval_start, data_interval_end, dag_run.run_after)
        return plan_batches(airflow_settings(), now=end)

    @task(pool=CRAWL_POOL, map_index_template="{{ task.op_kwargs['source_ids'] | join(', ') }}")
    def crawl(
        source_ids: list[str], data_interval_start=None, data_interval_end=None, dag_run=None
    ) -> str:
        from pipeline.tasks import airflow_settings, crawl_batch, interval_folder, run_interval

        settings = airflow_settings()
        start, end = run_interval(data_interval_start, data_interval_end, dag_run.run_after)
        folder = interval_folder(settings, "crawl", start, end)
        return crawl_batch(source_ids, settings=settings, folder=folder)

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def process(
        locations: list[str], data_interval_start=None, data_interval_end=None, dag_run=None
    ) -> str:
        from pipeline.tasks import airflow_settings, interval_folder, process_batches, run_interval

        settings = airflow_settings()
        start, end = run_interval(data_interval_start, data_interval_end, dag_run.run_after)
        folder = interval_folder(settings, "crawl", start, end)
        # locations[:] reads every crawled batch's path in one request
        return process_batches(locations[:], settings=settings, folder=folder, now=end)

    @task(outlets=[STORIES])
    def index(location: str) -> dict:
        from pipeline.tasks import airflow_settings, index_batch

        return index_batch(location, settings=airflow_settings())

    index(process(crawl.expand(source_ids=plan())))


picket_crawl()
