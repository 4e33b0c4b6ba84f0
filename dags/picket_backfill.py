"""
### picket_backfill

Collects older stories, started by hand with these params:

- **since** (required) and **until** (optional, default: when the run starts): keep items
  published in that range; sources' `max_age_days` does not apply;
- **sources**: source ids (default: every enabled source);
- **sitemap_depth**: how deep to follow sitemap indexes and site links (default: each
  source's own `max_depth`);
- **send_alerts**: off by default, so the old stories do not mail anyone; when on, the run
  updates `picket://stories` and `picket_alerts` follows.

It runs the same tasks as `picket_crawl`, in the same pool, with failing sources included.
Re-running the same range overwrites its own batch files and adds nothing twice.
"""

from __future__ import annotations

from airflow.sdk import Param, TriggerRule, dag, task

from pipeline.dag_defaults import CRAWL_POOL, DEFAULT_ARGS, START_DATE, STORIES, TAGS


@dag(
    schedule=None,
    start_date=START_DATE,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=[*TAGS, "backfill"],
    doc_md=__doc__,
    params={
        "since": Param(type="string", format="date", description="Oldest publication date"),
        "until": Param(
            None, type=["null", "string"], format="date", description="Newest, exclusive"
        ),
        "sources": Param([], type="array", items={"type": "string"}, description="Source ids"),
        "sitemap_depth": Param(None, type=["null", "integer"], minimum=0, maximum=10),
        "send_alerts": Param(False, type="boolean", description="Alert on these stories"),
    },
)
def picket_backfill() -> None:
    @task
    def plan(params=None, dag_run=None) -> list[list[str]]:
        from pipeline.tasks import airflow_settings, plan_batches

        return plan_batches(
            airflow_settings(), now=dag_run.run_after, source_ids=params["sources"], force=True
        )

    @task(pool=CRAWL_POOL)
    def crawl(source_ids: list[str], params=None, dag_run=None) -> str:
        from pipeline.tasks import airflow_settings, backfill_range, crawl_batch, interval_folder

        settings = airflow_settings()
        since, until = backfill_range(params, default_until=dag_run.run_after)
        folder = interval_folder(settings, "backfill", since, until)
        return crawl_batch(
            source_ids,
            settings=settings,
            folder=folder,
            since=since,
            until=until,
            max_depth=params["sitemap_depth"],
        )

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def process(locations: list[str], params=None, dag_run=None) -> str:
        from pipeline.tasks import (
            airflow_settings,
            backfill_range,
            interval_folder,
            process_batches,
        )

        settings = airflow_settings()
        since, until = backfill_range(params, default_until=dag_run.run_after)
        folder = interval_folder(settings, "backfill", since, until)
        return process_batches(
            locations[:], settings=settings, folder=folder, now=dag_run.run_after
        )

    @task
    def index(location: str) -> dict:
        from pipeline.tasks import airflow_settings, index_batch

        return index_batch(location, settings=airflow_settings())

    @task.short_circuit
    def alerts_wanted(params=None) -> bool:
        return bool(params["send_alerts"])

    @task(outlets=[STORIES])
    def announce(summary: dict) -> int:
        return summary["new"]

    summary = index(process(crawl.expand(source_ids=plan())))
    alerts_wanted() >> announce(summary)


picket_backfill()
