package org.ecgstream.playground.it;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Keeps the name and scope variables of every metric a MiniCluster registers, as a reporter such
 * as Prometheus's would see them, so a test can check what leaves the process through metrics.
 * Configured by {@code metrics.reporter.<name>.factory.class}; found through the service file.
 */
public final class RecordingMetricReporter implements MetricReporter {
  /** Every identifier and scope variable value seen, across the JVM's MiniClusters. */
  static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    SEEN.add(group.getMetricIdentifier(name));
    group.getAllVariables().forEach((k, v) -> SEEN.add(k + "=" + v));
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

  /** The factory Flink instantiates. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new RecordingMetricReporter();
    }
  }
}
