package org.ecgstream.job.functions;

import java.io.IOException;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimerService;

/**
 * One processing-time timer per key whose due time is kept in keyed state, so it can be moved or
 * cancelled: a key never holds more than one timer of a kind, and cancelling leaves no state.
 * Processing time, not event time: a source's gaps and silence are judged by the wall clock and
 * its own samples, never by a watermark that another source's clock can move.
 */
final class KeyedTimer {
  private final ValueState<Long> due;

  KeyedTimer(RuntimeContext rc, String name) {
    due = rc.getState(new ValueStateDescriptor<>(name, Long.class));
  }

  /** Whether {@code timestamp} is this timer's (a fired timer may belong to another kind). */
  boolean firesAt(long timestamp) throws IOException {
    Long t = due.value();
    return t != null && t == timestamp;
  }

  boolean isSet() throws IOException {
    return due.value() != null;
  }

  /** Sets the timer to {@code at}, or keeps it where it is if that is already earlier. */
  void atMost(TimerService timers, long at) throws IOException {
    Long t = due.value();
    if (t == null || t > at) {
      if (t != null) {
        timers.deleteProcessingTimeTimer(t);
      }
      timers.registerProcessingTimeTimer(at);
      due.update(at);
    }
  }

  /** Cancels the timer (if any) and forgets it. */
  void cancel(TimerService timers) throws IOException {
    Long t = due.value();
    if (t != null) {
      timers.deleteProcessingTimeTimer(t);
    }
    due.clear();
  }

  /** Forgets a timer that has just fired. */
  void fired() {
    due.clear();
  }
}
