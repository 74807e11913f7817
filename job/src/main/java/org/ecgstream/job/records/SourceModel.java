package org.ecgstream.job.records;

/**
 * A source's own autoencoder as keyed state: its weights and standardisation as arrays and its
 * threshold, a Flink POJO (no field falls back to Kryo). About 4 bytes a weight: 8 channels and
 * E = 8 make a few thousand weights.
 */
public class SourceModel {
  public float[] params;
  public float[] mean;
  public float[] std;
  public double threshold;
  public int epochs;
  /** First sample of the first window it scored after learning. */
  public long learntBeforeSequence;

  public SourceModel() {}
}
