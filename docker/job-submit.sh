#!/usr/bin/env bash
# job-submit: submits the streamrec job to the session cluster once, and only once.
#
#   - a job named $JOB_NAME is already running (or restarting, or being scheduled): nothing is submitted;
#   - else, if a savepoint or a retained checkpoint exists, the job resumes from the newest one (`flink run -s`);
#   - else it is submitted fresh.
# So `docker compose up` after a `down`, a crashed job-submit retried by `restart: on-failure`, or a second `up` never
# runs two copies, and a restarted stack keeps its state. Arguments are the job's options (after the jar).
#
# Environment (defaults for docker/docker-compose.yml):
#   FLINK_REST       jobmanager:8081               where `flink` reaches the JobManager
#   JOB_JAR          /job/streamrec-job.jar
#   JOB_NAME         streamrec                     the job's name (job.name); what "already running" looks for
#   SAVEPOINT_DIR    /flink-data/savepoints        execution.checkpointing.savepoint-dir
#   CHECKPOINT_DIR   /flink-data/checkpoints       execution.checkpointing.dir (retained: RETAIN_ON_CANCELLATION)
#   FLINK            flink                         the CLI
set -euo pipefail

FLINK_REST=${FLINK_REST:-jobmanager:8081}
JOB_JAR=${JOB_JAR:-/job/streamrec-job.jar}
JOB_NAME=${JOB_NAME:-streamrec}
SAVEPOINT_DIR=${SAVEPOINT_DIR:-/flink-data/savepoints}
CHECKPOINT_DIR=${CHECKPOINT_DIR:-/flink-data/checkpoints}
FLINK=${FLINK:-flink}

log() { echo "job-submit: $*" >&2; }

# Running and scheduled jobs, one per line: "dd.MM.yyyy HH:mm:ss : <job id> : <name> (<STATE>)". If the JobManager
# cannot be asked, fail (and be retried) rather than risk a second copy.
if ! listing=$("$FLINK" list -m "$FLINK_REST" 2>&1); then
    log "cannot list the jobs on $FLINK_REST; not submitting"
    printf '%s\n' "$listing" >&2
    exit 1
fi
running=$(printf '%s\n' "$listing" | grep -F " : $JOB_NAME (" || true)
if [ -n "$running" ]; then
    log "already running, not submitting another copy: $running"
    exit 0
fi

# The newest complete savepoint or retained checkpoint (a directory with its _metadata written), by time.
latest() {
    {
        [ -d "$SAVEPOINT_DIR" ] && find "$SAVEPOINT_DIR" -mindepth 2 -maxdepth 2 -type f -name _metadata \
            -printf '%T@ %h\n'
        [ -d "$CHECKPOINT_DIR" ] && find "$CHECKPOINT_DIR" -mindepth 3 -maxdepth 3 -type f -name _metadata \
            -path '*/chk-*/_metadata' -printf '%T@ %h\n'
        true
    } | sort -rn | head -n 1 | cut -d ' ' -f 2-
}

state=$(latest)
if [ -n "$state" ]; then
    log "resuming from $state"
    exec "$FLINK" run -d -m "$FLINK_REST" -s "$state" "$JOB_JAR" "$@"
fi
log "no savepoint or retained checkpoint under $SAVEPOINT_DIR or $CHECKPOINT_DIR: submitting fresh"
exec "$FLINK" run -d -m "$FLINK_REST" "$JOB_JAR" "$@"
