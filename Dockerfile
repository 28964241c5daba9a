# syntax=docker/dockerfile:1
# The one image of model-vitals, for docker-compose.yml and Kubernetes (deploy/k8s): the official Flink image with
# the job jar in usrlib/ (on the user class path in application mode). Building it needs only Docker:
#
#   docker build -t model-vitals:0.1.0 .
#
# Stage 1 builds the shaded jar with Maven (tests are the CI's job, not the image's).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q package -DskipTests -Dspotless.check.skip=true \
    && cp target/model-vitals-*.jar /model-vitals.jar

# Stage 2: the Flink version the pom compiles against (DeployFilesTest checks they match).
FROM flink:2.2.1-java17
COPY --from=build --chown=flink:flink /model-vitals.jar /opt/flink/usrlib/model-vitals.jar
COPY --chown=flink:flink deploy/compose-spec.yaml /opt/model-vitals/spec.yaml
COPY --chmod=0755 deploy/docker/entrypoint.sh /opt/model-vitals/entrypoint.sh
# Checkpoints and savepoints of the compose deployment. A new named volume mounted here starts as a copy of this
# directory, ownership included, so the image's user (flink, uid 9999) can write it; docker-compose.yml's
# volumes-init also gives it to uid 9999, for a volume created before.
USER root
RUN mkdir -p /flink-data/checkpoints /flink-data/savepoints && chown -R flink:flink /flink-data
# The official image runs as flink and its entrypoint drops no privileges: so does this one.
USER flink
ENTRYPOINT ["/opt/model-vitals/entrypoint.sh"]
CMD ["help"]
