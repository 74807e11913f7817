package org.ecgstream.job.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ecgstream.job.config.JobConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Kafka, before the job is submitted, whether the job's principal may do what the job will
 * do, and refuses with one line naming the principal and the missing right. Without it a wrong
 * password or a missing ACL shows up as a task failure minutes later, restarted until the restart
 * strategy gives up, with Kafka's message four causes deep.
 *
 * <p>A broker that does not answer is not a refusal: the job starts and its clients keep trying,
 * as they always did (compose starts the job beside a broker that is still coming up).
 */
public final class KafkaAccessCheck {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaAccessCheck.class);

  /** One right the job needs: {@code operation} on {@code resource}. */
  public record Need(ResourcePattern resource, AclOperation operation) {
    @Override
    public String toString() {
      String kind = resource.resourceType().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
      return capitalised(operation) + " on " + kind + " " + resource.name()
          + (resource.patternType() == PatternType.PREFIXED ? "*" : "");
    }
  }

  /** Refused: the message is the one line to show. */
  public static final class AccessDenied extends IllegalStateException {
    AccessDenied(String message) {
      super(message);
    }
  }

  private KafkaAccessCheck() {}

  /**
   * Everything the job does on Kafka, and nothing more: the least-privilege ACLs of its principal
   * (the deploy files grant the same).
   */
  public static List<Need> needs(JobConfig c) {
    List<Need> needs = new ArrayList<>();
    needs.add(new Need(topic(c.samplesTopic()), AclOperation.READ));
    for (String out : List.of(c.scoresTopic(), c.alertsTopic(), c.deadLettersTopic())) {
      needs.add(new Need(topic(out), AclOperation.WRITE));
    }
    needs.add(new Need(new ResourcePattern(ResourceType.GROUP, c.groupId(), PatternType.LITERAL), AclOperation.READ));
    if (c.exactlyOnce()) {
      needs.add(new Need(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, c.transactionalIdPrefix(),
          PatternType.PREFIXED), AclOperation.WRITE));
    }
    return needs;
  }

  /**
   * Checks {@link #needs}; throws {@link AccessDenied} with one line when Kafka refuses one (a
   * password, a certificate, a right). A broker that cannot be reached or named yet is not a
   * refusal: it is logged and the job starts, its clients retrying as they always do. Any other
   * failure of the check is an {@link IllegalStateException} with Kafka's message.
   */
  public static void verify(JobConfig c, Duration timeout) {
    Properties client = c.kafkaProperties();
    client.setProperty("bootstrap.servers", c.bootstrapServers());
    client.setProperty("default.api.timeout.ms", String.valueOf(timeout.toMillis()));
    client.setProperty("request.timeout.ms", String.valueOf(timeout.toMillis()));
    String who = KafkaFailures.principal(client).orElse("this client's principal");
    try (Admin admin = Admin.create(client)) {
      admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      for (Need need : needs(c)) {
        switch (need.resource().resourceType()) {
          case TOPIC -> checkTopic(admin, need, who, client, timeout);
          case GROUP -> checkGroup(admin, need, who, client, timeout);
          default -> checkTransactions(client, need, who, timeout);
        }
      }
    } catch (TimeoutException e) {
      notChecked(c, "Kafka did not answer within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      refusedOrFailed(e.getCause(), c, client);
    } catch (KafkaException e) {
      // Admin.create resolves the bootstrap names at once: a name not resolvable yet (a Service or
      // container still starting) arrives here as a configuration error.
      refusedOrFailed(e, c, client);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking the job's Kafka rights", e);
    }
  }

  private static void refusedOrFailed(Throwable cause, JobConfig c, Properties client) {
    if (cause instanceof AccessDenied denied) {
      throw denied;
    }
    Optional<String> refusal = KafkaFailures.explain(cause, client);
    if (refusal.isPresent()) {
      throw new AccessDenied(refusal.get());
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      // A bootstrap name that does not resolve yet is a broker not up yet; other configuration
      // errors stop the job here, as its clients would fail on them anyway.
      boolean unresolved = t instanceof ConfigException && String.valueOf(t.getMessage()).contains("resolvable bootstrap");
      if (t instanceof org.apache.kafka.common.errors.TimeoutException || unresolved) {
        notChecked(c, t.getMessage());
        return;
      }
    }
    throw new IllegalStateException("cannot check the job's Kafka rights: " + cause.getMessage(), cause);
  }

  private static void notChecked(JobConfig c, String why) {
    LOG.warn("Could not check the job's Kafka rights at {}: {}; the job starts and its clients keep trying",
        c.bootstrapServers(), why);
  }

  private static void checkTopic(Admin admin, Need need, String who, Properties client, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    String name = need.resource().name();
    TopicDescription d;
    try {
      d = admin.describeTopics(List.of(name), new DescribeTopicsOptions().includeAuthorizedOperations(true))
          .topicNameValues().get(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        // Visible to us but missing: the job's own clients report it; rights cannot be read off
        // a topic that does not exist.
        LOG.warn("Topic {} does not exist yet", name);
        return;
      }
      if (e.getCause() instanceof TopicAuthorizationException) {
        throw denied(need, who, client, Set.of());
      }
      throw e;
    }
    Set<AclOperation> allowed = d.authorizedOperations();
    if (allowed != null && !allowed.contains(need.operation()) && !allowed.contains(AclOperation.ALL)) {
      throw denied(need, who, client, allowed);
    }
  }

  private static void checkGroup(Admin admin, Need need, String who, Properties client, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    String group = need.resource().name();
    ConsumerGroupDescription d;
    try {
      d = admin.describeConsumerGroups(List.of(group), new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
          .describedGroups().get(group).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupAuthorizationException) {
        throw denied(need, who, client, Set.of());
      }
      if (e.getCause() instanceof GroupIdNotFoundException) {
        // A first start: Kafka tells a missing group only to a principal that may describe it,
        // which any Read grant implies; a Describe-only grant would surface at the first commit.
        return;
      }
      throw e;
    }
    Set<AclOperation> allowed = d.authorizedOperations();
    if (allowed != null && !allowed.isEmpty() && !allowed.contains(need.operation())
        && !allowed.contains(AclOperation.ALL)) {
      throw denied(need, who, client, allowed);
    }
  }

  /**
   * Kafka has no call that lists a principal's rights on transactional ids, so a producer with an
   * id under the prefix starts a transaction session (and ends it): the same request the job's
   * sinks make first.
   */
  private static void checkTransactions(Properties client, Need need, String who, Duration timeout) {
    Properties p = new Properties();
    p.putAll(client);
    p.setProperty("transactional.id", need.resource().name() + "-access-check");
    p.setProperty("max.block.ms", String.valueOf(timeout.toMillis()));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
        new ByteArraySerializer())) {
      producer.initTransactions();
    } catch (org.apache.kafka.common.errors.TransactionalIdAuthorizationException e) {
      throw denied(need, who, client, Set.of());
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      LOG.warn("Could not check the job's transactional ids: {}", e.getMessage());
    }
  }

  private static AccessDenied denied(Need need, String who, Properties client, Set<AclOperation> allowed) {
    List<String> has = allowed.stream().map(KafkaAccessCheck::capitalised).sorted().toList();
    String line = "Kafka denies " + who + " " + need + (has.isEmpty() ? "" : " (it may: " + String.join(", ", has) + ")");
    // The grant is spelt out only where the principal is known for certain (a SASL user name).
    return new AccessDenied(KafkaFailures.principal(client).map(p -> line + "; an administrator grants it with "
        + "kafka-acls --add --allow-principal " + p + " --operation " + capitalised(need.operation()) + " "
        + aclTarget(need.resource())).orElse(line + "; an administrator must grant it"));
  }

  private static String aclTarget(ResourcePattern r) {
    String flag = switch (r.resourceType()) {
      case TOPIC -> "--topic ";
      case GROUP -> "--group ";
      case TRANSACTIONAL_ID -> "--transactional-id ";
      default -> "--" + r.resourceType().name().toLowerCase(java.util.Locale.ROOT) + " ";
    };
    return flag + r.name() + (r.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
  }

  private static ResourcePattern topic(String name) {
    return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
  }

  private static String capitalised(AclOperation op) {
    String s = op.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
