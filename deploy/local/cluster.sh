#!/usr/bin/env bash
# A Kafka broker and a standalone Flink cluster (one JobManager, N TaskManagers) as separate
# processes on this machine, from the Maven Central jars the build copies into
# deploy/local/{flink-lib,kafka-libs}/target/lib. Build first: mvn -B package -DskipTests
#
#   cluster.sh start                      Kafka (KRaft) + topics, JobManager, TaskManagers
#   cluster.sh submit [--parallelism P] [--savepoint PATH] [-- --job.key value ...]
#   cluster.sh replay [replay options]    simulated patients into Kafka (ecg-replay --help)
#   cluster.sh status                     processes, TaskManagers, slots and jobs
#   cluster.sh savepoint-stop [JOB_ID]    stop a job with a savepoint; prints its path
#   cluster.sh kill-taskmanager N         kill -9 TaskManager N (failure drills)
#   cluster.sh start-taskmanager N        start (or restart) TaskManager N
#   cluster.sh stop                       stop every process this script started, by its pid
#
# Everything it writes (config, logs, pids, Kafka data, checkpoints, savepoints) goes under
# CLUSTER_HOME. Settings, from the environment:
#   CLUSTER_HOME (deploy/local/run)  KAFKA_PORT (9092)  KAFKA_CONTROLLER_PORT (9093)
#   FLINK_REST_PORT (8081)  FLINK_RPC_PORT (6123)  TASKMANAGERS (2)  SLOTS_PER_TASKMANAGER (2)
#   METRICS_PORTS (9250-9260: each Flink process serves Prometheus metrics on the first free one)
#   TOPIC_PARTITIONS (4)  TASKMANAGER_MEMORY (2560m)  JOBMANAGER_MEMORY (1200m)
#   JOB_JAR (job/target/ecg-anomaly-job-<version>.jar)  MODEL_FILE (the shipped model)
#   SECURED (unset: plaintext Kafka; 1: SASL_SSL + SCRAM-SHA-512 + ACLs, see below)
#
# Kafka security. By default Kafka is PLAINTEXT with no logins and no ACLs: a laptop default, for
# made-up patients only; start says so. SECURED=1 cluster.sh start runs it secured instead: TLS
# (a CA and a broker certificate made with the JDK's keytool), SCRAM-SHA-512 logins and ACLs
# (ecg-job, ecg-producer, ecg-reader with the rights of deploy/k8s/kafka-users.yaml; admin, a super
# user for this script). Passwords are random and, with the keys, stay under CLUSTER_HOME/security
# (owner-only files); users/NAME/client.properties holds a Kafka client's settings for NAME, and
# users/NAME/client.args the same as --kafka options for the replay and tail tools (@FILE).
# submit and replay then connect as ecg-job and ecg-producer. The mode is fixed when Kafka's
# storage is formatted (the first start in a CLUSTER_HOME); later commands follow it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
CLUSTER_HOME=${CLUSTER_HOME:-$here/run}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
FLINK_REST_PORT=${FLINK_REST_PORT:-8081}
FLINK_RPC_PORT=${FLINK_RPC_PORT:-6123}
METRICS_PORTS=${METRICS_PORTS:-9250-9260}
TASKMANAGERS=${TASKMANAGERS:-2}
SLOTS_PER_TASKMANAGER=${SLOTS_PER_TASKMANAGER:-2}
TOPIC_PARTITIONS=${TOPIC_PARTITIONS:-4}
# ND4J keeps the network and its buffers off the JVM heap: the task off-heap budget is for it.
TASKMANAGER_MEMORY=${TASKMANAGER_MEMORY:-2560m}
TASKMANAGER_OFF_HEAP=${TASKMANAGER_OFF_HEAP:-768m}
JOBMANAGER_MEMORY=${JOBMANAGER_MEMORY:-1200m}
version=$(sed -n 's:^JOB_VERSION=::p' "$repo/.env")
JOB_JAR=${JOB_JAR:-$repo/job/target/ecg-anomaly-job-$version.jar}
MODEL_FILE=${MODEL_FILE:-$repo/model-training/models/ecg5000-autoencoder.zip}
TOPICS="ecg.samples ecg.beat-scores ecg.alerts ecg.dead-letters"

