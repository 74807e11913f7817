package org.ecgstream.job.functions;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.ecgstream.job.records.AlertEpisode;
import org.ecgstream.job.records.AnomalousBeat;
import org.ecgstream.model.eval.AlertKinds;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.AlertKind;
import org.ecgstream.schemas.BeatScore;

/**
 * Turns per-beat verdicts into alert episodes per source: an episode opens when {@code k} of the
 * last {@code m} beats are anomalous, is updated every {@code updateEvery} anomalous beats or when
 * the peak loss rises (never once per beat), and closes after {@code closeAfter} normal beats in
 * a row. A source silent for the state TTL (wall clock) has its episode closed and state cleared.
 * Every event names the peak beat (highest loss among the episode's anomalous beats, those that
 * opened it included) and lists the first samples of the episode's last
 * {@value AlertEpisode#LISTED} anomalous beats.
 */
public class AlertDebouncer extends KeyedProcessFunction<String, BeatScore, Alert> {
  private final int k;
  private final int m;
  private final int closeAfter;
  private final int updateEvery;
  private final long ttlMs;
  /** Names of the model's input channels, in its order; empty: channel-0, channel-1, ... */
  private final List<String> channelNames;

  private transient ValueState<AlertEpisode> state;
  private transient SilenceTimer silence;
  private transient Counter opened;
  private transient Counter closed;

  public AlertDebouncer(int k, int m, int closeAfter, int updateEvery, Duration ttl) {
    this(k, m, closeAfter, updateEvery, ttl, List.of());
  }

