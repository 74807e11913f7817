#!/usr/bin/env bash
# The create-topics service of deploy/compose/secured.yml: the four topics, then the ACLs of
# deploy/k8s/kafka-users.yaml (DeployFilesSecurityTest holds both to the same set), as admin.
set -euo pipefail

tool() { "/opt/kafka/bin/$1" --bootstrap-server kafka:9092 --command-config /secrets/users/admin/client.properties "${@:2}"; }

# The samples topic records the broker's arrival time: the job checks device clocks against it.
tool kafka-topics.sh --create --if-not-exists --topic ecg.samples --partitions 4 --replication-factor 1 \
  --config message.timestamp.type=LogAppendTime
for t in ecg.beat-scores ecg.alerts ecg.dead-letters; do
  tool kafka-topics.sh --create --if-not-exists --topic "$t" --partitions 4 --replication-factor 1
done

acl() { tool kafka-acls.sh --add "$@"; }
acl --allow-principal User:ecg-job --operation Read --operation Describe --topic ecg.samples
acl --allow-principal User:ecg-job --operation Write --operation Describe --topic ecg.beat-scores --topic ecg.alerts --topic ecg.dead-letters
acl --allow-principal User:ecg-job --operation Read --group ecg-anomaly-job
acl --allow-principal User:ecg-job --operation Write --operation Describe --resource-pattern-type prefixed --transactional-id ecg-anomaly
acl --allow-principal User:ecg-producer --operation Write --operation Describe --topic ecg.samples
acl --allow-principal User:ecg-reader --operation Read --operation Describe --topic ecg.beat-scores --topic ecg.alerts
acl --allow-principal User:ecg-reader --operation Read --resource-pattern-type prefixed --group ecg-tail-
