# picket's Airflow image: the official Apache Airflow image with picket installed.
# Built by docker-compose.yml for airflow-init, the Airflow services and the one-shot setups.
ARG AIRFLOW_VERSION=3.3.2
FROM apache/airflow:${AIRFLOW_VERSION}-python3.11

ARG AIRFLOW_VERSION
USER root
RUN mkdir -p /opt/picket/var /opt/picket/config && chown -R airflow:root /opt/picket
USER airflow

# Installed with apache-airflow pinned to the image's version, as the image's docs ask, so
# picket's requirements can never move Airflow itself.
COPY --chown=airflow:root pyproject.toml README.md /opt/picket/src/
COPY --chown=airflow:root crawlers /opt/picket/src/crawlers
COPY --chown=airflow:root pipeline /opt/picket/src/pipeline
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" "/opt/picket/src[elasticsearch]"

COPY --chown=airflow:root dags /opt/airflow/dags
COPY --chown=airflow:root config /opt/picket/config
WORKDIR /opt/picket