flink_lib=$here/flink-lib/target/lib
kafka_libs=$here/kafka-libs/target/lib
conf=$CLUSTER_HOME/conf
logs=$CLUSTER_HOME/logs
pids=$CLUSTER_HOME/pids
rest=http://localhost:$FLINK_REST_PORT
security=$CLUSTER_HOME/security
mode_file=$CLUSTER_HOME/kafka-security

# What Flink's own distribution passes every JVM on Java 17: its serializers and the DataStream
# translators reflect into these JDK packages.
flink_jvm_opts="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

need_libs() {
  [ -d "$flink_lib" ] && [ -d "$kafka_libs" ] ||
    die "no Flink/Kafka jars under $here/*/target/lib; build them first: mvn -B package -DskipTests"
}

pid_alive() { [ -f "$pids/$1.pid" ] && kill -0 "$(cat "$pids/$1.pid")" 2>/dev/null; }

# Starts a JVM in the background with its output in logs/NAME.out and its pid in pids/NAME.pid.
launch() {
  local name=$1; shift
  if pid_alive "$name"; then die "$name is already running (pid $(cat "$pids/$name.pid"))"; fi
  nohup "$@" >"$logs/$name.out" 2>&1 </dev/null &
  echo $! >"$pids/$name.pid"
  say "$name started (pid $!), log: $logs/$name.log"
}

# Waits until COMMAND succeeds, or fails after SECONDS naming WHAT and its log.
wait_for() {
  local what=$1 seconds=$2 log=$3; shift 3
  local end=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || die "$what not ready after ${seconds}s; see $log"
    sleep 0.5
  done
}

port_open() { (exec 3<>"/dev/tcp/localhost/$1") 2>/dev/null; }

write_config() {
  mkdir -p "$conf" "$logs" "$pids" "$CLUSTER_HOME/kafka-data" "$CLUSTER_HOME/checkpoints" "$CLUSTER_HOME/savepoints"
  cat >"$conf/config.yaml" <<EOF
jobmanager.rpc.address: localhost
jobmanager.rpc.port: $FLINK_RPC_PORT
jobmanager.bind-host: localhost
taskmanager.bind-host: localhost
taskmanager.host: localhost
rest.address: localhost
rest.bind-address: localhost
rest.port: $FLINK_REST_PORT
jobmanager.memory.process.size: $JOBMANAGER_MEMORY
taskmanager.memory.process.size: $TASKMANAGER_MEMORY
taskmanager.memory.task.off-heap.size: $TASKMANAGER_OFF_HEAP
# State lives on the heap (HashMap state backend); managed memory would only serve RocksDB.
taskmanager.memory.managed.size: 0m
taskmanager.numberOfTaskSlots: $SLOTS_PER_TASKMANAGER
# Spread a job's tasks over all TaskManagers, so losing one is a real failure of part of the job.
taskmanager.load-balance.mode: SLOTS
execution.checkpointing.dir: file://$CLUSTER_HOME/checkpoints
execution.checkpointing.savepoint-dir: file://$CLUSTER_HOME/savepoints
execution.checkpointing.num-retained: 3
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 20
restart-strategy.fixed-delay.delay: 2 s
# A dead TaskManager is noticed within seconds, not the 50 s default.
heartbeat.interval: 2000
heartbeat.timeout: 10000
# Large job jars (DL4J natives) upload through REST.
rest.server.max-content-length: 524288000
rest.client.max-content-length: 524288000
web.upload.dir: $CLUSTER_HOME/uploads
io.tmp.dirs: $CLUSTER_HOME/tmp
# Prometheus: every JobManager and TaskManager serves http://localhost:PORT/metrics on the first free
# port of the range (the job's own metrics too: beatsScored, scoringLatencyMs, alertsOpened, ...).
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: $METRICS_PORTS
EOF
  cat >"$conf/log4j.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FileAppender
appender.file.name = FileAppender
appender.file.type = File
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
EOF
  # Holds the admin's password when secured: owner-only.
  (umask 077; cat >"$conf/kafka.properties") <<EOF
node.id=1
process.roles=broker,controller
controller.listener.names=CONTROLLER
controller.quorum.voters=1@localhost:$KAFKA_CONTROLLER_PORT
$(if [ "$mode" = sasl_ssl ]; then kafka_secured_properties; else kafka_plaintext_properties; fi)
log.dirs=$CLUSTER_HOME/kafka-data
num.partitions=$TOPIC_PARTITIONS
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
}

