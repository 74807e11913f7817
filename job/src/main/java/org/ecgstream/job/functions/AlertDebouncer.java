package org.ecgstream.job.functions;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.ecgstream.job.records.AlertEpisode;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;

/**
 * Turns per-beat verdicts into alert episodes per source: an episode opens when {@code k} of the
 * last {@code m} beats are anomalous, is updated every {@code updateEvery} anomalous beats or when
 * the peak loss rises (never once per beat), and closes after {@code closeAfter} normal beats in
 * a row. A source silent for the state TTL (wall clock) has its episode closed and state cleared.
 */
public class AlertDebouncer extends KeyedProcessFunction<String, BeatScore, Alert> {
  private final int k;
  private final int m;
  private final int closeAfter;
  private final int updateEvery;
  private final long ttlMs;

  private transient ValueState<AlertEpisode> state;
  private transient SilenceTimer silence;
  private transient Counter opened;
  private transient Counter closed;

  public AlertDebouncer(int k, int m, int closeAfter, int updateEvery, Duration ttl) {
    this.k = k;
    this.m = m;
    this.closeAfter = closeAfter;
    this.updateEvery = updateEvery;
    this.ttlMs = ttl.toMillis();
  }

  @Override
  public void open(OpenContext ctx) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("episode", AlertEpisode.class));
    silence = new SilenceTimer(getRuntimeContext(), "idleTimer", ttlMs);
    opened = getRuntimeContext().getMetricGroup().counter("alertsOpened");
    closed = getRuntimeContext().getMetricGroup().counter("alertsClosed");
  }

  @Override
  public void processElement(BeatScore s, Context ctx, Collector<Alert> out) throws Exception {
    AlertEpisode e = state.value();
    if (e == null) {
      if (!s.getAnomalous()) {
        // Nothing to remember: a normal beat with no history changes nothing.
        return;
      }
      e = new AlertEpisode();
    }
    e.recent = ((e.recent << 1) | (s.getAnomalous() ? 1 : 0)) & ((1 << m) - 1);
    e.seen = Math.min(m, e.seen + 1);
    e.lastSequence = s.getLastSequence();
    e.threshold = s.getThreshold();
    e.modelVersion = s.getModelVersion();
    int recentAnomalies = Integer.bitCount(e.recent);
    if (!e.open) {
      if (recentAnomalies >= k) {
        e.open = true;
        e.alertId = s.getSourceId() + "/" + s.getFirstSequence();
        e.openedAtMillis = s.getEndTimeMillis();
        e.firstSequence = s.getFirstSequence();
        // The episode includes the recent beats that opened it.
        e.beats = e.seen;
        e.anomalousBeats = recentAnomalies;
        e.peakLoss = s.getLoss();
        e.normalRun = 0;
        e.sinceUpdate = 0;
        opened.inc();
        out.collect(alert(e, s, AlertKind.OPENED, recentAnomalies + " of the last " + e.seen + " beats anomalous"));
      }
    } else {
      e.beats++;
      if (s.getAnomalous()) {
        e.anomalousBeats++;
        e.normalRun = 0;
        e.sinceUpdate++;
        boolean newPeak = s.getLoss() > e.peakLoss;
        e.peakLoss = Math.max(e.peakLoss, s.getLoss());
        if (newPeak || e.sinceUpdate >= updateEvery) {
          e.sinceUpdate = 0;
          out.collect(alert(e, s, AlertKind.UPDATED, newPeak ? "new peak loss" : e.anomalousBeats + " anomalous beats so far"));
        }
      } else if (++e.normalRun >= closeAfter) {
        closed.inc();
        out.collect(alert(e, s, AlertKind.CLOSED, closeAfter + " normal beats in a row"));
        e = new AlertEpisode();
      }
    }
    if (!e.open && e.recent == 0) {
      clear(ctx);
    } else {
      state.update(e);
      // Wall clock, not the beat's event time: a monitor's clock cannot close another's episode.
      silence.touch(ctx.timerService(), ctx.timerService().currentProcessingTime());
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    if (!silence.silentAt(ctx.timerService(), timestamp)) {
      return;
    }
    AlertEpisode e = state.value();
    if (e != null && e.open) {
      closed.inc();
      out.collect(Alert.newBuilder().setAlertId(e.alertId).setSourceId(ctx.getCurrentKey()).setKind(AlertKind.CLOSED)
          .setOpenedAtMillis(e.openedAtMillis).setEventTimeMillis(timestamp).setFirstSequence(e.firstSequence)
          .setLastSequence(e.lastSequence).setBeats(e.beats).setAnomalousBeats(e.anomalousBeats)
          .setPeakLoss(e.peakLoss).setThreshold(e.threshold).setModelVersion(e.modelVersion)
          .setReason("source silent for " + ttlMs + " ms").build());
    }
    state.clear();
  }

  private Alert alert(AlertEpisode e, BeatScore s, AlertKind kind, String reason) {
    return Alert.newBuilder().setAlertId(e.alertId).setSourceId(s.getSourceId()).setKind(kind)
        .setOpenedAtMillis(e.openedAtMillis).setEventTimeMillis(s.getEndTimeMillis()).setFirstSequence(e.firstSequence)
        .setLastSequence(s.getLastSequence()).setBeats(e.beats).setAnomalousBeats(e.anomalousBeats)
        .setPeakLoss(e.peakLoss).setThreshold(s.getThreshold()).setModelVersion(s.getModelVersion()).setReason(reason)
        .build();
  }

  private void clear(Context ctx) throws Exception {
    silence.cancel(ctx.timerService());
    state.clear();
  }
}
