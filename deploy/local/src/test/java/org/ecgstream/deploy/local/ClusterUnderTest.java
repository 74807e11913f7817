package org.ecgstream.deploy.local;

import java.nio.file.Path;
import java.util.List;

/**
 * A Kafka + Flink cluster that runs the job jar, as the failover scenario needs it: processes on
 * this machine ({@link LocalClusterFailoverITCase}) or containers ({@link ContainerisedClusterFailoverITCase}).
 */
interface ClusterUnderTest {
  /** Kafka as the test JVM reaches it. */
  String bootstrapServers();

  FlinkRest rest();

  /** A folder the replay can read archives from. */
  Path workDir();

  /** Submits the job jar (from a savepoint when one is given) and returns the job id. */
  String submit(String savepointOrNull);

  /** Starts a replay of {@code args} (the replay tool's options, without the broker). */
  Replay replay(String... args);

  void killTaskManager(int n);

  void startTaskManager(int n);

  /** Ports on this machine where the cluster's processes may serve Prometheus metrics; empty when it has none. */
  List<Integer> metricsPorts();

  /** Stops the job with a savepoint and returns its path. */
  String stopWithSavepoint(String jobId);

  /** A replay in progress. */
  interface Replay {
    boolean isAlive();

    /** Waits for the replay to end; fails if it did not succeed. */
    void await();
  }
}
