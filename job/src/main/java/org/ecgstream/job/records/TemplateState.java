package org.ecgstream.job.records;

/**
 * A source's dominant-beat learning: when it started (event time of its first beat), how many
 * learning beats are kept, and once learnt the template's shape and threshold. Kept in keyed state.
 */
public class TemplateState {
  public long startMillis;
  public int kept;
  /** Null while learning. */
  public float[] shape;
  public double threshold;

  public TemplateState() {}
}
