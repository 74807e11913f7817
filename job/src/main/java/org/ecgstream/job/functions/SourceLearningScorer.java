package org.ecgstream.job.functions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.ecgstream.job.records.Beat;
import org.ecgstream.job.records.SourceModel;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.FeatureNormalizer;
import org.ecgstream.model.scoring.LearntModel;
import org.ecgstream.model.scoring.ReconstructionEngine;
import org.ecgstream.model.scoring.ScoreBatch;
import org.ecgstream.schemas.BeatScore;

/**
 * Each source learns its own autoencoder in the stream: its first {@code windows} windows are kept
 * in state; when they are complete, a model of the configured shape is trained on them (from
 * random weights or the model file's, the fast backward pass, on this task's thread: the other sources of this subtask wait
 * meanwhile) and kept in checkpointed state, and those windows are scored as learning (never
 * flagged). Every later window is scored by the source's own model against its own threshold.
 * Silent sources lose their state after the TTL, as everywhere in the job.
 */
public class SourceLearningScorer extends KeyedProcessFunction<String, Beat, BeatScore> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SourceLearningScorer.class);
  /** Engines built from state are kept for this many sources per subtask. */
  private static final int ENGINES = 256;
  // The shape as plain values: the model library's records are not Serializable, operators are.
  private final int windowLength;
  private final int features;
  private final int embedding;
  private final String variant;
  private final int windows;
  private final int maxEpochs;
  private final double factor;
  private final Duration ttl;
  private final String modelVersion;
  /** The model file whose weights every source starts from; null: random weights. */
  private final String startFrom;

  private transient Architecture architecture;
  private transient LearntModel.Settings settings;
  private transient org.deeplearning4j.nn.multilayer.MultiLayerNetwork initial;

  private transient ListState<Beat> learning;
  private transient ValueState<Integer> learningCount;
  private transient ValueState<SourceModel> model;
  private transient Map<String, Runtime> engines;
  private transient Counter learnt;
  private transient Histogram learningMillis;

  private record Runtime(LearntModel model, ReconstructionEngine engine) {}

  /** @param startFrom the model file whose weights each source's learning starts from; null: random weights */
  public SourceLearningScorer(Architecture architecture, int windows, int maxEpochs, double factor, Duration ttl,
                              String modelVersion, java.nio.file.Path startFrom) {
    this.startFrom = startFrom == null ? null : startFrom.toString();
    this.windowLength = architecture.windowLength();
    this.features = architecture.features();
    this.embedding = architecture.embedding();
    this.variant = architecture.variant().name();
    this.windows = windows;
    this.maxEpochs = maxEpochs;
    this.factor = factor;
    this.ttl = ttl;
    this.modelVersion = modelVersion;
  }

  @Override
  public void open(OpenContext ctx) {
    architecture = new Architecture(windowLength, features, embedding,
        org.ecgstream.model.nn.Variant.valueOf(variant));
    // Early stopping after 5 epochs without progress; threshold factor × the 0.99 quantile.
    settings = new LearntModel.Settings(maxEpochs, 5, 0.99, factor, 1);
    initial = startFrom == null ? null : org.ecgstream.model.bundle.ModelFile.load(java.nio.file.Path.of(startFrom))
        .network();
    StateTtlConfig expiry = StateTtlConfig.newBuilder(ttl).setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired).build();
    ListStateDescriptor<Beat> l = new ListStateDescriptor<>("learning windows", Beat.class);
    l.enableTimeToLive(expiry);
    ValueStateDescriptor<SourceModel> m = new ValueStateDescriptor<>("source model", SourceModel.class);
    m.enableTimeToLive(expiry);
    learning = getRuntimeContext().getListState(l);
    ValueStateDescriptor<Integer> n = new ValueStateDescriptor<>("learning windows kept", Integer.class);
    n.enableTimeToLive(expiry);
    learningCount = getRuntimeContext().getState(n);
    model = getRuntimeContext().getState(m);
    engines = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Runtime> eldest) {
        return size() > ENGINES;
      }
    };
    var g = getRuntimeContext().getMetricGroup();
    learnt = g.counter("sourcesLearnt");
    learningMillis = g.histogram("sourceLearningMs", new DescriptiveStatisticsHistogram(100));
  }

  @Override
  public void processElement(Beat beat, Context ctx, Collector<BeatScore> out) throws Exception {
    String source = ctx.getCurrentKey();
    SourceModel state = model.value();
    if (state != null) {
      // Written again so that a source still sending keeps its model past the TTL.
      model.update(state);
      Runtime r = engines.computeIfAbsent(source, s -> runtime(state));
      out.collect(score(beat, r, "source"));
      return;
    }
    learning.add(beat);
    int count = learningCount.value() == null ? 1 : learningCount.value() + 1;
    if (count < windows) {
      learningCount.update(count);
      return;
    }
    List<Beat> kept = new ArrayList<>();
    learning.get().forEach(kept::add);
    long start = System.nanoTime();
    LearntModel m = LearntModel.learn(kept.stream().map(b -> b.values).toList(), architecture, settings, initial);
    long millis = (System.nanoTime() - start) / 1_000_000;
    learningMillis.update(millis);
    learnt.inc();
    // No source id: logs carry no patient's or machine's identity.
    LOG.info("A source learnt its model from {} windows in {} ms ({} epochs)", kept.size(), millis, m.epochs());
    SourceModel s = new SourceModel();
    s.params = m.params();
    s.mean = m.normalizer().mean();
    s.std = m.normalizer().std();
    s.threshold = m.threshold();
    s.epochs = m.epochs();
    s.learntBeforeSequence = beat.lastSequence + 1;
    model.update(s);
    learning.clear();
    learningCount.clear();
    Runtime r = new Runtime(m, m.engine());
    engines.put(source, r);
    for (Beat b : kept) {
      out.collect(score(b, r, "learning"));
    }
  }

  private Runtime runtime(SourceModel s) {
    LearntModel m = new LearntModel(architecture, s.params, new FeatureNormalizer(s.mean, s.std), s.threshold, s.epochs);
    return new Runtime(m, m.engine());
  }

  private BeatScore score(Beat b, Runtime r, String kind) {
    long started = System.nanoTime();
    LearntModel.Scored scored = r.model().score(r.engine(), b.values);
    boolean anomalous = kind.equals("source") && scored.score() > r.model().threshold();
    int t = architecture.windowLength();
    int f = architecture.features();
    // The output record's fields (segments, top steps, channels) come from one scored window.
    ScoreBatch one = new ScoreBatch(1, t, f, f, new double[] {scored.score()}, scored.absErrors(), null,
        new boolean[] {anomalous}, r.model().threshold(), null);
    BeatScore s = BeatScoreFactory.of(b, one, 0, modelVersion, System.currentTimeMillis(),
        (System.nanoTime() - started) / 1000, 1);
    s.setLossMean(scored.score() / f);
    s.setThresholdKind(kind);
    return s;
  }
}
