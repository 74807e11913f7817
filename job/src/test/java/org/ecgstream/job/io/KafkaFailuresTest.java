package org.ecgstream.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/**
 * The one-line explanations, on the exception chains Kafka's clients produce (the secured broker
 * test shows them on real ones; these pin the wording and the cause-walking).
 */
class KafkaFailuresTest {
  private static final Map<String, String> SCRAM = Map.of("bootstrap.servers", "kafka:9093",
      "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
      "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"ecg-job\" "
          + "password=\"s3cret\";",
      "ssl.truststore.location", "/etc/kafka-ca/ca.p12");

  @Test
  void principalIsKnownOnlyWhereTheSettingsTellIt() {
    assertThat(KafkaFailures.principal(SCRAM)).contains("User:ecg-job");
    assertThat(KafkaFailures.principal(Map.of("security.protocol", "sasl_ssl", "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", "x required username=\"pump\" password=\"p\";"))).contains("User:pump");
    assertThat(KafkaFailures.principal(Map.of())).contains("User:ANONYMOUS");
    // The broker's mapping names these: a client certificate, Kerberos, a JAAS file, OAUTH.
    assertThat(KafkaFailures.principal(Map.of("security.protocol", "SSL", "ssl.keystore.location", "/k.p12"))).isEmpty();
    assertThat(KafkaFailures.principal(Map.of("security.protocol", "SASL_SSL"))).isEmpty();
    assertThat(KafkaFailures.principal(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "OAUTHBEARER",
        "sasl.jaas.config", "x required username=\"a\";"))).isEmpty();
  }

  @Test
  void aRefusedPasswordNamesThePrincipalAndNeverThePassword() {
    String line = KafkaFailures.explain(new KafkaException("wrapped", new SaslAuthenticationException(
        "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512")),
        SCRAM).orElseThrow();
    assertThat(line).isEqualTo("Kafka at kafka:9093 refused the credentials of User:ecg-job (SCRAM-SHA-512): "
        + "check the user name and password in sasl.jaas.config").doesNotContain("s3cret");
  }

  @Test
  void tlsFailuresAreFoundDeepInTheChain() {
    SslAuthenticationException expired = new SslAuthenticationException("SSL handshake failed",
        new SSLHandshakeException("PKIX path validation failed"));
    expired.getCause().initCause(new CertPathValidatorException("validity check failed",
        new CertificateExpiredException("NotAfter: Sun Dec 06 22:00:00 UTC 2026")));
    assertThat(KafkaFailures.explain(expired, SCRAM)).contains("TLS handshake with Kafka at kafka:9093 failed: the "
        + "broker's certificate has expired (NotAfter: Sun Dec 06 22:00:00 UTC 2026); the broker needs a new one");

    SslAuthenticationException untrusted = new SslAuthenticationException("SSL handshake failed",
        new SSLHandshakeException("PKIX path building failed: unable to find valid certification path to requested target"));
    assertThat(KafkaFailures.explain(untrusted, SCRAM)).contains("TLS handshake with Kafka at kafka:9093 failed: the "
        + "broker's certificate is not signed by a certificate authority in the truststore /etc/kafka-ca/ca.p12");
    assertThat(KafkaFailures.explain(untrusted, Map.of("bootstrap.servers", "kafka:9093"))).hasValueSatisfying(
        s -> assertThat(s).endsWith("the JVM's default truststore (ssl.truststore.location is not set)"));
  }

  @Test
  void authorizationFailuresNameTheTopicOrGroup() {
    assertThat(KafkaFailures.explain(new TopicAuthorizationException(Set.of("ecg.samples")), SCRAM))
        .contains("Kafka denies User:ecg-job access to topic ecg.samples: an administrator must grant it "
            + "(see the ACLs in the README)");
    assertThat(KafkaFailures.explain(new GroupAuthorizationException("no", "ecg-anomaly-job"), SCRAM))
        .contains("Kafka denies User:ecg-job the consumer group ecg-anomaly-job: an administrator must grant Read on it");
  }

  @Test
  void authorizationFailuresWithoutANameKeepKafkasMessage() {
    assertThat(KafkaFailures.explain(new TopicAuthorizationException("Not authorized"), SCRAM))
        .contains("Kafka denies User:ecg-job: Not authorized");
    assertThat(KafkaFailures.explain(new SaslAuthenticationException("bad"), Map.of("bootstrap.servers", "k:1",
        "security.protocol", "SASL_SSL"))).contains("Kafka at k:1 refused the credentials of this client's principal: "
        + "check the user name and password in sasl.jaas.config");
  }

  @Test
  void otherFailuresKeepKafkasOwnMessage() {
    KafkaException other = new KafkaException("Failed to construct kafka producer");
    assertThat(KafkaFailures.explain(other, SCRAM)).isEmpty();
    assertThat(KafkaFailures.describe(other, SCRAM)).isEqualTo("Failed to construct kafka producer");
  }
}