  public AlertDebouncer(int k, int m, int closeAfter, int updateEvery, Duration ttl, List<String> channelNames) {
    this.channelNames = List.copyOf(channelNames);
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
    e.rhythms |= rhythmBits(s.getRhythms());
    e.seen = Math.min(m, e.seen + 1);
    e.lastSequence = s.getLastSequence();
    e.threshold = s.getThreshold();
    e.modelVersion = s.getModelVersion();
    int recentAnomalies = Integer.bitCount(e.recent);
    if (!e.open) {
      e.window = slide(e.window, s.getAnomalous() ? AnomalousBeat.of(s) : null, recentAnomalies);
      if (recentAnomalies >= k) {
        e.open = true;
        e.alertId = s.getSourceId() + "/" + s.getFirstSequence();
        e.openedAtMillis = s.getEndTimeMillis();
        e.firstSequence = s.getFirstSequence();
        // The episode includes the recent beats that opened it: their count, peak and list.
        e.beats = e.seen;
        e.anomalousBeats = recentAnomalies;
        // Empty only for state restored from before the window was kept (with k lowered since).
        e.peak = e.window.length > 0 ? highest(e.window) : null;
        e.peakLoss = e.peak != null ? e.peak.loss : s.getLoss();
        e.anomalousSequences = Arrays.stream(e.window).mapToLong(b -> b.firstSequence).toArray();
        for (AnomalousBeat b : e.window) {
          e.addChannelErrors(b.channelErrors);
        }
        e.window = null;
        e.normalRun = 0;
        e.sinceUpdate = 0;
        opened.inc();
        out.collect(alert(e, s, AlertKind.OPENED, recentAnomalies + " of the last " + e.seen + " beats anomalous"));
      }
    } else {
      e.beats++;
      if (s.getAnomalous()) {
        e.anomalousBeats++;
        e.anomalousSequences = listed(e.anomalousSequences, s.getFirstSequence());
        AnomalousBeat beat = AnomalousBeat.of(s);
        e.addChannelErrors(beat.channelErrors);
        e.normalRun = 0;
        e.sinceUpdate++;
        boolean newPeak = s.getLoss() > e.peakLoss;
        if (newPeak) {
          e.peakLoss = s.getLoss();
          e.peak = beat;
        }
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
      // No beat caused this: the time is the wall clock's, sequence and threshold the last beat's.
      out.collect(alert(e, ctx.getCurrentKey(), AlertKind.CLOSED, timestamp, e.lastSequence, e.threshold,
          e.modelVersion, "source silent for " + ttlMs + " ms"));
    }
    state.clear();
  }

  private Alert alert(AlertEpisode e, BeatScore s, AlertKind kind, String reason) {
    return alert(e, s.getSourceId(), kind, s.getEndTimeMillis(), s.getLastSequence(), s.getThreshold(),
        s.getModelVersion(), reason);
  }

  private Alert alert(AlertEpisode e, String sourceId, AlertKind kind, long eventTimeMillis, long lastSequence,
                             double threshold, String modelVersion, String reason) {
    Alert.Builder a = Alert.newBuilder().setAlertId(e.alertId).setSourceId(sourceId).setKind(kind)
        .setOpenedAtMillis(e.openedAtMillis).setEventTimeMillis(eventTimeMillis).setFirstSequence(e.firstSequence)
        .setLastSequence(lastSequence).setBeats(e.beats).setAnomalousBeats(e.anomalousBeats)
        .setPeakLoss(e.peakLoss).setThreshold(threshold).setModelVersion(modelVersion).setReason(reason)
        .setAnomalousSequences(e.anomalousSequences == null ? List.of()
            : Arrays.stream(e.anomalousSequences).boxed().toList())
        .setRhythms(rhythmNames(e.rhythms));
    if (e.channelErrors != null && e.channelErrors.length > 1) {
      channels(e.channelErrors, a);
    }
    // An episode restored from state older than the peak beat has none until its peak rises.
    if (e.peak != null) {
      a.setPeakSequence(e.peak.firstSequence).setPeakTimeMillis(e.peak.timeMillis)
          .setPeakTemplateMismatch(e.peak.templateMismatch).setPeakTemplateThreshold(e.peak.templateThreshold);
    }
    return a.build();
  }

  /** A beat's rhythm kinds as bits of their ordinals; names this build does not know are left out. */
  static int rhythmBits(List<String> names) {
    int bits = 0;
    for (String n : names) {
      for (AlertKinds.Kind k : AlertKinds.Kind.values()) {
        if (k.name().equals(n)) {
          bits |= 1 << k.ordinal();
        }
      }
    }
    return bits;
  }

  static List<String> rhythmNames(int bits) {
    return Arrays.stream(AlertKinds.Kind.values()).filter(k -> (bits & 1 << k.ordinal()) != 0).map(Enum::name).toList();
  }

  /** The channels by their share of the episode's error, largest first (equal shares: in model order). */
  private void channels(float[] errors, Alert.Builder a) {
    double total = 0;
    for (float v : errors) {
      total += v;
    }
    Integer[] order = new Integer[errors.length];
    for (int c = 0; c < order.length; c++) {
      order[c] = c;
    }
    Arrays.sort(order, (x, y) -> Float.compare(errors[y], errors[x]));
    List<String> names = new java.util.ArrayList<>(order.length);
    List<Float> shares = new java.util.ArrayList<>(order.length);
    for (int c : order) {
      names.add(c < channelNames.size() ? channelNames.get(c) : "channel-" + c);
      shares.add(total > 0 ? (float) (errors[c] / total) : 0f);
    }
    a.setChannels(names).setChannelShares(shares);
  }

  /**
   * The anomalous beats among the last m after one more beat, oldest first: {@code added} (null for
   * a normal beat) appended, then only the newest {@code anomalies} kept, one per set bit of the
   * verdict bits. Trimming to the bit count, rather than dropping the beat that left, keeps the two
   * in step also for state restored with a smaller alert.m, and for state from before the window
   * was kept (shorter than its bits: nothing older is known).
   */
  private static AnomalousBeat[] slide(AnomalousBeat[] window, AnomalousBeat added, int anomalies) {
    AnomalousBeat[] w = window == null ? new AnomalousBeat[0] : window;
    if (added != null) {
      w = Arrays.copyOf(w, w.length + 1);
      w[w.length - 1] = added;
    }
    return w.length > anomalies ? Arrays.copyOfRange(w, w.length - anomalies, w.length) : w;
  }

  /** The beat of the highest loss, the earliest of equal ones (beats are oldest first). */
  private static AnomalousBeat highest(AnomalousBeat[] beats) {
    AnomalousBeat peak = beats[0];
    for (AnomalousBeat b : beats) {
      if (b.loss > peak.loss) {
        peak = b;
      }
    }
    return peak;
  }

  /** {@code sequences} with {@code sequence} at the end, the oldest dropped beyond {@link AlertEpisode#LISTED}. */
  private static long[] listed(long[] sequences, long sequence) {
    long[] l = sequences == null ? new long[0] : sequences;
    int keep = Math.min(l.length, AlertEpisode.LISTED - 1);
    long[] next = Arrays.copyOfRange(l, l.length - keep, l.length + 1);
    next[keep] = sequence;
    return next;
  }

  private void clear(Context ctx) throws Exception {
    silence.cancel(ctx.timerService());
    state.clear();
  }
}
