#!/usr/bin/env bash
# Entrypoint of the model-vitals image: the official Flink entrypoint (/docker-entrypoint.sh), after two things
# the compose deployment needs.
#
# 1. Volumes writable by the image's user: running as root (as the official image starts), /flink-data is given
#    to flink (uid 9999) before the Flink entrypoint drops privileges.
# 2. Restore after a restart: a JobManager in application mode (standalone-job) starts its job from scratch unless
#    told where to restore from. When STATE_RECOVERY_DIR is set, the newest completed checkpoint or savepoint
#    below it (a directory holding _metadata, written last) is passed as execution.state-recovery.path. The job
#    retains its checkpoints on cancellation and after failures (KafkaJob), so a restarted container, a
#    `docker compose down` then `up`, or a crash all resume from where the job was.
set -euo pipefail

if [ "$(id -u)" = "0" ] && [ -d /flink-data ]; then
  chown -R flink:flink /flink-data
fi

if [ "${1:-}" = "standalone-job" ] && [ -n "${STATE_RECOVERY_DIR:-}" ] && [ -d "${STATE_RECOVERY_DIR}" ]; then
  latest=""
  # chk-N/_metadata or savepoint-*/_metadata, the newest by modification time.
  latest=$(find "${STATE_RECOVERY_DIR}" -mindepth 2 -maxdepth 3 -name _metadata -type f -printf '%T@ %h\n' 2>/dev/null \
    | sort -n | tail -1 | cut -d' ' -f2-) || true
  if [ -n "${latest}" ]; then
    echo "model-vitals: restoring from ${latest}"
    FLINK_PROPERTIES="${FLINK_PROPERTIES:-}"$'\n'"execution.state-recovery.path: file://${latest}"
    export FLINK_PROPERTIES
  else
    echo "model-vitals: no retained checkpoint under ${STATE_RECOVERY_DIR}, starting from the spec's offsets"
  fi
fi

if [ "${1:-}" = "model-vitals" ]; then
  # The job jar's other commands (simulate, forward, report…) as plain Java programs, as user flink.
  shift
  cmd=(java -cp "/opt/flink/usrlib/model-vitals.jar:/opt/flink/lib/*" io.modelvitals.cli.ModelVitals "$@")
  if [ "$(id -u)" = "0" ]; then exec gosu flink "${cmd[@]}"; fi
  exec "${cmd[@]}"
fi

exec /docker-entrypoint.sh "$@"
