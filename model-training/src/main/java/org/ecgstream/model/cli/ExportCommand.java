package org.ecgstream.model.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code export --onnx}: writes a model file's network, normaliser and loss as an ONNX model. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a model as an ONNX graph of standard operators, to serve it with any ONNX runtime.")
final class ExportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--onnx", description = "Write ONNX (opset " + OnnxExport.OPSET + "; the only format so far).")
  boolean onnx;

  @Option(names = "--model", required = true, description = "Model file.")
  Path model;

  @Option(names = "--out", required = true, description = "The .onnx file to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!onnx) {
      throw new ParameterException(spec.commandLine(), "choose a format: --onnx");
    }
    ModelBundle bundle = ModelFile.load(model);
    var a = bundle.architecture();
    OnnxExport.write(OnnxExport.scoringGraph(bundle), out);
    System.out.printf("wrote %s (%d bytes, ONNX opset %d): model %s, window %d x %d feature(s), E = %d%n", out,
        Files.size(out), OnnxExport.OPSET, bundle.metadata().modelVersion(), a.windowLength(), a.features(), a.embedding());
    System.out.printf("input   %s: float [batch, %d, %d], windows time-major in original units%n", OnnxExport.INPUT,
        a.windowLength(), a.features());
    if (a.variant().rebuildsInput()) {
      System.out.printf("output  %s: float [batch, %d, %d], in original units%n", OnnxExport.RECONSTRUCTION,
          a.windowLength(), a.features());
    } else {
      System.out.printf("output  %s, %s: float [batch, %d, %d], the first encoder layer's outputs and their "
          + "rebuilding%n", OnnxExport.LATENT_TARGET, OnnxExport.LATENT_RECONSTRUCTION, a.windowLength(), a.outputWidth());
    }
    System.out.printf("output  %s: float [batch], %s (%s loss); anomalous when > %s (threshold)%n",
        OnnxExport.LOSS, bundle.metadata().describeScore(), bundle.metadata().loss(), bundle.threshold().value());
    return 0;
  }
}
