# picket's Airflow image: the official Apache Airflow image with picket installed.
# Built by docker-compose.yml for airflow-init, the Airflow services and the one-shot setups.
ARG AIRFLOW_VERSION=3.3.2
FROM apache/airflow:${AIRFLOW_VERSION}-python3.11

ARG AIRFLOW_VERSION
# The containers run as AIRFLOW_UID from .env with group 0 (root), as Airflow's image
# expects. The data folder belongs to group 0, group-writable and set-group-id, so the
# picket-data volume made from it is writable by any AIRFLOW_UID.
USER root
RUN mkdir -p /opt/picket/var /opt/picket/config \
    && chown -R airflow:root /opt/picket \
    && chmod -R g+rwX /opt/picket \
    && chmod g+s /opt/picket/var
USER airflow

# Installed with apache-airflow pinned to the image's version, as the image's docs ask, so
# picket's requirements can never move Airflow itself, and with the versions of
# constraints.txt, the ones the tests ran with.
COPY --chown=airflow:root pyproject.toml README.md constraints.txt /opt/picket/src/
COPY --chown=airflow:root crawlers /opt/picket/src/crawlers
COPY --chown=airflow:root pipeline /opt/picket/src/pipeline
RUN pip install --no-cache-dir -c /opt/picket/src/constraints.txt \
    "apache-airflow==${AIRFLOW_VERSION}" "/opt/picket/src[elasticsearch]"

COPY --chown=airflow:root dags /opt/airflow/dags
COPY --chown=airflow:root config /opt/picket/config
COPY --chown=airflow:root deploy /opt/picket/deploy
WORKDIR /opt/picket
