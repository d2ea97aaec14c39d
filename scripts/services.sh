#!/usr/bin/env bash
# Runs the services the tests and the demo need, on loopback and without Docker:
#   - Apache Kafka, one node in KRaft mode (broker and controller in one JVM);
#   - Apicurio Registry, whose Confluent-compatible API stands in for a schema registry.
# Everything comes from Maven Central through `mvn` and is cached, so only the first start
# downloads anything. Run with --help for the commands and the environment it reads.
set -euo pipefail
shopt -s inherit_errexit # keep errexit inside $(...) too

readonly KAFKA_VERSION=4.1.1
readonly REGISTRY_VERSION=3.3.3
readonly REGISTRY_ARTIFACT="io.apicurio:apicurio-registry-app:${REGISTRY_VERSION}:tar.gz:all"
readonly KAFKA_MIN_JAVA=17
readonly REGISTRY_MIN_JAVA=21
readonly CCOMPAT_PATH=/apis/ccompat/v7

SUPPORT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/services"
readonly SUPPORT_DIR

readonly KAFKA_PORT=${KAFKA_PORT:-9092}
readonly KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
readonly SCHEMA_REGISTRY_PORT=${SCHEMA_REGISTRY_PORT:-8081}
readonly CACHE_DIR=${KAFKA_RX_BUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-rx-bus}
readonly DATA_DIR=${KAFKA_RX_BUS_DATA:-$CACHE_DIR/run}
readonly KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-120}
readonly REGISTRY_START_TIMEOUT=${REGISTRY_START_TIMEOUT:-120}
readonly STOP_TIMEOUT=${SERVICES_STOP_TIMEOUT:-30}
readonly KAFKA_JVM_OPTS=${KAFKA_JVM_OPTS:--Xms256m -Xmx768m -XX:+UseG1GC -XX:MaxGCPauseMillis=20}
# C1 only for the registry: it halves its boot time, and its load in tests is a few requests.
readonly REGISTRY_JVM_OPTS=${REGISTRY_JVM_OPTS:--Xms64m -Xmx512m -XX:TieredStopAtLevel=1}

readonly KAFKA_HOME=$CACHE_DIR/kafka-$KAFKA_VERSION
readonly REGISTRY_HOME=$CACHE_DIR/apicurio-registry-$REGISTRY_VERSION
readonly LOG_DIR=$DATA_DIR/logs
KAFKA_CDS_ARCHIVE='' # set once the Kafka JDK is known
TOOL_CMD=()
readonly KAFKA_RUN_DIR=$DATA_DIR/kafka

usage() {
  cat <<EOF
Usage: scripts/services.sh start|stop [kafka|registry]|status|--help

Runs Apache Kafka $KAFKA_VERSION (single-node KRaft) and Apicurio Registry $REGISTRY_VERSION
(Confluent-compatible API) on 127.0.0.1, downloading them once with Maven.

  start    start whatever is not running yet and wait until both answer; a Kafka started
           while the registry runs keeps its data, so 'stop kafka' + 'start' is a restart
  stop [kafka|registry]
           stop the processes this script started (TERM, then KILL after a timeout)
  status   print each service's state, pid and address (exit 3 if one is stopped)

Environment (defaults in brackets):
  KAFKA_PORT [9092]  KAFKA_CONTROLLER_PORT [9093]  SCHEMA_REGISTRY_PORT [8081]
  KAFKA_RX_BUS_CACHE [~/.cache/kafka-rx-bus]   downloaded jars and the registry
  KAFKA_RX_BUS_DATA  [\$KAFKA_RX_BUS_CACHE/run]  data, logs and pid files
  KAFKA_START_TIMEOUT [120]  REGISTRY_START_TIMEOUT [120]  SERVICES_STOP_TIMEOUT [30] (s)
  KAFKA_JAVA_HOME     JDK $KAFKA_MIN_JAVA+ for Kafka (else JAVA_HOME, java on PATH, /usr/lib/jvm)
  REGISTRY_JAVA_HOME  JDK $REGISTRY_MIN_JAVA+ for the registry (same search order)
  KAFKA_JVM_OPTS, REGISTRY_JVM_OPTS   JVM flags (heap sizes)

Clients connect with KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT and
SCHEMA_REGISTRY_URL=http://127.0.0.1:$SCHEMA_REGISTRY_PORT$CCOMPAT_PATH
EOF
}

