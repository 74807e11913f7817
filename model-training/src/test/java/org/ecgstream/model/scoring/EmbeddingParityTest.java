package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.testing.SmallModel;
import org.junit.jupiter.api.Test;

/**
 * Both engines give each window's embedding (the second encoder layer's last hidden state) beside
 * its reconstruction, equal to each other, and the scorer hands them out per window.
 */
class EmbeddingParityTest {
  @Test
  void fusedEmbeddingsEqualDl4jsAcrossChunksAndTheScorerKeepsThemPerWindow() {
    ModelBundle bundle = SmallModel.outcome().bundle();
    Architecture a = bundle.architecture();
    int batch = 37;
    Random r = new Random(11);
    float[] x = new float[batch * a.features() * a.windowLength()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 1.5);
    }
    int e = a.embedding();
    float[] expected = new float[batch * e];
    float[] reference = new Dl4jEngine(bundle.network(), a).reconstruct(x, batch, expected);
    float[] fused = new float[batch * e];
    float[] reconstruction = new FusedLstmEngine(bundle.network(), a).reconstruct(x, batch, fused);
    double spread = 0;
    for (int i = 0; i < expected.length; i++) {
      spread = Math.max(spread, Math.abs(expected[i]));
    }
    // Within twice what float32 allows each value (both are within it of the exact embedding).
    FusedLstmEngineParityTest.assertWithin(fused, expected, Float32Bound.of(bundle.network(), a, x, batch).embeddings(),
        "embedding");
    assertThat(spread).as("embeddings are not trivially zero").isGreaterThan(0.05);
    // Asking for embeddings changes nothing else.
    assertThat(reconstruction).containsExactly(new FusedLstmEngine(bundle.network(), a).reconstruct(x, batch));
    assertThat(reference).hasSameSizeAs(reconstruction);
    // DL4J's one forward pass for both gives the reconstruction its plain path gives.
    float[] plain = new Dl4jEngine(bundle.network(), a).reconstruct(x, batch);
    for (int i = 0; i < plain.length; i++) {
      assertThat(reference[i]).isCloseTo(plain[i], org.assertj.core.data.Offset.offset(1e-6f));
    }

    // The scorer: original-unit windows in, one embedding per window out, only when asked.
    Scorer scorer = Scorer.of(bundle, ScoringEngine.FUSED);
    float[] windows = new float[3 * a.windowLength() * a.features()];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) Math.sin(i * 0.1);
    }
    ScoreBatch with = scorer.score(windows, 3, true);
    ScoreBatch without = scorer.score(windows, 3);
    assertThat(without.embedding(0)).isNull();
    assertThat(with.embedding(2)).hasSize(e);
    assertThat(with.lossSum()).containsExactly(without.lossSum());
    // Windows 0 and 1 differ (a shifted sine), so do their embeddings.
    assertThat(with.embedding(0)).isNotEqualTo(with.embedding(1));
  }
}