kafka_plaintext_properties() {
  cat <<EOF
listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
EOF
}

# Clients connect over TLS and log in with SCRAM-SHA-512. The broker reaches its own controller
# over mutual TLS with its certificate: only a holder of a certificate from this CA gets in (a KRaft
# controller listener cannot use SCRAM). The authorizer allows a principal only what an ACL grants
# it; admin (this script's tools, and the broker's own SASL connections) and the broker's
# certificate are the super users.
kafka_secured_properties() {
  local store_pw trust_pw admin_pw
  store_pw=$(cat "$security/broker/broker.password"); trust_pw=$(cat "$security/ca/ca.password")
  admin_pw=$(cat "$security/users/admin/password")
  cat <<EOF
listeners=SASL_SSL://localhost:$KAFKA_PORT,CONTROLLER://localhost:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_SSL://localhost:$KAFKA_PORT
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$(jaas admin "$admin_pw")
listener.name.controller.ssl.client.auth=required
ssl.keystore.type=PKCS12
ssl.keystore.location=$security/broker/broker.p12
ssl.keystore.password=$store_pw
ssl.key.password=$store_pw
ssl.truststore.type=PKCS12
ssl.truststore.location=$security/ca/ca.p12
ssl.truststore.password=$trust_pw
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:CN=ecg-broker
EOF
}

jaas() { printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";' "$1" "$2"; }

# A random password: 24 bytes from the kernel, as hex.
random_password() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

# The Kafka security of this CLUSTER_HOME: plaintext or sasl_ssl. Once Kafka's storage is formatted
# the mode is the one it was formatted with; SECURED only chooses for a new one, and a SECURED that
# contradicts the formatted mode is refused rather than quietly ignored.
kafka_mode() {
  local recorded="" wanted
  if [ -f "$CLUSTER_HOME/kafka-data/meta.properties" ]; then
    recorded=plaintext
    [ ! -f "$mode_file" ] || recorded=$(cat "$mode_file")
  fi
  case ${SECURED:-} in
    1|true|yes) wanted=sasl_ssl ;;
    0|false|no) wanted=plaintext ;;
    "") wanted=${recorded:-plaintext} ;;
    *) die "SECURED must be 1 or 0, not '$SECURED'" ;;
  esac
  if [ -n "$recorded" ] && [ "$recorded" != "$wanted" ]; then
    die "Kafka under $CLUSTER_HOME was formatted $recorded and cannot switch to $wanted: use another CLUSTER_HOME, or stop and delete $CLUSTER_HOME/kafka-data (its topics are lost)"
  fi
  echo "$wanted"
}

announce_mode() {
  if [ "$mode" = sasl_ssl ]; then
    say "Kafka security: SASL_SSL, SCRAM-SHA-512 logins, ACLs (users ecg-job, ecg-producer, ecg-reader; admin for this script)"
  else
    say "Kafka security: PLAINTEXT, no logins, no ACLs (the laptop default, for made-up patients only; SECURED=1 on a new CLUSTER_HOME for SASL_SSL + SCRAM + ACLs)"
  fi
}

