package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScoreBatchTest {
  /** Two windows of 3 steps and 2 channels; absolute errors are time-major. */
  @Test
  void channelErrorsAreEachChannelsMeanAbsoluteErrorOverTheWindow() {
    float[] abs = {
        // window 0: steps (c0, c1)
        1, 4, 2, 5, 3, 6,
        // window 1
        0, 9, 0, 0, 3, 0};
    ScoreBatch b = new ScoreBatch(2, 3, 2, 2, new double[] {21, 12}, abs, new float[12], new boolean[2], 10, null);
    assertThat(b.channelErrors(0)).containsExactly(2f, 5f);
    assertThat(b.channelErrors(1)).containsExactly(1f, 3f);
    // The step errors still sum the channels.
    assertThat(b.stepErrors(0)).containsExactly(5f, 7f, 9f);
  }

  @Test
  void aLatentTargetBatchHasNoChannelErrors() {
    ScoreBatch latent = new ScoreBatch(1, 2, 8, 1, new double[] {3}, new float[] {1, 2}, null, new boolean[1], 10, null);
    assertThat(latent.channelErrors(0)).isNull();
  }
}
