#!/usr/bin/env bash
# Creates the tuneloop topics of deploy/local/topics.txt (mounted at /topics.txt) and their dead-letter topics
# <topic>.dlq on the compose Kafka, as deploy/local and k8s/base/kafka/topics.yaml do: 3 partitions, the configs of
# each line, DLQs with cleanup.policy=delete. Run by the kafka-init service; running it again changes nothing.
set -euo pipefail
bootstrap=${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}
topics_file=${TOPICS_FILE:-/topics.txt}
partitions=${TOPIC_PARTITIONS:-3}
kafka_topics=/opt/kafka/bin/kafka-topics.sh

create() {
  local name=$1
  shift
  local args=()
  for config in "$@"; do args+=(--config "$config"); done
  "$kafka_topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor 1 "${args[@]}"
}

count=0
while read -r line || [[ -n $line ]]; do
  line=${line%%#*}
  read -r -a fields <<<"$line"
  [[ ${#fields[@]} -gt 0 ]] || continue
  create "${fields[0]}" "${fields[@]:1}"
  create "${fields[0]}.dlq" cleanup.policy=delete
  count=$((count + 2))
done <"$topics_file"
echo "tuneloop topics: $count present"