# The CA, the broker's certificate and every user's password, for a Kafka about to be formatted.
# The CA's key signs the broker's certificate and is deleted; clients get ca/ca.p12, which holds
# the CA's certificate alone. Passwords reach keytool through files, never its command line.
make_secrets() {
  command -v keytool >/dev/null || die "SECURED=1 needs the JDK's keytool on the PATH"
  case $security in *[\'\"\\]*) die "SECURED=1 needs a CLUSTER_HOME without quotes or backslashes: $CLUSTER_HOME" ;; esac
  rm -rf "$security"
  (
    umask 077
    mkdir -p "$security/ca" "$security/broker" "$security/users"
    cd "$security"
    random_password >ca/ca-key.password; random_password >ca/ca.password; random_password >broker/broker.password
    kt=(keytool -noprompt -storetype PKCS12); san=san=dns:localhost
    "${kt[@]}" -genkeypair -alias ca -dname CN=ecg-local-ca -keyalg RSA -keysize 3072 -validity 825 -ext bc:c \
      -keystore ca/ca-key.p12 -storepass:file ca/ca-key.password
    "${kt[@]}" -exportcert -rfc -alias ca -keystore ca/ca-key.p12 -storepass:file ca/ca-key.password -file ca/ca.crt
    "${kt[@]}" -importcert -alias ca -file ca/ca.crt -keystore ca/ca.p12 -storepass:file ca/ca.password
    "${kt[@]}" -genkeypair -alias broker -dname CN=ecg-broker -keyalg RSA -keysize 3072 -validity 825 -ext "$san" \
      -keystore broker/broker.p12 -storepass:file broker/broker.password
    "${kt[@]}" -certreq -alias broker -keystore broker/broker.p12 -storepass:file broker/broker.password -file broker/broker.csr
    "${kt[@]}" -gencert -alias ca -keystore ca/ca-key.p12 -storepass:file ca/ca-key.password -rfc -validity 825 \
      -infile broker/broker.csr -outfile broker/broker.crt -ext "$san" -ext ku:c=digitalSignature,keyEncipherment \
      -ext eku=serverAuth,clientAuth
    "${kt[@]}" -importcert -alias ca -file ca/ca.crt -keystore broker/broker.p12 -storepass:file broker/broker.password
    "${kt[@]}" -importcert -alias broker -file broker/broker.crt -keystore broker/broker.p12 -storepass:file broker/broker.password
    rm ca/ca-key.p12 ca/ca-key.password broker/broker.csr
    for user in admin ecg-job ecg-producer ecg-reader; do
      mkdir -p "users/$user"
      pw=$(random_password)
      printf '%s' "$pw" >"users/$user/password"
      jaas "$user" "$pw" >"users/$user/sasl.jaas.config"
      cat >"users/$user/client.properties" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$(jaas "$user" "$pw")
ssl.truststore.type=PKCS12
ssl.truststore.location=$security/ca/ca.p12
ssl.truststore.password=$(cat ca/ca.password)
EOF
      # The same settings as the replay and tail tools' --kafka options, one quoted pair a line.
      sed "s/.*/--kafka '&'/" "users/$user/client.properties" >"users/$user/client.args"
    done
  ) >"$logs/keytool.out" 2>&1 || die "could not make the certificates; see $logs/keytool.out"
  say "made a CA, the broker's certificate and random passwords for admin, ecg-job, ecg-producer, ecg-reader under $security"
}

# Runs one of Kafka's command-line tools against the broker (as admin when secured).
kafka_tool() {
  local main=$1; shift
  local client=()
  [ "$mode" = plaintext ] || client=(--command-config "$security/users/admin/client.properties")
  java -Dlog4j2.configurationFile="file:$conf/log4j.properties" -Dlog.file="$logs/kafka-tools.log" \
    -cp "$kafka_libs/*" "$main" --bootstrap-server "localhost:$KAFKA_PORT" ${client[@]+"${client[@]}"} "$@"
}

# The ACLs of deploy/k8s/kafka-users.yaml (DeployFilesSecurityTest holds both to the same set).
grant_acls() {
  local add=(org.apache.kafka.tools.AclCommand --add)
  kafka_tool "${add[@]}" --allow-principal User:ecg-job --operation Read --operation Describe --topic ecg.samples
  kafka_tool "${add[@]}" --allow-principal User:ecg-job --operation Write --operation Describe --topic ecg.beat-scores --topic ecg.alerts --topic ecg.dead-letters
  kafka_tool "${add[@]}" --allow-principal User:ecg-job --operation Read --group ecg-anomaly-job
  kafka_tool "${add[@]}" --allow-principal User:ecg-job --operation Write --operation Describe --resource-pattern-type prefixed --transactional-id ecg-anomaly
  kafka_tool "${add[@]}" --allow-principal User:ecg-producer --operation Write --operation Describe --topic ecg.samples
  kafka_tool "${add[@]}" --allow-principal User:ecg-reader --operation Read --operation Describe --topic ecg.beat-scores --topic ecg.alerts
  kafka_tool "${add[@]}" --allow-principal User:ecg-reader --operation Read --resource-pattern-type prefixed --group ecg-tail-
}

start_kafka() {
  if [ ! -f "$CLUSTER_HOME/kafka-data/meta.properties" ]; then
    local id user scram=()
    id=$(java -cp "$kafka_libs/*" kafka.tools.StorageTool random-uuid)
    if [ "$mode" = sasl_ssl ]; then
      # SCRAM credentials live in the cluster's metadata: made with it, so that the very first
      # connection (the broker's own, as admin) can log in.
      for user in admin ecg-job ecg-producer ecg-reader; do
        scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(cat "$security/users/$user/password")]")
      done
    fi
    # Owner-only: when secured, the output lists the SCRAM records it writes.
    rm -f "$logs/kafka-storage.out"
    (umask 077; java -Dlog4j2.configurationFile="file:$conf/log4j.properties" -Dlog.file="$logs/kafka-storage.log" \
      -cp "$kafka_libs/*" kafka.tools.StorageTool format -t "$id" -c "$conf/kafka.properties" ${scram[@]+"${scram[@]}"} \
      >"$logs/kafka-storage.out")
    echo "$mode" >"$mode_file"
  fi
  launch kafka java -Xmx768m -Dlog4j2.configurationFile="file:$conf/log4j.properties" -Dlog.file="$logs/kafka.log" \
    -cp "$kafka_libs/*" kafka.Kafka "$conf/kafka.properties"
  wait_for "Kafka on port $KAFKA_PORT" 60 "$logs/kafka.log" port_open "$KAFKA_PORT"
  for t in $TOPICS; do
    # The samples topic records the broker's arrival time: the job checks device clocks against it.
    extra=()
    [ "$t" = ecg.samples ] && extra=(--config message.timestamp.type=LogAppendTime)
    kafka_tool org.apache.kafka.tools.TopicCommand \
      --create --if-not-exists --topic "$t" --partitions "$TOPIC_PARTITIONS" --replication-factor 1 "${extra[@]}" \
      >>"$logs/topics.out"
  done
  say "topics ready: $TOPICS ($TOPIC_PARTITIONS partitions each)"
  if [ "$mode" = sasl_ssl ]; then
    grant_acls >>"$logs/acls.out"
    say "ACLs granted to ecg-job, ecg-producer, ecg-reader; client settings for each in $security/users/NAME/client.properties"
  fi
}

