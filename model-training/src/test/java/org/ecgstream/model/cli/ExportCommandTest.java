package org.ecgstream.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import onnx.Onnx;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelFile;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.data.DatasetReader;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.onnx.OnnxExport;
import org.ecgstream.model.onnx.OnnxExportParityTest;
import org.ecgstream.model.onnx.OnnxRuntimeModel;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export --onnx} writes a file of standard operators that ONNX Runtime scores as the fused engine does. */
class ExportCommandTest {
  static final Path SHIPPED = ShippedData.find(Path.of("model-training", "models", "ecg5000-autoencoder.zip"));

  @Test
  void writesTheShippedModelWithStandardOperatorsADynamicBatchAndTheFusedEnginesScores(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("ecg5000.onnx");
    assertThat(ModelCli.execute("export", "--onnx", "--model", SHIPPED.toString(), "--out", file.toString())).isZero();

    Onnx.ModelProto model = Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
    assertThat(model.getOpsetImportList()).singleElement()
        .satisfies(o -> assertThat(o.getDomain()).isEmpty())
        .satisfies(o -> assertThat(o.getVersion()).isEqualTo(OnnxExport.OPSET));
    Set<String> ops = model.getGraph().getNodeList().stream().map(Onnx.NodeProto::getOpType).collect(Collectors.toSet());
    // The shipped model is a prediction model: Slice gives the encoder the first half, Concat puts it back
    // in front of the predicted half.
    assertThat(ModelFile.readMetadata(SHIPPED).architecture().variant()).isEqualTo(Variant.PREDICTION);
    assertThat(ops).containsExactlyInAnyOrder("Sub", "Div", "Transpose", "LSTM", "Squeeze", "Expand", "MatMul", "Add",
        "Mul", "Abs", "ReduceSum", "Slice", "Concat");
    assertThat(model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("LSTM"))).hasSize(4);

    try (OrtSession s = OrtEnvironment.getEnvironment().createSession(file.toString(), new OrtSession.SessionOptions())) {
      assertThat(s.getInputNames()).containsExactly(OnnxExport.INPUT);
      assertThat(s.getOutputNames()).containsExactly(OnnxExport.RECONSTRUCTION, OnnxExport.LOSS);
      assertThat(((TensorInfo) s.getInputInfo().get(OnnxExport.INPUT).getInfo()).getShape()).containsExactly(-1, 140, 1);
      assertThat(((TensorInfo) s.getOutputInfo().get(OnnxExport.RECONSTRUCTION).getInfo()).getShape())
          .containsExactly(-1, 140, 1);
      assertThat(((TensorInfo) s.getOutputInfo().get(OnnxExport.LOSS).getInfo()).getShape()).containsExactly(-1);
    }

    ModelBundle bundle = ModelFile.load(SHIPPED);
    List<LabelledWindow> beats = DatasetReader.read(ShippedData.ecg5000()).windows().subList(4000, 4005);
    try (OnnxRuntimeModel ort = new OnnxRuntimeModel(Files.readAllBytes(file), 140, 1, 1)) {
      OnnxExportParityTest.assertScoringParity(ort, Scorer.of(bundle, ScoringEngine.FUSED), beats);
    }
  }

  @Test
  void asksForAFormat(@TempDir Path dir) {
    assertThat(ModelCli.execute("export", "--model", SHIPPED.toString(), "--out", dir.resolve("m.onnx").toString()))
        .isEqualTo(2);
    assertThat(dir.resolve("m.onnx")).doesNotExist();
  }
}
