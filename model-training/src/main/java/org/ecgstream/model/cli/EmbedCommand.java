package org.ecgstream.model.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.WindowTensors;
import org.ecgstream.model.scoring.Nd4jRuntime;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code embed}: the encoder's embedding of every window of a file (the last hidden state of the
 * second encoder layer, E values, what the decoder rebuilds the window from), one CSV row per
 * window, for clustering or plotting beats outside this project.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
    description = "Write the encoder's embedding of every window of a file to CSV.")
final class EmbedCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Model file.")
  Path model;

  @Option(names = "--input", required = true, description = "Windows: UCR .txt, .arff or .csv (optionally .gz).")
  Path input;

  @Option(names = "--output", description = "CSV to write (default: standard output).")
  Path output;

  @Option(names = "--batch", defaultValue = "256", description = "Windows per batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--threads", defaultValue = "1", description = "ND4J native threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() throws IOException {
    Nd4jRuntime.setThreads(threads);
    ModelBundle bundle = ModelFile.load(model);
    var arch = bundle.architecture();
    Dataset data = DatasetReader.read(input);
    if (data.length() != arch.windowLength() || data.features() != arch.features()) {
      throw new IllegalArgumentException(input + " has " + data.length() + "x" + data.features()
          + " windows; the model expects " + arch.windowLength() + "x" + arch.features());
    }
    Writer w = output == null
        ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
        : Files.newBufferedWriter(output);
    try {
      StringBuilder header = new StringBuilder("id,label");
      for (int e = 0; e < arch.embedding(); e++) {
        header.append(",e").append(e);
      }
      w.write(header + "\n");
      List<LabelledWindow> windows = data.windows();
      for (int from = 0; from < windows.size(); from += batch) {
        List<LabelledWindow> chunk = windows.subList(from, Math.min(windows.size(), from + batch));
        INDArray x = WindowTensors.toTensor(chunk, bundle.normalizer());
        // Activations are indexed from the input (0): the second encoder layer's output is at +1.
        float[][] embedding = bundle.network().feedForwardToLayer(AutoencoderFactory.ENCODER_2, x)
            .get(AutoencoderFactory.ENCODER_2 + 1).toFloatMatrix();
        for (int i = 0; i < chunk.size(); i++) {
          LabelledWindow win = chunk.get(i);
          StringBuilder row = new StringBuilder(win.id()).append(',')
              .append(win.hasLabel() ? String.valueOf(win.label()) : "");
          for (float v : embedding[i]) {
            row.append(',').append(String.format(Locale.ROOT, "%.6f", v));
          }
          w.write(row + "\n");
        }
      }
    } finally {
      w.flush();
      if (output != null) {
        w.close();
      }
    }
    return 0;
  }
}