# The job's Kafka secrets, for the Flink processes: the job's arguments name these variables
# (${env:NAME}) and the job reads them where its main() runs, so that no password travels in the
# submission or shows in Flink's web UI.
export_job_secrets() {
  [ "$mode" = sasl_ssl ] || return 0
  KAFKA_SASL_JAAS=$(cat "$security/users/ecg-job/sasl.jaas.config")
  KAFKA_TRUSTSTORE_PASSWORD=$(cat "$security/ca/ca.password")
  export KAFKA_SASL_JAAS KAFKA_TRUSTSTORE_PASSWORD
}

# Flink's own start scripts derive a process's JVM flags from config.yaml with BashJavaUtils:
# line 1 of its result is the JVM memory flags, line 2 the matching -D settings.
resource_params() {
  java -cp "$flink_lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$conf" 2>"$logs/bash-java-utils.err" |
    sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

start_jobmanager() {
  local params jvm dyn
  params=$(resource_params GET_JM_RESOURCE_PARAMS) || die "could not derive JobManager memory; see $logs/bash-java-utils.err"
  jvm=$(sed -n 1p <<<"$params"); dyn=$(sed -n 2p <<<"$params")
  # shellcheck disable=SC2086 # the flags are a list of words
  launch jobmanager java $jvm $flink_jvm_opts -Dlog.file="$logs/jobmanager.log" -Dlog4j.configurationFile="file:$conf/log4j.properties" \
    -cp "$flink_lib/*" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$conf" $dyn
  wait_for "JobManager REST on $rest" 90 "$logs/jobmanager.log" curl -sf "$rest/overview"
}

start_taskmanager() {
  local n=$1 params jvm dyn
  params=$(resource_params GET_TM_RESOURCE_PARAMS) || die "could not derive TaskManager memory; see $logs/bash-java-utils.err"
  jvm=$(sed -n 1p <<<"$params"); dyn=$(sed -n 2p <<<"$params")
  # One OpenMP thread per scorer: with the default (one per core) two scorers fight over the cores.
  # The Vector API module lets the scorer run its fused engine on it (see BENCHMARKS.md).
  # shellcheck disable=SC2086
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 launch "taskmanager-$n" java $jvm $flink_jvm_opts --add-modules jdk.incubator.vector \
    -Dlog.file="$logs/taskmanager-$n.log" -Dlog4j.configurationFile="file:$conf/log4j.properties" \
    -cp "$flink_lib/*" org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$conf" \
    -D "taskmanager.resource-id=taskmanager-$n" $dyn
}

registered_taskmanagers() {
  curl -sf "$rest/taskmanagers" | grep -o '"id":"[^"]*"' | wc -l
}

wait_taskmanagers() {
  local want=$1 end=$((SECONDS + 90))
  until [ "$(registered_taskmanagers)" -ge "$want" ]; do
    [ $SECONDS -lt $end ] || die "only $(registered_taskmanagers) of $want TaskManagers registered after 90s; see $logs/taskmanager-*.log"
    sleep 0.5
  done
  say "$want TaskManager(s) registered"
}

json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
json_escape() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }

