#!/usr/bin/env bash
# The secured broker's entrypoint (deploy/compose/secured.yml), as the image's user: Kafka's
# settings from the service's KAFKA_* variables (KAFKA_FOO_BAR is foo.bar), the keystore and
# passwords from the kafka-secrets volume; on the first start it formats the storage with the SCRAM
# users, so that the broker's own first connection (as admin) can log in.
set -euo pipefail

s=/secrets
props=/opt/kafka/config/secured-server.properties
umask 077
{
  while IFS='=' read -r name value; do
    case $name in
      KAFKA_*_OPTS|KAFKA_HOME|KAFKA_VERSION|KAFKA_JMX_*|KAFKA_LOG4J_*|KAFKA_DEBUG) continue ;;
    esac
    printf '%s=%s\n' "$(printf '%s' "${name#KAFKA_}" | tr 'A-Z_' 'a-z.')" "$value"
  done < <(env | grep '^KAFKA_' | sort)
  cat <<EOF
ssl.keystore.type=PKCS12
ssl.keystore.location=$s/broker/broker.p12
ssl.keystore.password=$(cat "$s/broker/broker.password")
ssl.key.password=$(cat "$s/broker/broker.password")
ssl.truststore.type=PKCS12
ssl.truststore.location=$s/ca/ca.p12
ssl.truststore.password=$(cat "$s/ca/ca.password")
EOF
  # Every SASL listener needs a login module; the inter-broker one also logs the broker in, as admin.
  for entry in ${KAFKA_LISTENER_SECURITY_PROTOCOL_MAP//,/ }; do
    listener=${entry%%:*}
    case ${entry#*:} in SASL_*) ;; *) continue ;; esac
    if [ "$listener" = "$KAFKA_INTER_BROKER_LISTENER_NAME" ]; then
      echo "listener.name.${listener,,}.scram-sha-512.sasl.jaas.config=$(cat "$s/users/admin/sasl.jaas.config")"
    else
      echo "listener.name.${listener,,}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;"
    fi
  done
} >"$props"

if [ ! -f "$KAFKA_LOG_DIRS/meta.properties" ]; then
  scram=()
  while read -r credential; do scram+=(--add-scram "$credential"); done <"$s/broker/scram.args"
  # Its output lists the SCRAM records it writes: kept out of the container's log.
  /opt/kafka/bin/kafka-storage.sh format -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" -c "$props" "${scram[@]}" \
    >/dev/null
  echo "formatted $KAFKA_LOG_DIRS with SCRAM-SHA-512 users admin, ecg-job, ecg-producer, ecg-reader"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$props"
