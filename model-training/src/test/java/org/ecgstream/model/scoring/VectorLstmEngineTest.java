package org.ecgstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VectorLstmEngineTest {

  /**
   * A window's reconstruction and embedding are the same to the bit whatever else is in its batch:
   * in a tile of four (two with AVX2), in a leftover pair, alone with the panels in pairs or one
   * at a time. A beat replayed after a failover, or scored offline, gets the loss it got live (on
   * a machine with the same vector width).
   * E = 24 gives an odd number of panels in some layer with 512-bit and with 256-bit vectors. The
   * latent-target variant's output layer is a product over all 2E outputs ({@link VectorDense});
   * the conditional variant's decoder starts from the encoder's state instead of zeros.
   */
  @ParameterizedTest
  @EnumSource(value = Variant.class, names = {"RECONSTRUCTION", "LATENT", "CONDITIONAL"})
  void aWindowScoresTheSameInEveryBatch(Variant variant) {
    Architecture a = new Architecture(40, 2, 24, variant);
    ReconstructionEngine engine = FusedLstmEngine.forModel(AutoencoderFactory.create(a, LossKind.L1, 1e-3, 24), a);
    assertThat(engine.usesOpenBlas()).isFalse();
    int n = 11;
    int size = a.windowLength() * a.features();
    // A latent-target model's output per window is its 2E values per step, not the input.
    int outSize = a.windowLength() * a.outputWidth();
    float[] windows = new float[n * size];
    Random r = new Random(7);
    for (int i = 0; i < windows.length; i++) {
      windows[i] = (float) r.nextGaussian();
    }
    float[] embeddings = new float[n * a.embedding()];
    float[] all = engine.reconstruct(windows, n, embeddings);
    for (int batch : new int[] {1, 2, 3, 6}) {
      for (int from = 0; from + batch <= n; from += batch) {
        float[] part = Arrays.copyOfRange(windows, from * size, (from + batch) * size);
        float[] partEmbeddings = new float[batch * a.embedding()];
        float[] out = engine.reconstruct(part, batch, partEmbeddings);
        assertThat(out).as("windows %d to %d scored %d at a time", from, from + batch, batch)
            .containsExactly(Arrays.copyOfRange(all, from * outSize, (from + batch) * outSize));
        assertThat(partEmbeddings).containsExactly(
            Arrays.copyOfRange(embeddings, from * a.embedding(), (from + batch) * a.embedding()));
      }
    }
  }
}
