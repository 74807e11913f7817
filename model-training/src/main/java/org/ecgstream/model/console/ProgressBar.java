package org.ecgstream.model.console;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A one-line progress bar redrawn in place on a terminal; without one (CI, log files) it prints
 * only the finished line, so logs are not flooded with carriage returns.
 */
public final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean interactive;
  private final String label;
  private final long total;
  private final long startNanos = System.nanoTime();
  private long lastDrawNanos;

  public ProgressBar(PrintStream out, String label, long total) {
    this(out, label, total, System.console() != null);
  }

  public ProgressBar(PrintStream out, String label, long total, boolean interactive) {
    this.out = out;
    this.label = label;
    this.total = Math.max(1, total);
    this.interactive = interactive;
  }

  /** Redraws the bar; at most ten times a second unless {@code done == total}. */
  public void update(long done, String suffix) {
    long now = System.nanoTime();
    if (!interactive || (done < total && now - lastDrawNanos < 100_000_000L)) {
      return;
    }
    lastDrawNanos = now;
    out.print("\r" + line(done, suffix));
    out.flush();
  }

  /** Finishes the bar with a final line. */
  public void finish(long done, String suffix) {
    out.print((interactive ? "\r" : "") + line(done, suffix) + System.lineSeparator());
    out.flush();
  }

  String line(long done, String suffix) {
    double frac = Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(frac * WIDTH);
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    long eta = done == 0 ? 0 : Math.round(elapsed / done * (total - done));
    return String.format("%s [%s%s] %3d%% %s elapsed %s ETA %s", label,
        "#".repeat(filled), "-".repeat(WIDTH - filled), Math.round(frac * 100), suffix,
        clock(Math.round(elapsed)), clock(eta));
  }

  /** {@code seconds} as hh:mm:ss. */
  public static String clock(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    return String.format("%02d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }
}
