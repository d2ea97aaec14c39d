#!/usr/bin/env bash
# Installs the independent Confluent-format client the interop tests run: confluent-kafka with
# its Avro serializers, for Debian's python3 (apt packages python3-confluent-kafka,
# python3-avro). Quick and silent when it is already there.
set -euo pipefail

probe='import confluent_kafka.avro, avro, requests'
if /usr/bin/python3 -c "$probe" 2>/dev/null; then
  exit 0
fi

run_as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "interop client: need root (or sudo) to run: $*" >&2
    return 1
  fi
}

if command -v apt-get >/dev/null; then
  echo "interop client: installing python3-confluent-kafka and python3-avro"
  export DEBIAN_FRONTEND=noninteractive
  run_as_root apt-get install -y -q python3-confluent-kafka python3-avro python3-requests ||
    { run_as_root apt-get update -q && run_as_root apt-get install -y -q \
      python3-confluent-kafka python3-avro python3-requests; }
fi

if ! /usr/bin/python3 -c "$probe"; then
  echo "interop client: confluent_kafka.avro is still not importable by /usr/bin/python3" >&2
  exit 1
fi
