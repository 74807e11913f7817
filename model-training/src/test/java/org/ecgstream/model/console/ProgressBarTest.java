package org.ecgstream.model.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void withoutATerminalOnlyTheFinishedLineIsPrinted() {
    ProgressBar bar = new ProgressBar(out, "epoch 1/2", 4, false);
    for (int i = 1; i <= 4; i++) {
      bar.update(i, "loss 0.5");
    }
    bar.finish(4, "loss 0.5 val 0.6");
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("\r").hasLineCount(1)
        .startsWith("epoch 1/2 [" + "#".repeat(30) + "] 100% loss 0.5 val 0.6 elapsed ");
  }

  @Test
  void onATerminalTheBarIsRedrawnInPlace() {
    ProgressBar bar = new ProgressBar(out, "replay", 2, true);
    bar.update(2, "");
    bar.finish(2, "done");
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).startsWith("\rreplay [").contains("\rreplay [").endsWith(System.lineSeparator());
    assertThat(text.split("\r", -1)).hasSize(3);
  }

  @Test
  void clockShowsHoursMinutesAndSeconds() {
    assertThat(ProgressBar.clock(3_725)).isEqualTo("01:02:05");
    assertThat(ProgressBar.clock(0)).isEqualTo("00:00:00");
  }
}
