package org.ecgstream.job.functions;

import java.io.IOException;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimerService;

/**
 * One event-time timer per key whose due time is kept in keyed state, so it can be moved or
 * cancelled: a key never holds more than one timer of a kind, and cancelling leaves no state.
 */
final class EventTimer {
  private final ValueState<Long> due;

  EventTimer(RuntimeContext rc, String name) {
    due = rc.getState(new ValueStateDescriptor<>(name, Long.class));
  }

  /** Whether {@code timestamp} is this timer's (a fired timer may belong to another kind). */
  boolean firesAt(long timestamp) throws IOException {
    Long t = due.value();
    return t != null && t == timestamp;
  }

  /** Sets the timer to {@code at}, or keeps it where it is if that is already later. */
  void atLeast(TimerService timers, long at) throws IOException {
    Long t = due.value();
    if (t == null || t < at) {
      moveTo(timers, t, at);
    }
  }

  /** Sets the timer to {@code at}, or keeps it where it is if that is already earlier. */
  void atMost(TimerService timers, long at) throws IOException {
    Long t = due.value();
    if (t == null || t > at) {
      moveTo(timers, t, at);
    }
  }

  /** Cancels the timer (if any) and forgets it. */
  void cancel(TimerService timers) throws IOException {
    Long t = due.value();
    if (t != null) {
      timers.deleteEventTimeTimer(t);
    }
    due.clear();
  }

  /** Forgets a timer that has just fired. */
  void fired() {
    due.clear();
  }

  private void moveTo(TimerService timers, Long from, long at) throws IOException {
    if (from != null) {
      timers.deleteEventTimeTimer(from);
    }
    timers.registerEventTimeTimer(at);
    due.update(at);
  }
}
