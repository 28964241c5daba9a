#!/usr/bin/env bash
# Entrypoint of the model-vitals image: the official Flink entrypoint (/docker-entrypoint.sh), after what the
# compose deployment needs. Runs as the image's user, flink (uid 9999), like the official one.
#
# Restore after a restart: a JobManager in application mode (standalone-job) starts its job from scratch unless
# told where to restore from. When STATE_RECOVERY_DIR is set, the newest completed checkpoint below it (a
# directory holding _metadata, which Flink writes last) is passed as execution.state-recovery.path, through
# FLINK_PROPERTIES, which the official entrypoint writes into the configuration. The job retains its checkpoints
# on cancellation and after failures (KafkaJob), so a restarted container, a `docker compose down` then `up`, or a
# crash all resume from where the job was.
set -euo pipefail

if [ "${1:-}" = "standalone-job" ] && [ -n "${STATE_RECOVERY_DIR:-}" ] && [ -d "${STATE_RECOVERY_DIR}" ]; then
  latest=""
  # <job id>/chk-N/_metadata, the newest by modification time.
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
  # The job jar's other commands (simulate, forward, report…) as plain Java programs.
  shift
  exec java -cp "/opt/flink/usrlib/model-vitals.jar:/opt/flink/lib/*" io.modelvitals.cli.ModelVitals "$@"
fi

exec /docker-entrypoint.sh "$@"
