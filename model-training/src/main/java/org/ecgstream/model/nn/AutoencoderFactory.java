package org.ecgstream.model.nn;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Builds the untrained LSTM autoencoder network for an {@link Architecture}. */
public final class AutoencoderFactory {
  /** Layer indices; the fast scoring path reads weights by these. */
  public static final int ENCODER_1 = 0;
  public static final int ENCODER_2 = 1;
  public static final int REPEAT = 2;
  public static final int DECODER_1 = 3;
  public static final int DECODER_2 = 4;
  public static final int OUTPUT = 5;
  /** The conditional variant's layers after the two encoder layers: its decoder and output layer. */
  public static final int CONDITIONAL_DECODER = 2;
  public static final int CONDITIONAL_OUTPUT = 3;

  private AutoencoderFactory() {}

  public static MultiLayerNetwork create(Architecture a, LossKind loss, double learningRate, long seed) {
    if (a.variant() == Variant.CONDITIONAL) {
      return conditional(a, loss, learningRate, seed);
    }
    int e = a.embedding();
    MultiLayerConfiguration conf = layers(learningRate, seed)
        .layer(ENCODER_1, lstm(a.features(), a.hidden()))
        .layer(ENCODER_2, new LastTimeStep(lstm(a.hidden(), e)))
        .layer(REPEAT, new RepeatVector.Builder(a.decoderSteps()).dataFormat(RNNFormat.NCW).build())
        .layer(DECODER_1, lstm(e, e))
        .layer(DECODER_2, lstm(e, a.hidden()))
        .layer(OUTPUT, output(loss, a.hidden(), a.outputWidth()))
        .setInputType(InputType.recurrent(a.features(), a.encoderSteps(), RNNFormat.NCW))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  private static NeuralNetConfiguration.ListBuilder layers(double learningRate, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(new Adam(learningRate))
        .weightInit(WeightInit.XAVIER)
        .list();
  }

  private static RnnOutputLayer output(LossKind loss, int in, int out) {
    return new RnnOutputLayer.Builder(loss == LossKind.L1 ? LossFunctions.LossFunction.L1 : LossFunctions.LossFunction.MSE)
        .nIn(in).nOut(out).activation(Activation.IDENTITY).dataFormat(RNNFormat.NCW).build();
  }

  /**
   * The conditional variant's parameters as a network: encoder LSTM(features→2E), LSTM(2E→E), the
   * decoder LSTM(features→E) and its linear output (E→features). The layers do not chain (the
   * decoder reads values, not the encoder's outputs, and starts from the encoder's state), so DL4J
   * stores and initialises it but cannot run it; the backward pass trains it and the fused engine
   * scores it.
   */
  private static MultiLayerNetwork conditional(Architecture a, LossKind loss, double learningRate, long seed) {
    int e = a.embedding();
    MultiLayerConfiguration conf = layers(learningRate, seed)
        // Without this DL4J would set each layer's inputs to the previous layer's outputs.
        .overrideNinUponBuild(false)
        .layer(ENCODER_1, lstm(a.features(), a.hidden()))
        .layer(ENCODER_2, lstm(a.hidden(), e))
        .layer(CONDITIONAL_DECODER, lstm(a.features(), e))
        .layer(CONDITIONAL_OUTPUT, output(loss, e, a.features()))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  private static LSTM lstm(int in, int out) {
    return new LSTM.Builder().nIn(in).nOut(out)
        .activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID)
        .dataFormat(RNNFormat.NCW).build();
  }
}
