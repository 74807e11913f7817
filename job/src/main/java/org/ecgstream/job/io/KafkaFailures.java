package org.ecgstream.job.io;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * One line that says what Kafka refused and what to change, from a client's exception. Kafka's own
 * messages name neither the principal ("Authentication failed ... invalid credentials") nor the
 * truststore, and a TLS failure arrives four causes deep; an operator at 3 a.m. needs both.
 */
public final class KafkaFailures {
  private static final Pattern JAAS_USER = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

  private KafkaFailures() {}

  /**
   * The principal these client settings authenticate as, as Kafka names it, where the settings
   * alone tell it: the SASL user name in {@code sasl.jaas.config} (PLAIN and SCRAM), or
   * User:ANONYMOUS for a client that does not authenticate. Empty otherwise (a JAAS file, OAUTH,
   * Kerberos, a client certificate: the broker's mapping decides the name).
   */
  public static Optional<String> principal(Map<?, ?> client) {
    Object configured = client.get("security.protocol");
    String protocol = configured == null ? "PLAINTEXT" : configured.toString().toUpperCase(java.util.Locale.ROOT);
    if (protocol.startsWith("SASL")) {
      Object jaas = client.get("sasl.jaas.config");
      Object mechanism = client.get("sasl.mechanism");
      String m = mechanism == null ? "GSSAPI" : mechanism.toString().toUpperCase(java.util.Locale.ROOT);
      if (jaas != null && (m.equals("PLAIN") || m.startsWith("SCRAM-"))) {
        Matcher user = JAAS_USER.matcher(jaas.toString());
        if (user.find()) {
          return Optional.of("User:" + user.group(1));
        }
      }
      return Optional.empty();
    }
    return protocol.equals("SSL") ? Optional.empty() : Optional.of("User:ANONYMOUS");
  }

  /**
   * What went wrong, in one line, when {@code failure} (or one of its causes) is an authentication
   * or authorization failure; empty otherwise (the caller keeps Kafka's own message).
   */
  public static Optional<String> explain(Throwable failure, Map<?, ?> client) {
    String who = principal(client).orElse("this client's principal");
    String where = String.valueOf(client.get("bootstrap.servers"));
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SslAuthenticationException) {
        return Optional.of("TLS handshake with Kafka at " + where + " failed: " + tlsReason(t, client));
      }
      if (t instanceof SaslAuthenticationException) {
        Object mechanism = client.get("sasl.mechanism");
        return Optional.of("Kafka at " + where + " refused the credentials of " + who
            + (mechanism == null ? "" : " (" + mechanism + ")") + ": check the user name and password in sasl.jaas.config");
      }
      if (t instanceof AuthenticationException) {
        return Optional.of("Kafka at " + where + " did not authenticate " + who + ": " + t.getMessage());
      }
      if (t instanceof TopicAuthorizationException e && !e.unauthorizedTopics().isEmpty()) {
        return Optional.of("Kafka denies " + who + " access to topic " + String.join(", ", e.unauthorizedTopics())
            + ": an administrator must grant it (see the ACLs in the README)");
      }
      if (t instanceof GroupAuthorizationException e && e.groupId() != null) {
        return Optional.of("Kafka denies " + who + " the consumer group " + e.groupId()
            + ": an administrator must grant Read on it");
      }
      if (t instanceof TopicAuthorizationException || t instanceof GroupAuthorizationException
          || t instanceof TransactionalIdAuthorizationException || t instanceof ClusterAuthorizationException) {
        return Optional.of("Kafka denies " + who + ": " + t.getMessage());
      }
    }
    return Optional.empty();
  }

  /** {@link #explain} or the failure's own message. */
  public static String describe(Throwable failure, Map<?, ?> client) {
    return explain(failure, client).orElseGet(() -> String.valueOf(failure.getMessage()));
  }

  private static String tlsReason(Throwable ssl, Map<?, ?> client) {
    Object truststore = client.get("ssl.truststore.location");
    String trusted = truststore == null ? "the JVM's default truststore (ssl.truststore.location is not set)"
        : "the truststore " + truststore;
    for (Throwable t = ssl; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException) {
        return "the broker's certificate has expired (" + t.getMessage() + "); the broker needs a new one";
      }
      if (t instanceof CertificateNotYetValidException) {
        return "the broker's certificate is not valid yet (" + t.getMessage() + "); check the clocks";
      }
    }
    String all = chain(ssl);
    if (all.contains("unable to find valid certification path") || all.contains("PKIX path building failed")) {
      return "the broker's certificate is not signed by a certificate authority in " + trusted;
    }
    if (all.contains("No subject alternative") || all.contains("No name matching")) {
      return "the broker's certificate does not name the host in bootstrap.servers";
    }
    return rootMessage(ssl);
  }

  private static String chain(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append(" | ");
    }
    return b.toString();
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
