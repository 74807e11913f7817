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
import org.ecgstream.model.data.Dataset;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
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
    Scorer scorer = Scorer.load(model, ScoringEngine.FUSED, threads);
    var arch = scorer.metadata().architecture();
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
        // The job's engine and path: the same embedding a score carries with scores.embedding=true.
        float[][] embedding = scorer.embeddings(chunk, batch);
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
