package org.ecgstream.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PrometheusScrapeTest {
  private static final Path DASHBOARD = Path.of("..", "grafana", "ecg-anomaly-stream.json");
  private static final String SCRAPE = String.join("\n",
      "# HELP flink_jobmanager_job_lastCheckpointDuration lastCheckpointDuration (scope: jobmanager_job)",
      "flink_jobmanager_job_lastCheckpointDuration{job_name=\"j\"} 41.0",
      "flink_taskmanager_job_task_operator_beatsScored{job_name=\"j\",subtask_index=\"0\"} 60.0",
      "flink_taskmanager_job_task_operator_beatsScored{job_name=\"j\",subtask_index=\"1\"} 60.0",
      "flink_taskmanager_job_task_operator_anomalies{job_name=\"j\"} 3.0",
      "flink_taskmanager_job_task_operator_alertsOpened{job_name=\"j\"} 1.0",
      "flink_taskmanager_job_task_operator_alertsClosed{job_name=\"j\"} 1.0",
      "flink_taskmanager_job_task_operator_scoringLatencyMs{job_name=\"j\",quantile=\"0.5\"} 12.0",
      "flink_taskmanager_job_task_operator_scoringLatencyMs{job_name=\"j\",quantile=\"0.99\"} 80.0",
      "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max{job_name=\"j\"} 0.0",
      "flink_taskmanager_job_task_operator_deadLetters{job_name=\"j\"} 1.0",
      "flink_taskmanager_job_task_operator_framesIn{job_name=\"j\"} 480.0");

  @Test
  void shouldSumEveryLabelSetOfAMetric() {
    assertThat(PrometheusScrape.sum(SCRAPE, "flink_taskmanager_job_task_operator_beatsScored")).isEqualTo(120);
    assertThat(PrometheusScrape.sum(SCRAPE, "flink_taskmanager_job_task_operator_nothing")).isZero();
  }

  @Test
  void shouldFindEveryDashboardMetricInAScrapeThatHasThemAndNameTheOnesMissing() throws Exception {
    assertThat(PrometheusScrape.missingFromDashboard(DASHBOARD, SCRAPE)).isEmpty();
    String withoutLag = SCRAPE.replaceAll("(?m)^.*records_lag_max.*$", "");
    assertThat(PrometheusScrape.missingFromDashboard(DASHBOARD, withoutLag))
        .containsExactly("flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max");
    String withoutP99 = SCRAPE.replace("quantile=\"0.99\"", "quantile=\"0.98\"");
    assertThat(PrometheusScrape.missingFromDashboard(DASHBOARD, withoutP99))
        .containsExactly("flink_taskmanager_job_task_operator_scoringLatencyMs{quantile=\"0.99\"}");
  }
}