cmd_start() {
  need_libs
  # A port already taken would let a readiness check pass on someone else's process.
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$FLINK_REST_PORT" "$FLINK_RPC_PORT"; do
    if port_open "$p"; then die "port $p is in use; choose others with KAFKA_PORT, KAFKA_CONTROLLER_PORT, FLINK_REST_PORT, FLINK_RPC_PORT"; fi
  done
  mode=$(kafka_mode)
  announce_mode
  mkdir -p "$logs"
  [ "$mode" = plaintext ] || [ -f "$CLUSTER_HOME/kafka-data/meta.properties" ] || make_secrets
  write_config
  start_kafka
  export_job_secrets
  start_jobmanager
  for n in $(seq 1 "$TASKMANAGERS"); do start_taskmanager "$n"; done
  wait_taskmanagers "$TASKMANAGERS"
  say "cluster up: Kafka localhost:$KAFKA_PORT ($mode), Flink UI $rest"
}

cmd_submit() {
  local parallelism=2 savepoint="" args=()
  mode=$(kafka_mode)
  while [ $# -gt 0 ]; do
    case $1 in
      --parallelism) parallelism=$2; shift 2 ;;
      --savepoint) savepoint=$2; shift 2 ;;
      --) shift; args=("$@"); break ;;
      *) die "submit: unknown option $1 (job options go after --)" ;;
    esac
  done
  [ -f "$JOB_JAR" ] || die "no job jar at $JOB_JAR; build it: mvn -B package -DskipTests"
  [ -f "$MODEL_FILE" ] || die "no model file at $MODEL_FILE"
  local upload jar_id list job
  upload=$(curl -sf -X POST -H "Expect:" -F "jarfile=@$JOB_JAR" "$rest/jars/upload") || die "jar upload to $rest failed"
  jar_id=$(json_field filename <<<"$upload"); jar_id=${jar_id##*/}
  [ -n "$jar_id" ] || die "jar upload answered: $upload"
  list=$(json_escape --bootstrap.servers),$(json_escape "localhost:$KAFKA_PORT"),$(json_escape --model.path),$(json_escape "$MODEL_FILE")
  if [ "$mode" = sasl_ssl ]; then
    # As ecg-job, naming its secrets only: export_job_secrets gave them to the JobManager.
    local k
    # shellcheck disable=SC2016 # ${env:...} is for the job to resolve, not the shell
    for k in --kafka.security.protocol SASL_SSL --kafka.sasl.mechanism SCRAM-SHA-512 \
        --kafka.sasl.jaas.config '${env:KAFKA_SASL_JAAS}' --kafka.ssl.truststore.type PKCS12 \
        --kafka.ssl.truststore.location "$security/ca/ca.p12" --kafka.ssl.truststore.password '${env:KAFKA_TRUSTSTORE_PASSWORD}'; do
      list+=,$(json_escape "$k")
    done
  fi
  for a in ${args[@]+"${args[@]}"}; do list+=,$(json_escape "$a"); done
  local body="{\"programArgsList\":[$list],\"parallelism\":$parallelism"
  [ -z "$savepoint" ] || body+=",\"savepointPath\":$(json_escape "$savepoint")"
  body+="}"
  # One request only: asking again to learn why it failed could start the job twice.
  local answer status
  answer=$(curl -s -w '\n%{http_code}' -X POST -H "Content-Type: application/json" -d "$body" "$rest/jars/$jar_id/run") || true
  status=${answer##*$'\n'}
  curl -sf -X DELETE "$rest/jars/$jar_id" >/dev/null || true
  job=$(json_field jobid <<<"${answer%$'\n'*}")
  [ "$status" = 200 ] && [ -n "$job" ] || die "job submission failed (HTTP $status): ${answer%$'\n'*}"
  echo "$job" >"$CLUSTER_HOME/job.id"
  say "job $job submitted (parallelism $parallelism${savepoint:+, from savepoint $savepoint})"
}

cmd_replay() {
  mode=$(kafka_mode)
  [ -f "$JOB_JAR" ] || die "no job jar at $JOB_JAR; build it: mvn -B package -DskipTests"
  # The job jar leaves logging to the cluster's classpath; outside a cluster it takes Flink's.
  local cp=$JOB_JAR j
  for j in "$flink_lib"/slf4j-api-*.jar "$flink_lib"/log4j-*.jar; do cp+=:$j; done
  # As ecg-producer when secured, its settings read from an owner-only file (picocli's @FILE)
  # rather than put on a command line that every local user can see.
  local client=()
  [ "$mode" = plaintext ] || client=("@$security/users/ecg-producer/client.args")
  # From the repository, so the replay finds the shipped ECG5000 archive by default.
  (cd "$repo" && java -cp "$cp" org.ecgstream.job.replay.ReplayTool --bootstrap-servers "localhost:$KAFKA_PORT" \
    ${client[@]+"${client[@]}"} "$@")
}

cmd_savepoint_stop() {
  local job=${1:-$(cat "$CLUSTER_HOME/job.id" 2>/dev/null)} trigger status end
  [ -n "$job" ] || die "no job id given and none recorded in $CLUSTER_HOME/job.id"
  trigger=$(curl -sf -X POST -H "Content-Type: application/json" -d '{"drain":false}' "$rest/jobs/$job/stop") ||
    die "could not stop job $job"
  trigger=$(json_field request-id <<<"$trigger")
  end=$((SECONDS + 120))
  while :; do
    status=$(curl -sf "$rest/jobs/$job/savepoints/$trigger")
    case $status in
      *'"id":"COMPLETED"'*) break ;;
    esac
    [ $SECONDS -lt $end ] || die "savepoint of job $job not complete after 120s: $status"
    sleep 0.5
  done
  local location
  location=$(json_field location <<<"$status")
  [ -n "$location" ] || die "savepoint of job $job failed: $status"
  echo "$location" >"$CLUSTER_HOME/savepoint.path"
  say "job $job stopped with savepoint $location"
}

