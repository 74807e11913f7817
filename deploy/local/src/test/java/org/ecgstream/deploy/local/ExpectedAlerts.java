package org.ecgstream.deploy.local;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.functions.AlertDebouncer;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.BeatScore;

/**
 * The alerts a failure-free run gives for a set of scores: the job's own debouncer, with the job's
 * default rule, fed each source's scores in beat order.
 */
final class ExpectedAlerts {
  private ExpectedAlerts() {}

  static Map<String, List<Alert>> of(List<BeatScore> scores) throws Exception {
    JobConfig c = JobConfig.fromMap(Map.of(), k -> null);
    AlertDebouncer debouncer = new AlertDebouncer(c.alertK(), c.alertM(), c.alertCloseAfter(), c.alertUpdateEvery(), c.stateTtl());
    try (KeyedOneInputStreamOperatorTestHarness<String, BeatScore, Alert> h =
             ProcessFunctionTestHarnesses.forKeyedProcessFunction(debouncer, BeatScore::getSourceId, Types.STRING)) {
      for (BeatScore s : scores.stream().sorted(Comparator.comparing(BeatScore::getSourceId)
          .thenComparingLong(BeatScore::getFirstSequence)).toList()) {
        h.processElement(s, s.getEndTimeMillis());
      }
      return bySource(h.extractOutputValues());
    }
  }

  /** Alerts per source, in the order of the beats that caused them. */
  static Map<String, List<Alert>> bySource(List<Alert> alerts) {
    return alerts.stream().sorted(Comparator.comparingLong(Alert::getLastSequence))
        .collect(Collectors.groupingBy(Alert::getSourceId, TreeMap::new, Collectors.toList()));
  }
}
