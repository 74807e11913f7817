package org.ecgstream.job.functions;

import java.io.IOException;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimerService;

/**
 * Tells when a key has been silent for a TTL of wall-clock time. Activity only records its time;
 * the one timer is moved when it fires early, so a busy source costs no timer work per record.
 */
final class SilenceTimer {
  private final KeyedTimer timer;
  private final ValueState<Long> lastSeen;
  private final long ttlMs;

  SilenceTimer(RuntimeContext rc, String name, long ttlMs) {
    this.timer = new KeyedTimer(rc, name);
    this.lastSeen = rc.getState(new ValueStateDescriptor<>(name + "LastSeen", Long.class));
    this.ttlMs = ttlMs;
  }

  /** The key was active at {@code now}. */
  void touch(TimerService timers, long now) throws IOException {
    lastSeen.update(now);
    if (!timer.isSet()) {
      timer.atMost(timers, now + ttlMs);
    }
  }

  /**
   * Whether the timer firing at {@code timestamp} is this one and the key has been silent for the
   * TTL; if it fired early (the key was active since), it is moved and this answers false. After
   * true, the timer and its state are gone.
   */
  boolean silentAt(TimerService timers, long timestamp) throws IOException {
    if (!timer.firesAt(timestamp)) {
      return false;
    }
    timer.fired();
    Long seen = lastSeen.value();
    if (seen != null && timestamp - seen < ttlMs) {
      timer.atMost(timers, seen + ttlMs);
      return false;
    }
    lastSeen.clear();
    return true;
  }

  /** Cancels the timer and forgets the key's activity. */
  void cancel(TimerService timers) throws IOException {
    timer.cancel(timers);
    lastSeen.clear();
  }
}