# Resident memory now and at its peak, heap and native together (Linux /proc).
memory() {
  local rss hwm
  rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null)
  hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null)
  if [ -n "$rss" ]; then echo "resident $((rss / 1024)) MB, peak $((hwm / 1024)) MB"; else echo "memory unknown"; fi
}

cmd_status() {
  local name
  [ ! -f "$mode_file" ] || echo "kafka: $(cat "$mode_file")"
  for f in "$pids"/*.pid; do
    [ -e "$f" ] || { echo "nothing started under $CLUSTER_HOME"; return 0; }
    name=$(basename "$f" .pid)
    if pid_alive "$name"; then
      echo "$name: running (pid $(cat "$f"), $(memory "$(cat "$f")"))"
    else
      echo "$name: not running (pid $(cat "$f") gone)"
    fi
  done
  if curl -sf "$rest/overview" >/dev/null 2>&1; then
    printf '%s\n' "$(curl -sf "$rest/overview" | sed -n 's/.*"taskmanagers":\([0-9]*\).*"slots-total":\([0-9]*\).*"slots-available":\([0-9]*\).*/flink: \1 TaskManagers, \2 slots (\3 free)/p')"
    curl -sf "$rest/jobs/overview" | grep -o '"jid":"[^"]*","name":"[^"]*"[^}]*"state":"[^"]*"' |
      sed 's/"jid":"\([^"]*\)","name":"\([^"]*\)".*"state":"\([^"]*\)"/job \1 (\2): \3/'
  else
    echo "flink: REST $rest not answering"
  fi
}