say() { printf '%s\n' "$*"; }
warn() { printf 'services.sh: %s\n' "$*" >&2; }
die() {
  warn "$*"
  exit 1
}

# Printed whenever this script cannot do its job, so nobody is stuck: the library only needs
# addresses, and any Kafka + Confluent-compatible registry will do.
die_with_alternatives() {
  warn "$*"
  cat >&2 <<EOF

Alternatively, point the tests at services you already have:
  KAFKA_BROKERS=host:9092 SCHEMA_REGISTRY_URL=http://host:8081 npm run test:integration
or, with Docker, run \`docker compose up -d\` at the repository root.
EOF
  exit 1
}

require_positive_integers() {
  local name
  for name in "$@"; do
    [[ ${!name} =~ ^[1-9][0-9]*$ ]] || die "$name must be a positive integer, got '${!name}'"
  done
}

# --- Java discovery ----------------------------------------------------------------------------

# One system property of a java binary, e.g. java.runtime.version; empty when it does not run.
java_property() {
  { "$1" -XshowSettings:properties -version 2>&1 || true; } | sed -n "s/^ *$2 = //p" | head -n 1
}

# Major version of a java binary: 17 for "17", 8 for "1.8". Empty when it does not run.
java_major() {
  local version
  version=$(java_property "$1" java.specification.version)
  version=${version#1.}
  printf '%s' "${version%%.*}"
}

java_is_at_least() {
  local major
  [[ -x $1 ]] || return 1
  major=$(java_major "$1")
  [[ -n $major ]] && ((major >= $2))
}

# Prints the path of a java binary whose version is at least $1. Search order: the JDK named by
# the variable $2 (an explicit choice, so a wrong one is an error), JAVA_HOME, java on PATH,
# then the newest suitable JDK under /usr/lib/jvm, where distributions install extra JDKs.
find_java() {
  local min=$1 var=$2 candidate best='' best_major=0 major
  if [[ -n ${!var:-} ]]; then
    candidate=${!var}/bin/java
    java_is_at_least "$candidate" "$min" && { say "$candidate"; return 0; }
    die "$var=${!var} is not a JDK $min or newer"
  fi
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)"; do
    [[ -n $candidate ]] && java_is_at_least "$candidate" "$min" && { say "$candidate"; return 0; }
  done
  for candidate in /usr/lib/jvm/*/bin/java; do
    [[ -x $candidate ]] || continue
    major=$(java_major "$candidate")
    if [[ -n $major ]] && ((major >= min && major > best_major)); then
      best=$candidate
      best_major=$major
    fi
  done
  [[ -z $best ]] || say "$best"
}

require_tools() {
  local tool
  for tool in curl tar; do
    command -v "$tool" >/dev/null \
      || die_with_alternatives "'$tool' is required (e.g. apt-get install $tool)."
  done
}

require_maven() {
  command -v mvn >/dev/null && return 0
  die_with_alternatives "Maven is needed once to download Kafka and the registry from Maven" \
    "Central; install it, e.g. apt-get install maven."
}

kafka_java() {
  local java
  java=$(find_java "$KAFKA_MIN_JAVA" KAFKA_JAVA_HOME)
  [[ -n $java ]] && { say "$java"; return 0; }
  die_with_alternatives "Kafka needs Java $KAFKA_MIN_JAVA or newer and none was found;" \
    "install one (e.g. apt-get install openjdk-17-jdk-headless maven) or set KAFKA_JAVA_HOME."
}

registry_java() {
  local java
  java=$(find_java "$REGISTRY_MIN_JAVA" REGISTRY_JAVA_HOME)
  [[ -n $java ]] && { say "$java"; return 0; }
  die_with_alternatives "Apicurio Registry needs Java $REGISTRY_MIN_JAVA or newer and none was" \
    "found in REGISTRY_JAVA_HOME, JAVA_HOME, on PATH or in /usr/lib/jvm; install one (e.g." \
    "apt-get install openjdk-21-jdk-headless, or a Temurin 21+ JDK) or set REGISTRY_JAVA_HOME."
}

# --- Provisioning (first start only) -----------------------------------------------------------

# Runs Maven quietly into a log, showing the log only when it fails.
run_maven() {
  local log=$CACHE_DIR/maven.log
  if ! mvn -B -ntp "$@" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die_with_alternatives "Maven failed (full log: $log). Is Maven Central reachable?"
  fi
}

# Downloads go to a temporary directory that is renamed at the end, so an interrupted first
# start never leaves a half-filled cache that later starts would trust.
provision_kafka() {
  [[ -f $KAFKA_HOME/.complete ]] && return 0
  require_maven
  say "Downloading Kafka $KAFKA_VERSION jars with Maven (first start only)..."
  local staging=$KAFKA_HOME.partial
  rm -rf "$staging"
  run_maven -f "$SUPPORT_DIR/kafka-pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$staging/libs"
  touch "$staging/.complete"
  rm -rf "$KAFKA_HOME"
  mv "$staging" "$KAFKA_HOME"
}

provision_registry() {
  [[ -f $REGISTRY_HOME/.complete ]] && return 0
  require_maven
  say "Downloading Apicurio Registry $REGISTRY_VERSION with Maven (first start only)..."
  local staging=$REGISTRY_HOME.partial
  rm -rf "$staging"
  mkdir -p "$staging"
  # The kafka pom only pins the plugin version; the artifact is not one of its dependencies.
  run_maven -f "$SUPPORT_DIR/kafka-pom.xml" dependency:copy \
    -Dartifact="$REGISTRY_ARTIFACT" -DoutputDirectory="$staging/download"
  tar -xzf "$staging"/download/*.tar.gz -C "$staging"
  rm -rf "$staging/download"
  [[ -f $staging/quarkus-run.jar ]] || die "quarkus-run.jar missing from $REGISTRY_ARTIFACT"
  touch "$staging/.complete"
  rm -rf "$REGISTRY_HOME"
  mv "$staging" "$REGISTRY_HOME"
}

# --- Processes ---------------------------------------------------------------------------------

pid_file() { say "$DATA_DIR/$1.pid"; }
address_file() { say "$DATA_DIR/$1.address"; }

command_line_of() {
  if [[ -r /proc/$1/cmdline ]]; then
    tr '\0' ' ' <"/proc/$1/cmdline"
  else
    ps -o command= -p "$1" 2>/dev/null || true
  fi
}

# Text that only our own process of each service has on its command line; it guards against
# a recycled pid, so stop never signals an unrelated process.
process_marker() {
  case $1 in
    kafka) say "$KAFKA_RUN_DIR/server.properties" ;;
    registry) say "$REGISTRY_HOME/quarkus-run.jar" ;;
  esac
}

# Prints the pid of a running service started by this script; fails when it is not running.
running_pid() {
  local file pid
  file=$(pid_file "$1")
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ $(command_line_of "$pid") == *"$(process_marker "$1")"* ]] || return 1
  say "$pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_port() {
  port_in_use "$2" || return 0
  die_with_alternatives "port $2 (for $1) is already taken by another process; stop it or" \
    "choose another port with $3."
}

# Starts a command in its own session (so a Ctrl-C in the calling terminal or the end of the
# calling job does not reach it) and records its pid. The pid is written by the process itself
# just before it execs, which stays correct whether or not setsid has to fork. Descriptor 9 is
# the start/stop lock and must not be inherited, or the service would hold it forever.
launch() {
  local name=$1 out=$2 pid_path waited=0
  # shellcheck disable=SC2016 # expanded by the child shell, on purpose
  local record_pid_then_exec='echo $$ >"$0" && exec "$@"'
  shift 2
  pid_path=$(pid_file "$name")
  rm -f "$pid_path"
  if command -v setsid >/dev/null; then
    setsid bash -c "$record_pid_then_exec" "$pid_path" "$@" </dev/null >"$out" 2>&1 9>&- &
  else
    nohup bash -c "$record_pid_then_exec" "$pid_path" "$@" </dev/null >"$out" 2>&1 9>&- &
  fi
  until [[ -s $pid_path ]] || ((waited++ > 50)); do sleep 0.1; done
}

# Keeps the logs of the previous run next to the new ones: fresh logs make a failed start easy
# to read, and the previous ones still explain why a service had to be restarted.
rotate_logs() {
  local path
  for path in "$@"; do
    [[ -e $path ]] || continue
    rm -rf "$path.previous"
    mv "$path" "$path.previous"
  done
}

log_tail() {
  local file
  for file in "$@"; do
    [[ -f $file ]] || continue
    warn "--- last lines of $file ---"
    tail -n 40 "$file" >&2
  done
}

# Where the class-data sharing archive of service $2 run by java $1 lives ($3: file type). Such
# an archive (classes already parsed, verified and, on JDK 25, linked; written when the JVM
# exits) cuts start-up here by a third to two thirds: Kafka 4.4 s -> 2.5 s, the registry
# 11 s -> 6 s with a CDS archive and -> 3.5 s with a JDK 25 AOT cache, a Kafka tool
# 2 s -> 0.8 s. It belongs to one exact JDK build, hence the version in its name.
cds_archive() {
  say "$DATA_DIR/cds/$2-$(java_property "$1" java.runtime.version).$3"
}

# Prints the JVM flags, one per line, that use the archive $2, or create it at exit when it is
# missing. JDK 25 has AOT caches (JEP 514), JDK 19+ refreshes a CDS archive by itself, and
# JDK 17 writes one only when asked to.
class_data_sharing_flags() {
  local java=$1 archive=$2 major
  mkdir -p "$(dirname "$archive")"
  major=$(java_major "$java")
  if ((major >= 25)) && [[ -f $archive ]]; then
    say "-XX:AOTCache=$archive"
  elif ((major >= 25)); then
    say "-XX:AOTCacheOutput=$archive"
  elif ((major >= 19)); then
    say -XX:+AutoCreateSharedArchive
    say "-XX:SharedArchiveFile=$archive"
  elif [[ -f $archive ]]; then
    say "-XX:SharedArchiveFile=$archive"
  else
    say "-XX:ArchiveClassesAtExit=$archive"
  fi
}

# --- Kafka -------------------------------------------------------------------------------------

# Sets TOOL_CMD to the java command that runs a Kafka command-line class. The broker's archive
# fits the tools too (same JDK, same classpath), so it is used read-only when present;
# -Xlog:disable keeps the warning of a stale archive out of the tool's output.
kafka_tool_command() {
  TOOL_CMD=("$1" -Xmx128m -XX:TieredStopAtLevel=1)
  if [[ -f $KAFKA_CDS_ARCHIVE ]]; then
    TOOL_CMD+=(-XX:SharedArchiveFile="$KAFKA_CDS_ARCHIVE" -Xlog:disable)
  fi
  TOOL_CMD+=(-Dlog4j2.configurationFile="$SUPPORT_DIR/tools-log4j2.properties")
  TOOL_CMD+=(-cp "$KAFKA_HOME/libs/*")
}

write_server_properties() {
  cat >"$KAFKA_RUN_DIR/server.properties" <<EOF
# Generated by scripts/services.sh on every start; edits are lost.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_RUN_DIR/data

# One node: every internal topic must fit on a single replica.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# The library creates its own topics; auto-creation would hide a missing createTopics call.
auto.create.topics.enable=false
num.partitions=1
# Consumer groups in tests should not sit out the default 3 s before their first assignment.
group.initial.rebalance.delay.ms=0
EOF
}

# A cluster id is 16 random bytes in URL-safe base64 without padding, the format of
# `kafka.tools.StorageTool random-uuid`; making it here saves a JVM start. Like Kafka, skip ids
# that begin with '-', which tools would read as an option.
new_cluster_id() {
  local id=-
  while [[ $id == -* ]]; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  done
  say "$id"
}

# The registry keeps its schemas in memory, so it is empty after every start. Kafka starts from
# an empty data directory too: records kept from an earlier run would carry schema ids that the
# new registry does not know.
prepare_kafka_storage() {
  local java=$1 keep_data=${2:-}
  # Records only make sense with the registry that assigned their schema ids. While that
  # registry keeps running, a restarted Kafka keeps its data (tests that restart the broker
  # mid-stream rely on it); otherwise Kafka starts empty.
  if [[ -n $keep_data && -f $KAFKA_RUN_DIR/data/meta.properties ]]; then
    mkdir -p "$LOG_DIR/kafka"
    return 0
  fi
  rm -rf "$KAFKA_RUN_DIR"
  rotate_logs "$LOG_DIR/kafka" "$LOG_DIR/kafka.out" "$LOG_DIR/kafka-format.log"
  mkdir -p "$KAFKA_RUN_DIR/data" "$LOG_DIR/kafka"
  write_server_properties
  kafka_tool_command "$java"
  "${TOOL_CMD[@]}" kafka.tools.StorageTool format \
    --config "$KAFKA_RUN_DIR/server.properties" --cluster-id "$(new_cluster_id)" \
    >"$LOG_DIR/kafka-format.log" 2>&1 \
    || { log_tail "$LOG_DIR/kafka-format.log"; die "formatting Kafka storage failed"; }
}

start_kafka() {
  local java=$1 keep_data=${2:-} jvm_opts cds_opts
  prepare_kafka_storage "$java" "$keep_data"
  read -r -a jvm_opts <<<"$KAFKA_JVM_OPTS"
  mapfile -t cds_opts < <(class_data_sharing_flags "$java" "$KAFKA_CDS_ARCHIVE")
  launch kafka "$LOG_DIR/kafka.out" "$java" "${jvm_opts[@]}" "${cds_opts[@]}" \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dkafka.logs.dir="$LOG_DIR/kafka" \
    -Dlog4j2.configurationFile="$SUPPORT_DIR/kafka-log4j2.properties" \
    -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$KAFKA_RUN_DIR/server.properties"
  say "127.0.0.1:$KAFKA_PORT" >"$(address_file kafka)"
}

# A metadata round trip through the admin client, not just an open port: the socket accepts
# connections a moment before the broker has joined its own quorum.
kafka_answers() {
  local java=$1 budget=$2
  port_in_use "$KAFKA_PORT" || return 1
  kafka_tool_command "$java"
  timeout "$budget" "${TOOL_CMD[@]}" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list >/dev/null 2>&1
}

# --- Registry ----------------------------------------------------------------------------------

start_registry() {
  local java=$1 jvm_opts cds_opts
  rotate_logs "$LOG_DIR/registry.log"
  read -r -a jvm_opts <<<"$REGISTRY_JVM_OPTS"
  mapfile -t cds_opts < <(class_data_sharing_flags "$java" "$(cds_archive "$java" registry aot)")
  # quarkus.management.*: Quarkus opens a health/metrics port, 0.0.0.0:9000 by default; keep
  #   it on loopback and let the OS pick the port so it never collides with anything.
  # max-subjects: GET /subjects silently truncates at 1000 by default, and a registry that
  #   outlives many test runs collects more subjects than that.
  # log format: the packaged pattern misprints dates ("2026-12+00-03").
  launch registry "$LOG_DIR/registry.log" "$java" "${jvm_opts[@]}" "${cds_opts[@]}" \
    -XX:+ExitOnOutOfMemoryError \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$SCHEMA_REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=0 \
    -Dapicurio.ccompat.max-subjects=1000000 \
    -Dquarkus.log.console.format='%d{yyyy-MM-dd HH:mm:ss,SSS} %p [%c{3.}] (%t) %m%n' \
    -jar "$REGISTRY_HOME/quarkus-run.jar"
  say "http://127.0.0.1:$SCHEMA_REGISTRY_PORT$CCOMPAT_PATH" >"$(address_file registry)"
}

registry_answers() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
    "http://127.0.0.1:$SCHEMA_REGISTRY_PORT$CCOMPAT_PATH/subjects") || true
  [[ $code == 200 ]]
}

# --- Waiting -----------------------------------------------------------------------------------

# Polls `$probe` until it succeeds, the process dies, or the timeout passes; the last two print
# the service's logs and fail the start.
wait_until_ready() {
  local name=$1 timeout_s=$2 probe=$3 java=$4
  shift 4
  local deadline=$((SECONDS + timeout_s))
  while ((SECONDS < deadline)); do
    if ! running_pid "$name" >/dev/null; then
      log_tail "$@"
      die "$name exited during start-up (logs above)"
    fi
    "$probe" "$java" "$((deadline - SECONDS + 1))" && return 0
    sleep 0.5
  done
  log_tail "$@"
  die "$name did not answer within ${timeout_s}s (logs above)"
}

# Adapter so the registry fits wait_until_ready's probe signature (java, time budget).
registry_probe() { registry_answers; }

# --- Commands ----------------------------------------------------------------------------------

# Serialises concurrent start/stop calls (e.g. parallel test workers each ensuring services).
take_lock() {
  mkdir -p "$DATA_DIR"
  command -v flock >/dev/null || return 0
  exec 9>"$DATA_DIR/services.lock"
  flock -w 600 9 || die "another services.sh is still running (lock $DATA_DIR/services.lock)"
}

# Services launched by the current `start`; if the start fails they are stopped again, so a
# failed start never leaves half of the pair running.
LAUNCHED=()
stop_launched_on_failure() {
  local status=$?
  ((status == 0 || ${#LAUNCHED[@]} == 0)) && return 0
  warn "start failed; stopping ${LAUNCHED[*]} again"
  stop_services "${LAUNCHED[@]}" >&2
}

cmd_start() {
  require_positive_integers KAFKA_PORT KAFKA_CONTROLLER_PORT SCHEMA_REGISTRY_PORT \
    KAFKA_START_TIMEOUT REGISTRY_START_TIMEOUT STOP_TIMEOUT
  local began=$SECONDS kafka_pid registry_pid kafka_jvm registry_jvm
  kafka_pid=$(running_pid kafka) || kafka_pid=''
  registry_pid=$(running_pid registry) || registry_pid=''
  if [[ -n $kafka_pid && -n $registry_pid ]] && port_in_use "$KAFKA_PORT" && registry_answers
  then
    say "Already running: Kafka (pid $kafka_pid), schema registry (pid $registry_pid)."
    cmd_status
    return 0
  fi

  # Everything that can fail cheaply is checked before the first process is launched.
  require_tools
  kafka_jvm=$(kafka_java)
  registry_jvm=$(registry_java)
  KAFKA_CDS_ARCHIVE=$(cds_archive "$kafka_jvm" kafka jsa)
  if [[ -z $kafka_pid ]]; then
    require_free_port Kafka "$KAFKA_PORT" KAFKA_PORT
    require_free_port "the Kafka controller" "$KAFKA_CONTROLLER_PORT" KAFKA_CONTROLLER_PORT
  fi
  [[ -n $registry_pid ]] \
    || require_free_port "the schema registry" "$SCHEMA_REGISTRY_PORT" SCHEMA_REGISTRY_PORT
  mkdir -p "$CACHE_DIR" "$LOG_DIR"
  provision_kafka
  provision_registry

  # The registry takes longest to boot, so it starts first and boots while Kafka formats.
  trap stop_launched_on_failure EXIT
  if [[ -z $registry_pid ]]; then
    LAUNCHED+=(registry)
    start_registry "$registry_jvm"
  fi
  if [[ -z $kafka_pid ]]; then
    LAUNCHED+=(kafka)
    start_kafka "$kafka_jvm" "$registry_pid"
  fi
  wait_until_ready kafka "$KAFKA_START_TIMEOUT" kafka_answers "$kafka_jvm" \
    "$LOG_DIR/kafka.out" "$LOG_DIR/kafka/server.log"
  wait_until_ready registry "$REGISTRY_START_TIMEOUT" registry_probe "$registry_jvm" \
    "$LOG_DIR/registry.log"
  LAUNCHED=()
  say "Services ready after $((SECONDS - began))s:"
  cmd_status
}

# Sends TERM to each running service, waits for all of them, then KILLs what is left after
# SERVICES_STOP_TIMEOUT. Signalling all first lets the JVMs shut down in parallel. A service
# that is not running is not an error.
stop_services() {
  local name pid deadline=$((SECONDS + STOP_TIMEOUT))
  local -A pids=()
  for name in "$@"; do
    if pid=$(running_pid "$name"); then
      say "Stopping $name (pid $pid)..."
      kill -TERM "$pid" 2>/dev/null || true
      pids[$name]=$pid
    fi
  done
  for name in "${!pids[@]}"; do
    pid=${pids[$name]}
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      warn "$name (pid $pid) ignored TERM for ${STOP_TIMEOUT}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
      # It may have died while writing its class-data archive; the next start makes a new one.
      rm -f "$DATA_DIR/cds/$name-"*
    fi
  done
  for name in "$@"; do
    rm -f "$(pid_file "$name")" "$(address_file "$name")"
  done
}

cmd_stop() {
  require_positive_integers STOP_TIMEOUT
  case ${1:-all} in
    all) stop_services kafka registry ;;
    kafka | registry) stop_services "$1" ;;
    *) die "stop takes kafka, registry or nothing (both), not '$1'" ;;
  esac
  say "Stopped ${1:-all services}."
}

cmd_status() {
  local name label pid all_up=0
  for name in kafka registry; do
    label=$name
    [[ $name == registry ]] && label='schema registry'
    if pid=$(running_pid "$name"); then
      printf '%-16s running  pid %-8s %s\n' "$label:" "$pid" \
        "$(cat "$(address_file "$name")" 2>/dev/null || true)"
    else
      printf '%-16s stopped\n' "$label:"
      all_up=3
    fi
  done
  say "Data, logs and pid files: $DATA_DIR"
  return "$all_up"
}

main() {
  case ${1:-} in
    start)
      take_lock
      cmd_start
      ;;
    stop)
      take_lock
      cmd_stop "${2:-}"
      ;;
    status) cmd_status ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
