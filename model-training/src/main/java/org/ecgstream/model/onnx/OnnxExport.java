package org.ecgstream.model.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import onnx.Onnx;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.bundle.ModelBundle;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.bundle.WholeFile;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.nn.LossKind;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.scoring.ConditionalFusedEngine;
import org.ecgstream.model.scoring.ErrorScore;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes the autoencoder as an ONNX model of standard operators (opset {@value #OPSET}), so that
 * it can be served by any ONNX runtime.
 *
 * <p>The scoring graph ({@link #scoringGraph}, what {@code ecg-model export --onnx} writes):
 * <ul>
 *   <li>input {@value #INPUT}: float [batch, window length, features], windows time-major in
 *       their original units, as {@code Scorer.score} takes them; the batch dimension is dynamic;</li>
 *   <li>the normaliser: {@code (x - mean) / std} per feature (Sub, Div);</li>
 *   <li>Transpose to [time, batch, features], then the encoder: LSTM(features → 2E), LSTM(2E → E)
 *       whose last hidden state (the LSTM's {@code Y_h} output) is the embedding; Expand repeats it
 *       over the window; the decoder LSTM(E → E), LSTM(E → 2E) (Squeeze drops each LSTM output's
 *       direction axis); MatMul and Add apply the time-distributed output layer; Transpose back to
 *       [batch, time, features];</li>
 *   <li>the normaliser undone: {@code y * std + mean} (Mul, Add): output {@value #RECONSTRUCTION},
 *       float [batch, window length, features], in the input's units;</li>
 *   <li>output {@value #LOSS}, float [batch]: the window's loss summed over its values in original
 *       units (Sub, Abs for L1 or Mul for L2, ReduceSum), the figure the model's threshold applies to
 *       (a window is anomalous when its loss is strictly greater than the threshold, which the
 *       model's metadata properties carry).</li>
 * </ul>
 * {@link #networkGraph} is the network alone, normalised windows in and out ([batch, time,
 * features]): the same operators without the normaliser and the loss. The latent-target variant's
 * scoring graph has {@value #LATENT_TARGET} and {@value #LATENT_RECONSTRUCTION} in place of
 * {@value #RECONSTRUCTION} (see {@link #latentScoring}).
 *
 * <p>DL4J's LSTM parameters are W [inputs, 4H], RW [H, 4H] and b [1, 4H] with the gate blocks in the
 * order cell input (g, tanh), forget, output, input; ONNX's LSTM wants W [1, 4H, inputs], R [1, 4H,
 * H] and B [1, 8H] (input then recurrent biases) with the blocks in the order input, output,
 * forget, cell. Gates sigmoid, cell and output tanh (the operator's defaults, DL4J's as the model
 * is built), no peepholes.
 */
public final class OnnxExport {
  public static final String INPUT = "windows";
  public static final String RECONSTRUCTION = "reconstruction";
  public static final String LOSS = "loss";
  /** The latent-target variant's outputs in place of {@value #RECONSTRUCTION}: see {@link #latentScoring}. */
  public static final String LATENT_TARGET = "latent_target";
  public static final String LATENT_RECONSTRUCTION = "latent_reconstruction";
  public static final int OPSET = 13;
  /** IR version 7 (May 2020), the first that opset 13 may be used with. */
  static final long IR_VERSION = 7;
  /**
   * For ONNX's gate blocks input, output, forget, cell: the DL4J block each is taken from (DL4J
   * orders them cell input, forget, output, input).
   */
  static final int[] DL4J_BLOCK_OF_ONNX_GATE = {3, 2, 1, 0};

  private OnnxExport() {}

  /** The scoring graph of a model file's bundle: normaliser, network, reconstruction and loss. */
  public static Onnx.ModelProto scoringGraph(ModelBundle bundle) {
    ModelMetadata m = bundle.metadata();
    Map<String, String> props = new LinkedHashMap<>();
    props.put("ecg.model_version", m.modelVersion());
    props.put("ecg.window_length", Integer.toString(m.architecture().windowLength()));
    props.put("ecg.features", Integer.toString(m.architecture().features()));
    props.put("ecg.embedding", Integer.toString(m.architecture().embedding()));
    props.put("ecg.variant", m.architecture().variant().name());
    props.put("ecg.loss", m.loss().name());
    props.put("ecg.threshold", Double.toString(m.threshold().value()));
    props.put("ecg.threshold_rule", m.threshold().describe());
    props.put("ecg.anomalous_when", "loss > threshold");
    props.put("ecg.score", m.describeScore());
    return scoringGraph(bundle.network(), m.architecture(), m.normalizer(), m.loss(), m.score(), props);
  }

  /** The scoring graph for a network with the given normaliser, loss and error score. */
  public static Onnx.ModelProto scoringGraph(MultiLayerNetwork net, Architecture a, FeatureNormalizer norm,
                                             LossKind loss, ErrorScore score, Map<String, String> metadata) {
    if (norm.features() != a.features()) {
      throw new IllegalArgumentException("the normaliser has " + norm.features() + " features, the model " + a.features());
    }
    GraphBuilder g = new GraphBuilder(a, "windows in their original units, time-major: [batch, time, features]");
    g.floats("mean", new long[] {a.features()}, norm.mean());
    g.floats("std", new long[] {a.features()}, norm.std());
    g.node("Sub", List.of(INPUT, "mean"), "centred");
    g.node("Div", List.of("centred", "std"), "normalised");
    if (!a.variant().rebuildsInput()) {
      return latentScoring(g, net, a, loss, score, metadata);
    }
    network(g, net, a, "normalised", "normalised_reconstruction");
    g.node("Mul", List.of("normalised_reconstruction", "std"), "scaled");
    g.node("Add", List.of("scaled", "mean"), RECONSTRUCTION);
    g.node("Sub", List.of(INPUT, RECONSTRUCTION), "error");
    String scoreDoc;
    if (score.isSum()) {
      summedLoss(g, loss);
      scoreDoc = loss + " loss summed over its values in original units";
    } else {
      mahalanobis(g, a, score);
      scoreDoc = "squared Mahalanobis distance of its absolute errors (each feature's in its normalised units) from "
          + "the normal windows' errors";
    }
    g.output(RECONSTRUCTION, "the reconstruction in the input's units, [batch, time, features]", "batch",
        a.windowLength(), a.features());
    g.output(LOSS, "the window's " + scoreDoc + "; anomalous when above the threshold", "batch");
    String doc = "LSTM autoencoder (window " + a.windowLength() + ", " + a.features() + " feature(s), E = " + a.embedding()
        + "): normalises the windows, reconstructs them and returns the reconstruction in original units and each window's "
        + scoreDoc + ".";
    return g.model(doc, metadata);
  }

  /**
   * The latent-target variant's scoring graph: the first encoder layer's outputs (Transposed to
   * [batch, time, 2E]: {@value #LATENT_TARGET}) against the decoder's rebuilding of them
   * ({@value #LATENT_RECONSTRUCTION}); the loss over their difference, or the Mahalanobis score of
   * its per-step sums of absolute values. No reconstruction of the window: the model has none.
   */
  private static Onnx.ModelProto latentScoring(GraphBuilder g, MultiLayerNetwork net, Architecture a, LossKind loss,
                                               ErrorScore score, Map<String, String> metadata) {
    network(g, net, a, "normalised", LATENT_RECONSTRUCTION);
    g.node("Transpose", List.of("encoder_1"), LATENT_TARGET, Map.of("perm", new long[] {1, 0, 2}));
    g.node("Sub", List.of(LATENT_TARGET, LATENT_RECONSTRUCTION), "error");
    String scoreDoc;
    if (score.isSum()) {
      summedLoss(g, loss);
      scoreDoc = loss + " loss summed over its steps and latent values";
    } else {
      if (score.from() != 0) {
        throw new IllegalArgumentException("a latent-target model's error score covers every step, not from value "
            + score.from());
      }
      g.node("Abs", List.of("error"), "abs_error");
      g.ints("latent_axis", 2);
      g.node("ReduceSum", List.of("abs_error", "latent_axis"), "error_vector", Map.of("keepdims", 0L));
      whitenedScore(g, "error_vector", score);
      scoreDoc = "squared Mahalanobis distance of its per-step absolute latent errors from the normal windows'";
    }
    int h = a.outputWidth();
    g.output(LATENT_TARGET, "the first encoder layer's outputs, [batch, time, 2E]", "batch", a.windowLength(), h);
    g.output(LATENT_RECONSTRUCTION, "the decoder's rebuilding of them, [batch, time, 2E]", "batch", a.windowLength(), h);
    g.output(LOSS, "the window's " + scoreDoc + "; anomalous when above the threshold", "batch");
    return g.model("Latent-target LSTM autoencoder (window " + a.windowLength() + ", " + a.features()
        + " feature(s), E = " + a.embedding() + "): normalises the windows, rebuilds the first encoder layer's outputs "
        + "and returns both and each window's " + scoreDoc + ".", metadata);
  }

  /** The loss from node "error": |error| (L1) or error² (L2) summed over each window ([batch, time, values]). */
  private static void summedLoss(GraphBuilder g, LossKind loss) {
    g.node(loss == LossKind.L1 ? "Abs" : "Mul", loss == LossKind.L1 ? List.of("error") : List.of("error", "error"),
        "elementwise_loss");
    g.ints("window_axes", 1, 2);
    g.node("ReduceSum", List.of("elementwise_loss", "window_axes"), LOSS, Map.of("keepdims", 0L));
  }

  /**
   * The Mahalanobis score from node "error": |error| / std flattened to [batch, d], minus the mean
   * error, times (L⁻¹)ᵀ, squared and summed: |L⁻¹ (e − mean)|², the scorer's triangular solve as a product.
   */
  private static void mahalanobis(GraphBuilder g, Architecture a, ErrorScore score) {
    int d = a.windowLength() * a.features();
    g.node("Abs", List.of("error"), "abs_error");
    g.node("Div", List.of("abs_error", "std"), "abs_error_normalised");
    g.ints("error_shape", -1, d);
    String vector = "error_vector";
    g.node("Reshape", List.of("abs_error_normalised", "error_shape"), vector);
    if (score.from() > 0) {
      // Only the values the model produces: the others never have an error.
      g.ints("error_starts", score.from());
      g.ints("error_ends", d);
      g.ints("error_axis", 1);
      g.node("Slice", List.of(vector, "error_starts", "error_ends", "error_axis"), "error_produced");
      vector = "error_produced";
    }
    whitenedScore(g, vector, score);
  }

  /** {@value #LOSS} from the error vectors [batch, d] in node {@code vector}: |L⁻¹ (e − mean)|². */
  private static void whitenedScore(GraphBuilder g, String vector, ErrorScore score) {
    int m = score.mean().length;
    g.floats("error_mean", new long[] {m}, score.mean());
    g.node("Sub", List.of(vector, "error_mean"), "error_centred");
    g.floats("whitening", new long[] {m, m}, score.whiteningTransposed());
    g.node("MatMul", List.of("error_centred", "whitening"), "error_whitened");
    g.node("Mul", List.of("error_whitened", "error_whitened"), "error_squares");
    g.ints("vector_axis", 1);
    g.node("ReduceSum", List.of("error_squares", "vector_axis"), LOSS, Map.of("keepdims", 0L));
  }

  /** The network alone: normalised windows [batch, time, features] in, their reconstruction out. */
  public static Onnx.ModelProto networkGraph(MultiLayerNetwork net, Architecture a) {
    GraphBuilder g = new GraphBuilder(a, "normalised windows, time-major: [batch, time, features]");
    network(g, net, a, INPUT, RECONSTRUCTION);
    g.output(RECONSTRUCTION, "the reconstruction, normalised, [batch, time, features] (for the latent-target "
        + "variant, the first encoder layer's outputs as rebuilt, [batch, time, 2E])", "batch", a.windowLength(),
        a.outputWidth());
    return g.model("LSTM autoencoder network (window " + a.windowLength() + ", E = " + a.embedding()
        + ") on normalised windows, without the normaliser and the loss.", Map.of());
  }

  /** Writes the model to {@code file} through a temporary file, so a crash never leaves half of one. */
  public static void write(Onnx.ModelProto model, Path file) throws IOException {
    WholeFile.write(file, model::writeTo);
  }

  /** Adds the network's nodes from {@code in} ([batch, time, features]) to {@code out} (same shape). */
  private static void network(GraphBuilder g, MultiLayerNetwork net, Architecture a, String in, String out) {
    if (a.variant() == Variant.CONDITIONAL) {
      conditional(g, net, a, in, out);
      return;
    }
    Map<String, INDArray> p = net.paramTable();
    int e = a.embedding();
    // The second encoder layer's last hidden state is the embedding: the LSTM's Y_h, [1, batch, E].
    encoder(g, p, a, in, List.of("", "embedding"));
    g.ints("repeat_shape", a.decoderSteps(), 1, 1);
    g.node("Expand", List.of("embedding", "repeat_shape"), "repeated");
    lstm(g, p, AutoencoderFactory.DECODER_1, e, "repeated", "decoder_1");
    lstm(g, p, AutoencoderFactory.DECODER_2, a.hidden(), "decoder_1", "decoder_2");
    INDArray w = p.get(AutoencoderFactory.OUTPUT + "_W").castTo(DataType.FLOAT);
    INDArray b = p.get(AutoencoderFactory.OUTPUT + "_b").castTo(DataType.FLOAT);
    int width = a.outputWidth();
    if (w.rows() != a.hidden() || w.columns() != width) {
      throw new IllegalArgumentException("output layer W is " + w.shapeInfoToString() + ", expected [" + a.hidden() + ", "
          + width + "]");
    }
    g.floats("output_W", new long[] {a.hidden(), width}, flatten(w.toFloatMatrix()));
    g.floats("output_b", new long[] {width}, b.toFloatVector());
    g.node("MatMul", List.of("decoder_2", "output_W"), "output_product");
    g.node("Add", List.of("output_product", "output_b"), "output_time_major");
    if (a.firstDecodedStep() == 0) {
      g.node("Transpose", List.of("output_time_major"), out, Map.of("perm", new long[] {1, 0, 2}));
      return;
    }
    // The context steps the decoder does not produce come back as they went in, before its steps.
    g.node("Transpose", List.of("output_time_major"), "decoded_steps", Map.of("perm", new long[] {1, 0, 2}));
    g.ints("context_starts", 0);
    g.ints("context_ends", a.firstDecodedStep());
    g.ints("context_axis", 1);
    g.node("Slice", List.of(in, "context_starts", "context_ends", "context_axis"), "context_steps");
    g.node("Concat", List.of("context_steps", "decoded_steps"), out, Map.of("axis", 1L));
  }

  /**
   * The encoder over the window's first {@link Architecture#encoderSteps()} steps (all of them, or
   * a Slice on the time axis), time-major, through both LSTMs; the second's outputs (Y, Y_h, Y_c)
   * are named {@code outputs}.
   */
  private static void encoder(GraphBuilder g, Map<String, INDArray> p, Architecture a, String in,
                              List<String> outputs) {
    g.ints("direction_axis", 1);
    String encoderIn = in;
    if (a.encoderSteps() < a.windowLength()) {
      g.ints("encoder_starts", 0);
      g.ints("encoder_ends", a.encoderSteps());
      g.ints("encoder_axis", 1);
      g.node("Slice", List.of(in, "encoder_starts", "encoder_ends", "encoder_axis"), "encoder_steps");
      encoderIn = "encoder_steps";
    }
    g.node("Transpose", List.of(encoderIn), "time_major", Map.of("perm", new long[] {1, 0, 2}));
    lstm(g, p, AutoencoderFactory.ENCODER_1, a.hidden(), "time_major", "encoder_1");
    lstmLayer(g, p, AutoencoderFactory.ENCODER_2, a.embedding(), "encoder_1", outputs);
  }

  /**
   * The conditional variant: the encoder, then its decoder starting from the encoder's last hidden
   * and cell state (initial_h, initial_c), rebuilding the window backwards from its own previous
   * outputs. As in the fused engine, feeding the output back is folded into the decoder's recurrence
   * (R + Wout W, B + bout W) and its input weights are zero, so its X (the window's first steps) does
   * not count; Slice with step -1 puts the steps back in time order.
   */
  private static void conditional(GraphBuilder g, MultiLayerNetwork net, Architecture a, String in, String out) {
    Map<String, INDArray> p = net.paramTable();
    int e = a.embedding();
    int t = a.windowLength();
    encoder(g, p, a, in, List.of("", "embedding", "embedding_cell"));
    g.ints("decoder_starts", 0);
    g.ints("decoder_ends", t - 1);
    g.ints("time_axis", 0);
    g.node("Slice", List.of("time_major", "decoder_starts", "decoder_ends", "time_axis"), "decoder_x");
    int o = AutoencoderFactory.CONDITIONAL_OUTPUT;
    INDArray[] folded = ConditionalFusedEngine.foldedDecoder(p);
    lstmLayer(g, Nd4j.zeros(DataType.FLOAT, a.features(), 4L * e), folded[0], folded[1], "conditional_decoder", e,
        List.of("decoder_x", "", "embedding", "embedding_cell"), List.of("decoder_y"));
    g.node("Squeeze", List.of("decoder_y", "direction_axis"), "decoder_states");
    g.node("Concat", List.of("embedding", "decoder_states"), "states", Map.of("axis", 0L));
    g.floats("output_W", new long[] {e, a.features()}, flatten(p.get(o + "_W").castTo(DataType.FLOAT).toFloatMatrix()));
    g.floats("output_b", new long[] {a.features()}, p.get(o + "_b").castTo(DataType.FLOAT).toFloatVector());
    g.node("MatMul", List.of("states", "output_W"), "output_product");
    g.node("Add", List.of("output_product", "output_b"), "backwards");
    g.ints("reverse_starts", -1);
    g.ints("reverse_ends", Long.MIN_VALUE);
    g.ints("reverse_steps", -1);
    g.node("Slice", List.of("backwards", "reverse_starts", "reverse_ends", "time_axis", "reverse_steps"),
        "output_time_major");
    g.node("Transpose", List.of("output_time_major"), out, Map.of("perm", new long[] {1, 0, 2}));
  }

  /** An LSTM layer whose whole output sequence ([time, batch, H]) is named {@code out}. */
  private static void lstm(GraphBuilder g, Map<String, INDArray> p, int index, int hidden, String in, String out) {
    lstmLayer(g, p, index, hidden, in, List.of(out + "_y"));
    g.node("Squeeze", List.of(out + "_y", "direction_axis"), out);
  }

  private static void lstmLayer(GraphBuilder g, Map<String, INDArray> p, int index, int hidden, String in,
                                List<String> outputs) {
    lstmLayer(g, p.get(index + "_W"), p.get(index + "_RW"), p.get(index + "_b"), "lstm_" + index, hidden,
        List.of(in), outputs);
  }

  /**
   * An ONNX LSTM node named {@code name} from weights in DL4J's layout; {@code inputs} is X, then
   * optionally sequence_lens, initial_h and initial_c ("" for one left out).
   */
  private static void lstmLayer(GraphBuilder g, INDArray weights, INDArray recurrent, INDArray biases, String name,
                                int hidden, List<String> inputs, List<String> outputs) {
    float[][] w = weights.castTo(DataType.FLOAT).toFloatMatrix();
    float[][] rw = recurrent.castTo(DataType.FLOAT).toFloatMatrix();
    float[] b = biases.castTo(DataType.FLOAT).reshape(-1).toFloatVector();
    int inputSize = w.length;
    int g4 = 4 * hidden;
    if (w[0].length != g4 || rw.length != hidden || rw[0].length != g4 || b.length != g4) {
      throw new IllegalArgumentException(name + " is not a peephole-free LSTM with " + hidden + " units");
    }
    float[] ow = new float[g4 * inputSize];
    float[] or = new float[g4 * hidden];
    float[] ob = new float[2 * g4];
    for (int gate = 0; gate < 4; gate++) {
      int from = DL4J_BLOCK_OF_ONNX_GATE[gate] * hidden;
      for (int j = 0; j < hidden; j++) {
        int row = gate * hidden + j;
        for (int i = 0; i < inputSize; i++) {
          ow[row * inputSize + i] = w[i][from + j];
        }
        for (int h = 0; h < hidden; h++) {
          or[row * hidden + h] = rw[h][from + j];
        }
        // DL4J has one bias per gate; ONNX adds an input and a recurrent one: the latter stays 0.
        ob[row] = b[from + j];
      }
    }
    g.floats(name + "_W", new long[] {1, g4, inputSize}, ow);
    g.floats(name + "_R", new long[] {1, g4, hidden}, or);
    g.floats(name + "_B", new long[] {1, 2L * g4}, ob);
    List<String> all = new java.util.ArrayList<>(List.of(inputs.get(0), name + "_W", name + "_R", name + "_B"));
    all.addAll(inputs.subList(1, inputs.size()));
    g.node("LSTM", all, outputs, Map.of("hidden_size", (long) hidden, "direction", "forward"));
  }

  private static float[] flatten(float[][] m) {
    int cols = m[0].length;
    float[] out = new float[m.length * cols];
    for (int r = 0; r < m.length; r++) {
      System.arraycopy(m[r], 0, out, r * cols, cols);
    }
    return out;
  }

  /** Collects nodes, initialisers and the graph's inputs and outputs. */
  private static final class GraphBuilder {
    final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("ecg_lstm_autoencoder");
    int nodes;

    GraphBuilder(Architecture a, String inputDoc) {
      graph.addInput(valueInfo(INPUT, inputDoc, "batch", a.windowLength(), a.features()));
    }

    void output(String name, String doc, Object... dims) {
      graph.addOutput(valueInfo(name, doc, dims));
    }

    void floats(String name, long[] dims, float[] values) {
      if (Arrays.stream(dims).reduce(1, (x, y) -> x * y) != values.length) {
        throw new IllegalArgumentException(name + ": " + values.length + " values for dims " + Arrays.toString(dims));
      }
      ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(values);
      graph.addInitializer(tensor(name, dims, Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(bytes)));
    }

    void ints(String name, long... values) {
      Onnx.TensorProto.Builder t = tensor(name, new long[] {values.length}, Onnx.TensorProto.DataType.INT64_VALUE);
      for (long v : values) {
        t.addInt64Data(v);
      }
      graph.addInitializer(t);
    }

    void node(String op, List<String> inputs, String output) {
      node(op, inputs, List.of(output), Map.of());
    }

    void node(String op, List<String> inputs, String output, Map<String, Object> attributes) {
      node(op, inputs, List.of(output), attributes);
    }

    void node(String op, List<String> inputs, List<String> outputs, Map<String, Object> attributes) {
      Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op)
          .setName(op.toLowerCase(Locale.ROOT) + "_" + nodes++).addAllInput(inputs).addAllOutput(outputs);
      attributes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> n.addAttribute(attribute(e.getKey(), e.getValue())));
      graph.addNode(n);
    }

    Onnx.ModelProto model(String doc, Map<String, String> metadata) {
      Onnx.ModelProto.Builder m = Onnx.ModelProto.newBuilder()
          .setIrVersion(IR_VERSION)
          .setProducerName("ecg-model")
          .setProducerVersion("0.1.0")
          .setDocString(doc)
          .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
          .setGraph(graph.setDocString(doc));
      metadata.forEach((k, v) -> m.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
      return m.build();
    }

    private static Onnx.TensorProto.Builder tensor(String name, long[] dims, int type) {
      Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(type);
      for (long d : dims) {
        t.addDims(d);
      }
      return t;
    }

    /** A float tensor's value info; each dimension a size (Integer) or a symbolic name (String). */
    private static Onnx.ValueInfoProto valueInfo(String name, String doc, Object... dims) {
      Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
      for (Object d : dims) {
        Onnx.TensorShapeProto.Dimension.Builder dim = Onnx.TensorShapeProto.Dimension.newBuilder();
        if (d instanceof String s) {
          dim.setDimParam(s);
        } else {
          dim.setDimValue(((Number) d).longValue());
        }
        shape.addDim(dim);
      }
      return Onnx.ValueInfoProto.newBuilder().setName(name).setDocString(doc)
          .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
              .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
          .build();
    }

    private static Onnx.AttributeProto attribute(String name, Object value) {
      Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name);
      if (value instanceof Long l) {
        a.setType(Onnx.AttributeProto.AttributeType.INT).setI(l);
      } else if (value instanceof String s) {
        a.setType(Onnx.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
      } else if (value instanceof long[] ints) {
        a.setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long i : ints) {
          a.addInts(i);
        }
      } else {
        throw new IllegalArgumentException("attribute " + name + ": unsupported value " + value);
      }
      return a.build();
    }
  }
}