stop_process() {
  local name=$1 pid
  [ -f "$pids/$name.pid" ] || return 0
  pid=$(cat "$pids/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; say "$name (pid $pid) killed after 20s"; else say "$name (pid $pid) stopped"; fi
  fi
  rm -f "$pids/$name.pid"
}

cmd_stop() {
  local tm
  for tm in "$pids"/taskmanager-*.pid; do [ -e "$tm" ] && stop_process "$(basename "$tm" .pid)"; done
  stop_process jobmanager
  stop_process kafka
}

cmd_kill_taskmanager() {
  local n=${1:?usage: kill-taskmanager N}
  pid_alive "taskmanager-$n" || die "taskmanager-$n is not running"
  kill -9 "$(cat "$pids/taskmanager-$n.pid")"
  say "taskmanager-$n (pid $(cat "$pids/taskmanager-$n.pid")) killed with SIGKILL"
  rm -f "$pids/taskmanager-$n.pid"
}

cmd_start_taskmanager() {
  local n=${1:?usage: start-taskmanager N}
  need_libs
  mode=$(kafka_mode)
  export_job_secrets
  start_taskmanager "$n"
}

command=${1:-}
[ $# -eq 0 ] || shift
case $command in
  start) cmd_start ;;
  submit) cmd_submit "$@" ;;
  replay) cmd_replay "$@" ;;
  status) cmd_status ;;
  savepoint-stop) cmd_savepoint_stop "$@" ;;
  kill-taskmanager) cmd_kill_taskmanager "$@" ;;
  start-taskmanager) cmd_start_taskmanager "$@" ;;
  stop) cmd_stop ;;
  *) sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; [ -z "$command" ] || [ "$command" = help ] || [ "$command" = --help ] || [ "$command" = -h ] || exit 2 ;;
esac
