package org.ecgstream.model.bundle;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.threshold.Threshold;

/** A trained network together with its {@link ModelMetadata}: what one model file holds. */
public record ModelBundle(MultiLayerNetwork network, ModelMetadata metadata) {

  public Architecture architecture() {
    return metadata.architecture();
  }

  public FeatureNormalizer normalizer() {
    return metadata.normalizer();
  }

  public Threshold threshold() {
    return metadata.threshold();
  }

  public ModelBundle withMetadata(ModelMetadata m) {
    return new ModelBundle(network, m);
  }
}
