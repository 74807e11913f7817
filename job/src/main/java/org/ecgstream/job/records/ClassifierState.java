package org.ecgstream.job.records;

/**
 * A source's beat classification in progress, beside its R-peak state: each classifier lead
 * filtered ({@code filters}: the filters' state; {@code filtered}: the ring of filtered samples,
 * indexed as the raw ring, leads interleaved) and what the classifier has learnt of the patient
 * ({@code patient}: {@link org.ecgstream.model.beats.PatientBeats#toBytes}) and the first stage's
 * verdicts on the last beats, which the second stage reads ({@code recent}, oldest first). A Flink POJO.
 */
public class ClassifierState {
  public int leads;
  public double[] filters;
  public float[] filtered;
  public byte[] patient;
  public double[] recent;
  /** The rhythm rules' state ({@link org.ecgstream.model.eval.RhythmTracker#toBytes}) and the last classified beat's R peak. */
  public byte[] rhythm;
  public long lastPeak = -1;

  public ClassifierState() {}
}
