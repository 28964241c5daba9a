#!/usr/bin/env bash
# End-to-end check of docker-compose.yml, for a machine with Docker (CI has no Docker engine, so this is the
# user's check, not CI's). From a fresh clone it builds the image, starts the stack, waits for the job, the
# simulated traffic and an alert of its incident in Alertmanager's API, restarts the JobManager to see the job
# restore from its retained checkpoint, and takes everything down again (volumes included).
#
#   deploy/smoke.sh            # about 10 minutes; needs docker (with compose v2) and curl
#
# Uses the stack's fixed host ports (8081, 9090, 9093, 9094, 3000): stop anything else on them first.
set -euo pipefail
cd "$(dirname "$0")/.."

project=model-vitals-smoke
timeout_s=${SMOKE_TIMEOUT_S:-900}
compose() { docker compose -p "$project" "$@"; }

cleanup() {
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "smoke: FAILED; the last logs:" >&2
    compose logs --tail 40 jobmanager taskmanager simulator forwarder >&2 || true
  fi
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT

# Waits until "$@" succeeds, up to the deadline.
await() {
  local what=$1
  shift
  local deadline=$((SECONDS + timeout_s))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "smoke: timed out waiting for $what" >&2
      return 1
    fi
    sleep 5
  done
  echo "smoke: $what ($SECONDS s)"
}

job_running() { curl -fsS http://localhost:8081/jobs/overview | grep -q '"state":"RUNNING"'; }
vitals_written() {
  compose exec -T kafka /opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 \
    --topic vitals --from-beginning --isolation-level read_committed --max-messages 1 --timeout-ms 10000 \
    | grep -q '"vital"'
}
# The compose spec's rules: the challenger's incident fires accuracy-below-goal and challenger-take-rate-worse.
alert_in_alertmanager() {
  curl -fsS 'http://localhost:9093/api/v2/alerts?active=true' \
    | grep -Eq '"alertname":"(accuracy-below-goal|challenger-take-rate-worse)"'
}
restored() { compose logs jobmanager | grep -q 'model-vitals: restoring from'; }
alerts_from_host() {
  # The host listener: the alerts topic as a user on the host reads it (here through the broker's own client).
  compose exec -T kafka /opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server localhost:9094 \
    --topic alerts --from-beginning --isolation-level read_committed --max-messages 1 --timeout-ms 10000 \
    | grep -q 'alertname'
}

compose up -d --build
await "the job is running" job_running
await "vitals in the vitals topic" vitals_written
await "an alert of the incident in Alertmanager" alert_in_alertmanager
await "the alerts topic on the host listener" alerts_from_host

compose restart jobmanager
await "the JobManager restored the job from its retained checkpoint" restored
await "the job is running again" job_running

echo "smoke: OK"
