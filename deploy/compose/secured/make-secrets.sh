#!/usr/bin/env bash
# Runs once, as root, in the kafka-secrets service of deploy/compose/secured.yml: makes a CA, the
# broker's certificate and a random password for each Kafka user, in the kafka-secrets volume
# (mounted at /secrets), each file readable only by the containers that need it. Nothing of it is
# in the repository; `docker compose ... down -v` deletes it with the volume, and the next `up`
# makes new ones. A volume that has them already is left as it is.
#
#   ca/ca.p12, ca/ca.password, ca/ca.crt   the CA's certificate (a truststore): every client
#   broker/                                the broker's keystore, and the SCRAM users to format with
#   users/admin/                           the super user that the broker and the set-up tools use
#   users/ecg-job/                         the Flink job (read by the flink user)
#   users/ecg-producer/                    the replay (read by the flink user)
#   users/ecg-reader/                      for clients on the host: docker compose cp (deploy/README.md)
#
# Each users/NAME/ holds password and sasl.jaas.config (the keys of a Strimzi KafkaUser Secret),
# client.properties (a Kafka client's settings) and client.args (the same as the replay and tail
# tools' --kafka options, for their @FILE argument).
set -euo pipefail

s=/secrets
if [ -f "$s/ca/ca.p12" ]; then
  echo "Kafka secrets exist already in the kafka-secrets volume"
  exit 0
fi
kafka_uid=$(id -u appuser)
flink_uid=9999

# 244 random bits from the kernel, as hex.
password() { printf '%s%s' "$(cat /proc/sys/kernel/random/uuid)" "$(cat /proc/sys/kernel/random/uuid)" | tr -d -; }
jaas() { printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";' "$1" "$2"; }

umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$s/ca" "$s/broker" "$s/users"
password >"$work/ca-key.password"; password >"$s/ca/ca.password"; password >"$s/broker/broker.password"

# The CA's key stays in this container's temporary folder and is gone when it exits: it signs the
# broker's certificate once, nothing else.
kt=(keytool -noprompt -storetype PKCS12)
san=san=dns:kafka,dns:localhost
"${kt[@]}" -genkeypair -alias ca -dname CN=ecg-compose-ca -keyalg RSA -keysize 3072 -validity 825 -ext bc:c \
  -keystore "$work/ca-key.p12" -storepass:file "$work/ca-key.password"
"${kt[@]}" -exportcert -rfc -alias ca -keystore "$work/ca-key.p12" -storepass:file "$work/ca-key.password" -file "$s/ca/ca.crt"
"${kt[@]}" -importcert -alias ca -file "$s/ca/ca.crt" -keystore "$s/ca/ca.p12" -storepass:file "$s/ca/ca.password"
"${kt[@]}" -genkeypair -alias broker -dname CN=ecg-broker -keyalg RSA -keysize 3072 -validity 825 -ext "$san" \
  -keystore "$s/broker/broker.p12" -storepass:file "$s/broker/broker.password"
"${kt[@]}" -certreq -alias broker -keystore "$s/broker/broker.p12" -storepass:file "$s/broker/broker.password" \
  -file "$work/broker.csr"
"${kt[@]}" -gencert -alias ca -keystore "$work/ca-key.p12" -storepass:file "$work/ca-key.password" -rfc -validity 825 \
  -infile "$work/broker.csr" -outfile "$work/broker.crt" -ext "$san" -ext ku:c=digitalSignature,keyEncipherment \
  -ext eku=serverAuth,clientAuth
"${kt[@]}" -importcert -alias ca -file "$s/ca/ca.crt" -keystore "$s/broker/broker.p12" -storepass:file "$s/broker/broker.password"
"${kt[@]}" -importcert -alias broker -file "$work/broker.crt" -keystore "$s/broker/broker.p12" \
  -storepass:file "$s/broker/broker.password"

: >"$s/broker/scram.args"
for user in admin ecg-job ecg-producer ecg-reader; do
  d=$s/users/$user
  mkdir -p "$d"
  pw=$(password)
  printf '%s' "$pw" >"$d/password"
  jaas "$user" "$pw" >"$d/sasl.jaas.config"
  cat >"$d/client.properties" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$(jaas "$user" "$pw")
ssl.truststore.type=PKCS12
ssl.truststore.location=$s/ca/ca.p12
ssl.truststore.password=$(cat "$s/ca/ca.password")
EOF
  sed "s/.*/--kafka '&'/" "$d/client.properties" >"$d/client.args"
  # The broker formats its storage with every user's SCRAM credential.
  echo "SCRAM-SHA-512=[name=$user,password=$pw]" >>"$s/broker/scram.args"
done

# Every client needs the CA's certificate and its store's password (which guards the store's
# integrity, not a secret of its own).
chmod 755 "$s" "$s/ca" "$s/users"
chmod 644 "$s/ca/"*
chown -R "$kafka_uid" "$s/broker" "$s/users/admin"
chown -R "$flink_uid" "$s/users/ecg-job" "$s/users/ecg-producer"
echo "made a CA, the broker's certificate and passwords for admin, ecg-job, ecg-producer, ecg-reader"
