package org.ecgstream.model.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.bundle.ModelMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code inspect}: prints what a model file holds, after checking it loads. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Check a model file and print its metadata.")
final class InspectCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Model file.")
  Path model;

  @Option(names = "--json", description = "Print the whole metadata as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    // A full load, so a corrupt network is reported here rather than in the streaming job.
    ModelMetadata m = ModelFile.load(model).metadata();
    if (json) {
      System.out.println(ModelFile.json().writeValueAsString(m));
      return 0;
    }
    var a = m.architecture();
    System.out.printf("model      %s (format %d, created %s)%n", m.modelVersion(), m.formatVersion(), m.createdAt());
    System.out.printf("network    %s, window %d x %d feature(s), E = %d, loss %s%n", a.variant(), a.windowLength(),
        a.features(), a.embedding(), m.loss());
    System.out.printf("score      %s%n", m.describeScore());
    System.out.printf("threshold  %s%n", m.threshold().describe());
    if (m.dataset() != null) {
      System.out.printf("dataset    %s, %d windows, sha256 %s%n", String.join(", ", m.dataset().files()),
          m.dataset().windows(), m.dataset().sha256());
    }
    if (m.training() != null) {
      System.out.printf("training   %s; %d epochs, kept %d, %.0f s%n", m.training().config(), m.training().epochsRun(),
          m.training().bestEpoch(), m.training().seconds());
      if (m.training().firstStage() != null) {
        System.out.printf("           first stage %s%n", m.training().firstStage());
      }
    }
    if (m.metrics() != null) {
      System.out.printf("metrics    ROC AUC %.4f, PR AUC %.4f, F1 %.4f; balanced %d/%d normal, %d/%d abnormal%n",
          m.metrics().rocAuc(), m.metrics().prAuc(), m.metrics().f1(), m.metrics().balanced().normalCorrect(),
          m.metrics().balanced().size(), m.metrics().balanced().abnormalCorrect(), m.metrics().balanced().size());
    }
    return 0;
  }
}
