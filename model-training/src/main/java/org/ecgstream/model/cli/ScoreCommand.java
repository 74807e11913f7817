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
import org.ecgstream.model.scoring.ScoreBatch;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code score}: scores every window of a file and writes one CSV row per window. */
@Command(name = "score", mixinStandardHelpOptions = true, description = "Score the windows of a file to CSV.")
final class ScoreCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Model file.")
  Path model;

  @Option(names = "--input", required = true, description = "Windows to score: UCR .txt, .arff or .csv (optionally .gz).")
  Path input;

  @Option(names = "--output", description = "CSV to write (default: standard output).")
  Path output;

  @Option(names = "--batch", defaultValue = "64", description = "Windows per batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--threads", defaultValue = "1", description = "ND4J native threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() throws IOException {
    Scorer scorer = Scorer.loadReference(model, threads);
    Dataset data = DatasetReader.read(input);
    if (data.length() != scorer.windowLength() || data.features() != scorer.features()) {
      throw new IllegalArgumentException(input + " has " + data.length() + "x" + data.features() + " windows; the model expects "
          + scorer.windowLength() + "x" + scorer.features());
    }
    Writer w = output == null
        ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
        : Files.newBufferedWriter(output);
    try {
      w.write("id,label,loss_sum,loss_mean,anomalous\n");
      List<LabelledWindow> windows = data.windows();
      int size = scorer.windowLength() * scorer.features();
      for (int from = 0; from < windows.size(); from += batch) {
        int n = Math.min(batch, windows.size() - from);
        float[] flat = new float[n * size];
        for (int i = 0; i < n; i++) {
          System.arraycopy(windows.get(from + i).values(), 0, flat, i * size, size);
        }
        ScoreBatch b = scorer.score(flat, n);
        for (int i = 0; i < n; i++) {
          LabelledWindow win = windows.get(from + i);
          w.write(String.format(Locale.ROOT, "%s,%s,%.6f,%.6f,%b%n", win.id(),
              win.hasLabel() ? String.valueOf(win.label()) : "", b.loss(i), b.lossMean(i), b.isAnomalous(i)));
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
