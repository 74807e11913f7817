package org.ecgstream.job.functions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.ecgstream.job.records.Beat;
import org.ecgstream.model.scoring.OpenBlasKernels;
import org.ecgstream.model.scoring.VectorKernels;
import org.ecgstream.model.scoring.ScoreBatch;
import org.ecgstream.model.scoring.Scorer;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.schemas.BeatScore;

/**
 * Scores beats with the autoencoder in micro-batches across sources: a batch is scored when it
 * reaches the maximum size or has waited the maximum time. Beats waiting in a batch are scored
 * before every checkpoint barrier and watermark is passed on, so a checkpoint never holds them
 * and a failure never loses them.
 */
public class BeatScoringOperator extends AbstractStreamOperator<BeatScore> implements OneInputStreamOperator<Beat, BeatScore> {
  // A String: Path is not serializable, and operators travel to the task managers serialized.
  private final String modelPath;
  private final ScoringEngine engine;
  private final int threads;
  private final int maxBatch;
  private final long maxWaitMs;
  private final boolean embeddings;

  private transient Scorer scorer;
  private transient List<Beat> batch;
  private transient float[] flat;
  private transient boolean timerSet;
  private transient String modelVersion;
  private transient Counter scored;
  private transient Counter anomalies;
  private transient Histogram batchSizes;
  private transient Histogram latencyMs;
  private transient Histogram losses;

  public BeatScoringOperator(Path modelPath, ScoringEngine engine, int threads, int maxBatch, long maxWaitMs) {
    this(modelPath, engine, threads, maxBatch, maxWaitMs, false);
  }

  /** With {@code embeddings}, every score also carries the encoder's embedding of its beat. */
  public BeatScoringOperator(Path modelPath, ScoringEngine engine, int threads, int maxBatch, long maxWaitMs,
                             boolean embeddings) {
    this.modelPath = modelPath.toString();
    this.engine = engine;
    this.threads = threads;
    this.maxBatch = maxBatch;
    this.maxWaitMs = maxWaitMs;
    this.embeddings = embeddings;
  }

  @Override
  public void open() throws Exception {
    super.open();
    scorer = Scorer.load(Path.of(modelPath), engine, threads);
    // The hint is about OpenBLAS's kernels: no use to the Vector API engine.
    if (scorer.usesOpenBlas()) {
      OpenBlasKernels.hint().ifPresent(LOG::warn);
    }
    LOG.info("Scoring model {} with the {} engine{}", scorer.metadata().modelVersion(), scorer.engineName(),
        engine == ScoringEngine.FUSED && !VectorKernels.usable() ? "; " + VectorKernels.describe() : "");
    modelVersion = scorer.metadata().modelVersion();
    batch = new ArrayList<>(maxBatch);
    flat = new float[maxBatch * scorer.windowLength() * scorer.features()];
    var g = getMetricGroup();
    scored = g.counter("beatsScored");
    anomalies = g.counter("anomalies");
    batchSizes = g.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
    latencyMs = g.histogram("scoringLatencyMs", new DescriptiveStatisticsHistogram(1000));
    losses = g.histogram("loss", new DescriptiveStatisticsHistogram(1000));
    g.gauge("modelThreshold", () -> scorer.metadata().threshold().value());
  }

  @Override
  public void processElement(StreamRecord<Beat> element) throws Exception {
    Beat beat = element.getValue();
    if (beat.values.length != scorer.windowLength() * scorer.features()) {
      throw new IllegalStateException("beat " + beat + " has " + beat.values.length + " values; the assembler and the model "
          + "disagree on the window size");
    }
    batch.add(beat);
    if (batch.size() >= maxBatch) {
      flush();
    } else if (!timerSet) {
      timerSet = true;
      long due = getProcessingTimeService().getCurrentProcessingTime() + maxWaitMs;
      getProcessingTimeService().registerTimer(due, t -> flush());
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    flush();
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  private void flush() {
    timerSet = false;
    if (batch.isEmpty()) {
      return;
    }
    int n = batch.size();
    int size = scorer.windowLength() * scorer.features();
    for (int i = 0; i < n; i++) {
      System.arraycopy(batch.get(i).values, 0, flat, i * size, size);
    }
    ScoreBatch result = scorer.score(flat, n, embeddings);
    long now = System.currentTimeMillis();
    batchSizes.update(n);
    for (int i = 0; i < n; i++) {
      Beat b = batch.get(i);
      long latency = now - b.assembledAtMillis;
      latencyMs.update(latency);
      losses.update(Math.round(result.loss(i)));
      scored.inc();
      if (result.isAnomalous(i)) {
        anomalies.inc();
      }
      BeatScore s = BeatScoreFactory.of(b, result, i, modelVersion, now, latency * 1000, n);
      output.collect(new StreamRecord<>(s, b.endTimeMillis));
    }
    batch.clear();
  }
}
