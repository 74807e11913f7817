package org.ecgstream.playground.secured;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.ecgstream.job.io.KafkaAccessCheck;
import org.ecgstream.playground.embedded.EmbeddedKafka;

/**
 * The in-JVM broker as a hospital would run it: clients connect over TLS (a certificate authority
 * made at start) and authenticate with SCRAM-SHA-512; the standard authorizer lets each principal
 * do what its ACLs grant and nothing else.
 *
 * <p>Listeners: SECURE (SASL_SSL, a valid certificate) is the one clients get; EXPIRED (SASL_SSL,
 * a certificate that expired yesterday) exists to show what clients say about it. The test kit's
 * own listeners (the broker's link to itself and to its controller) stay plaintext on localhost
 * and their anonymous principal is the super user; this class creates users, topics and ACLs
 * through them, as an administrator on the broker's host would.
 */
public final class SecuredKafka implements AutoCloseable {
  public static final String MECHANISM = "SCRAM-SHA-512";
  private final EmbeddedKafka kafka;
  private final LocalCertificates certificates;

  private SecuredKafka(EmbeddedKafka kafka, LocalCertificates certificates) {
    this.kafka = kafka;
    this.certificates = certificates;
  }

  /** A secured broker whose certificates are written under {@code dir}. */
  public static SecuredKafka start(Path dir) {
    LocalCertificates certs = LocalCertificates.create(dir, "ECG stream local CA");
    Map<String, String> p = new LinkedHashMap<>();
    p.put("listeners", "EXTERNAL://localhost:0,CONTROLLER://localhost:0,SECURE://localhost:0,EXPIRED://localhost:0");
    p.put("listener.security.protocol.map", "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SECURE:SASL_SSL,EXPIRED:SASL_SSL");
    p.put("sasl.enabled.mechanisms", MECHANISM);
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:ANONYMOUS");
    p.put("allow.everyone.if.no.acl.found", "false");
    secureListener(p, "secure", certs.brokerKeystore(), certs.password());
    secureListener(p, "expired", certs.expiredBrokerKeystore(), certs.password());
    return new SecuredKafka(EmbeddedKafka.start(p), certs);
  }

  private static void secureListener(Map<String, String> p, String name, Path keystore, String password) {
    String prefix = "listener.name." + name + ".";
    p.put(prefix + "sasl.enabled.mechanisms", MECHANISM);
    p.put(prefix + "scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    p.put(prefix + "ssl.keystore.type", "PKCS12");
    p.put(prefix + "ssl.keystore.location", keystore.toString());
    p.put(prefix + "ssl.keystore.password", password);
    p.put(prefix + "ssl.key.password", password);
  }

  /** Where authenticated clients connect. */
  public String bootstrapServers() {
    return "localhost:" + kafka.boundPort("SECURE");
  }

  /** A listener whose certificate expired yesterday. */
  public String expiredCertificateBootstrap() {
    return "localhost:" + kafka.boundPort("EXPIRED");
  }

  public LocalCertificates certificates() {
    return certificates;
  }

  /** The administrator's plaintext way in, on localhost (topics, users, ACLs). */
  public EmbeddedKafka admin() {
    return kafka;
  }

  /**
   * The Kafka client settings of {@code user}: TLS trusting this broker's authority, SCRAM with
   * {@code password}. No bootstrap.servers.
   */
  public Map<String, String> clientSettings(String user, String password) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("security.protocol", "SASL_SSL");
    c.put("sasl.mechanism", MECHANISM);
    c.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user + "\" password=\"" + password + "\";");
    c.put("ssl.truststore.type", "PKCS12");
    c.put("ssl.truststore.location", certificates.truststore().toString());
    c.put("ssl.truststore.password", certificates.password());
    return c;
  }

  /** {@link #clientSettings} with bootstrap.servers, as Properties. */
  public Properties clientProperties(String user, String password) {
    Properties p = new Properties();
    p.putAll(clientSettings(user, password));
    p.setProperty("bootstrap.servers", bootstrapServers());
    return p;
  }

  /**
   * Creates {@code user} with a random password and returns it, once the broker accepts it (the
   * credential reaches the broker through the metadata log, a moment after the controller took it).
   */
  public String addUser(String user) {
    String password = LocalCertificates.randomSecret();
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create user " + user + ": " + e.getMessage(), e);
    }
    Properties p = clientProperties(user, password);
    p.setProperty("default.api.timeout.ms", "5000");
    p.setProperty("request.timeout.ms", "5000");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Admin asUser = Admin.create(p)) {
        asUser.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
        return password;
      } catch (Exception e) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException("user " + user + " still cannot log in after 30 s: " + e.getMessage(), e);
        }
        sleep(100);
      }
    }
  }

  /** Deletes {@code user}'s credential: it can no longer log in (connections already open stay). */
  public void removeUser(String user) {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_512)))
          .all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot remove user " + user + ": " + e.getMessage(), e);
    }
  }

  /** Allows {@code user} exactly these rights, and waits until the broker's authorizer has them. */
  public void grant(String user, Collection<KafkaAccessCheck.Need> needs) {
    changeAcls(user, needs, true);
  }

  /** Withdraws these rights of {@code user}, and waits until the broker's authorizer no longer has them. */
  public void revoke(String user, Collection<KafkaAccessCheck.Need> needs) {
    changeAcls(user, needs, false);
  }

  /**
   * Creates or deletes the ALLOW bindings of {@code needs} for {@code user}, then waits until the
   * broker shows the change: ACLs reach the authorizer through the metadata log, a moment later.
   */
  private void changeAcls(String user, Collection<KafkaAccessCheck.Need> needs, boolean allow) {
    List<AclBinding> acls = needs.stream().map(n -> new AclBinding(n.resource(),
        new AccessControlEntry("User:" + user, "*", n.operation(), AclPermissionType.ALLOW))).toList();
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      if (allow) {
        admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
      } else {
        admin.deleteAcls(acls.stream().map(AclBinding::toFilter).toList()).all().get(30, TimeUnit.SECONDS);
      }
      AclBindingFilter mine = new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
          "User:" + user, null, AclOperation.ANY, AclPermissionType.ANY));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        var shown = admin.describeAcls(mine).values().get(30, TimeUnit.SECONDS);
        if (allow ? shown.containsAll(acls) : shown.stream().noneMatch(acls::contains)) {
          return;
        }
        if (System.nanoTime() > end) {
          throw new IllegalStateException("the broker does not show the " + (allow ? "granted" : "revoked")
              + " ACLs of " + user + " after 30 s");
        }
        sleep(50);
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot " + (allow ? "grant " : "revoke ") + needs + " of " + user + ": "
          + e.getMessage(), e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    kafka.close();
  }
}
