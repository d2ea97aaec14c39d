"""An independent Confluent-format Avro client for the interop tests.

Uses confluent-kafka's AvroProducer / AvroConsumer (librdkafka + the Apache avro library), which
frame values as magic byte 0, a 4-byte schema id and the Avro body, exactly as the Confluent
serializers do.

  confluent_avro.py produce BROKERS REGISTRY TOPIC SCHEMA_JSON VALUES_JSON
  confluent_avro.py consume BROKERS REGISTRY TOPIC COUNT TIMEOUT_S

`produce` sends every value of the JSON list under the topic's `<topic>-value` subject and
prints the schema id it used; `consume` reads COUNT values from the beginning and prints them
as one JSON list.
"""

import json
import sys
import time
import uuid

from confluent_kafka import KafkaError
from confluent_kafka import avro
from confluent_kafka.avro import AvroConsumer, AvroProducer


def produce(brokers, registry, topic, schema_json, values_json):
    schema = avro.loads(schema_json)
    producer = AvroProducer(
        {"bootstrap.servers": brokers, "schema.registry.url": registry},
        default_value_schema=schema,
    )
    for value in json.loads(values_json):
        producer.produce(topic=topic, value=value)
    remaining = producer.flush(30)
    if remaining:
        raise SystemExit(f"{remaining} messages not delivered")


def consume(brokers, registry, topic, count, timeout_s):
    consumer = AvroConsumer(
        {
            "bootstrap.servers": brokers,
            "schema.registry.url": registry,
            "group.id": f"interop-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    values = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(values) < count and time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            error = message.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:
                    continue
                raise SystemExit(f"consume failed: {error}")
            values.append(message.value())
    finally:
        consumer.close()
    if len(values) < count:
        raise SystemExit(f"only {len(values)} of {count} values within {timeout_s} s")
    print(json.dumps(values))


def main(argv):
    if len(argv) == 6 and argv[0] == "produce":
        produce(*argv[1:])
    elif len(argv) == 6 and argv[0] == "consume":
        consume(argv[1], argv[2], argv[3], int(argv[4]), float(argv[5]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
