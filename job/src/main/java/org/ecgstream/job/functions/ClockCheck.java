package org.ecgstream.job.functions;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps a source's event time within the accepted skew of its frames' arrival: a frame stamped
 * further ahead (or, when a limit is set, further behind) is re-stamped to its arrival time, so a
 * monitor with a wrong clock is still scored and its outputs carry times the broker accepts. Each
 * such source is reported at most once a minute per decoder instance, with how many frames were
 * re-stamped since the last report; what a restart forgets is reported again.
 */
final class ClockCheck {
  static final long REPORT_EVERY_MS = 60_000;
  /** Sources remembered for reporting; the least recently re-stamped are forgotten first. */
  private static final int REMEMBERED = 10_000;

  /** The event time to use, and a report when one is due. */
  record Verdict(long eventTimeMillis, String reportOrNull) {}

  private final long maxAheadMs;
  private final long maxBehindMs;
  private final Map<String, long[]> reported = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
      return size() > REMEMBERED;
    }
  };

  ClockCheck(long maxAheadMs, long maxBehindMs) {
    this.maxAheadMs = maxAheadMs;
    this.maxBehindMs = maxBehindMs;
  }

  Verdict check(String source, long eventTimeMillis, long arrivalMillis) {
    long ahead = eventTimeMillis - arrivalMillis;
    boolean tooFarAhead = eventTimeMillis < 0 ? false : ahead > maxAheadMs;
    boolean tooFarBehind = eventTimeMillis < 0 || (maxBehindMs > 0 && -ahead > maxBehindMs);
    if (!tooFarAhead && !tooFarBehind) {
      return new Verdict(eventTimeMillis, null);
    }
    long[] r = reported.computeIfAbsent(source, s -> new long[] {Long.MIN_VALUE, 0});
    r[1]++;
    String report = null;
    if (r[0] == Long.MIN_VALUE || arrivalMillis - r[0] >= REPORT_EVERY_MS) {
      String skew = eventTimeMillis < 0 ? "before 1970 (event time " + eventTimeMillis + ")"
          : describe(Math.abs(ahead)) + (tooFarAhead ? " ahead of" : " behind") + " its arrival";
      String limit = tooFarAhead ? "clock.max-ahead.ms " + maxAheadMs : "clock.max-behind.ms " + maxBehindMs;
      report = String.format(Locale.ROOT, "clock of source is %s (accepted: %s): event times re-stamped to arrival "
          + "time; %d frame(s) re-stamped since the last report", skew, limit, r[1]);
      r[0] = arrivalMillis;
      r[1] = 0;
    }
    return new Verdict(arrivalMillis, report);
  }

  static String describe(long ms) {
    return String.format(Locale.ROOT, "%d ms (%.2f h)", ms, ms / 3_600_000.0);
  }
}
