package org.ecgstream.job;

import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.ecgstream.job.config.JobConfig;
import org.ecgstream.job.functions.AlertDebouncer;
import org.ecgstream.job.functions.BeatAssembler;
import org.ecgstream.job.functions.BeatScoringOperator;
import org.ecgstream.job.functions.DeadLetters;
import org.ecgstream.job.functions.FrameDecoder;
import org.ecgstream.job.functions.FrameRules;
import org.ecgstream.job.functions.PatientCalibrator;
import org.ecgstream.job.functions.SourceLearningScorer;
import org.ecgstream.job.io.KafkaAccessCheck;
import org.ecgstream.job.records.Beat;
import org.ecgstream.job.records.RawRecord;
import org.ecgstream.model.beats.BeatClassifier;
import org.ecgstream.model.bundle.ModelFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ecgstream.model.bundle.ModelMetadata;
import org.ecgstream.model.scoring.ScoringEngine;
import org.ecgstream.schemas.Alert;
import org.ecgstream.schemas.BeatScore;
import org.ecgstream.schemas.DeadLetter;
import org.ecgstream.schemas.SampleFrame;

/**
 * The streaming job: ECG samples from Kafka, assembled into beats per source, scored by the
 * autoencoder, debounced into alerts; scores, alerts and dead letters back to Kafka, exactly once.
 * This class only wires; each step is an operator of its own.
 */
public final class EcgAnomalyJob {
  private static final Logger LOG = LoggerFactory.getLogger(EcgAnomalyJob.class);

  private EcgAnomalyJob() {}

  /** How long the check of the job's Kafka rights waits for a broker before letting the job start. */
  static final java.time.Duration ACCESS_CHECK_TIMEOUT = java.time.Duration.ofSeconds(30);

  public static void main(String[] args) throws Exception {
    JobConfig config = JobConfig.fromArgs(args);
    // A wrong password or a missing ACL refused here in one line, not as task failures later.
    KafkaAccessCheck.verify(config, ACCESS_CHECK_TIMEOUT);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env, config, JobEnds.kafka(config), UnaryOperator.identity());
    env.execute("ecg-anomaly-detection");
  }

  /**
   * The configured engine, refused at submission when it cannot run the model (DL4J and the
   * conditional decoder), rather than by every scoring task as it starts.
   */
  static ScoringEngine engineFor(ModelMetadata model, String configured) {
    ScoringEngine engine = ScoringEngine.valueOf(configured.toUpperCase(java.util.Locale.ROOT));
    if (engine == ScoringEngine.DL4J && ScoringEngine.reference(model.architecture()) != ScoringEngine.DL4J) {
      throw new IllegalArgumentException("scorer.engine=dl4j cannot score model " + model.modelVersion() + ": its "
          + model.architecture().variant() + " variant runs on the fused engine only; set scorer.engine=fused");
    }
    return engine;
  }

  /**
   * Adds the job to {@code env}, reading and writing through {@code ends}. {@code afterScoring} may
   * insert operators between scoring and the sinks (tests inject failures there); production passes
   * the identity.
   */
  public static void build(StreamExecutionEnvironment env, JobConfig c, JobEnds ends,
                           UnaryOperator<DataStream<BeatScore>> afterScoring) {
    // Read the model's shape here, without starting ND4J: the job graph depends on it.
    ModelMetadata model = ModelFile.readMetadata(c.modelPath());
    ScoringEngine engine = engineFor(model, c.scorerEngine());
    int length = model.architecture().windowLength();
    int channels = model.architecture().features();
    if (!c.channelNames().isEmpty() && c.channelNames().size() != channels) {
      throw new IllegalArgumentException("channel.names names " + c.channelNames().size() + " channels but model "
          + model.modelVersion() + " reads " + channels);
    }
    if (c.parallelism() > 0) {
      env.setParallelism(c.parallelism());
    }
    env.enableCheckpointing(c.checkpointInterval().toMillis(),
        c.exactlyOnce() ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);

    // No watermarks: no decision of the job depends on event time across sources, so no device's
    // clock can hold back or rush another patient's beats (README, "Clocks and isolation").
    DataStream<RawRecord> raw = env.fromSource(ends.samples(), WatermarkStrategy.noWatermarks(), "samples: " + c.samplesTopic())
        .uid("samples-source");

    SingleOutputStreamOperator<SampleFrame> frames = raw
        .process(new FrameDecoder(FrameRules.of(c, channels)))
        .name("decode and validate frames").uid("frame-decoder");

    SingleOutputStreamOperator<Beat> beats = frames
        .keyBy(SampleFrame::getSourceId)
        .process(assembler(c, length, channels))
        .name("assemble beats").uid("beat-assembler");

    DataStream<BeatScore> scores;
    if (c.sourceLearningWindows() > 0) {
      // Each source learns its own model of the model file's shape, from random weights or the file's.
      scores = beats.keyBy(b -> b.sourceId)
          .process(new SourceLearningScorer(model.architecture(), c.sourceLearningWindows(), c.sourceLearningEpochs(),
              c.sourceLearningFactor(), c.stateTtl(), model.modelVersion() + "/per-source",
              c.sourceLearningFromModel() ? c.modelPath() : null))
          .name("learn and score per source").uid("source-learning-scorer");
    } else {
      scores = beats
          .transform("score beats", TypeInformation.of(BeatScore.class),
              new BeatScoringOperator(c.modelPath(), engine,
                  c.scorerThreads(), c.batchMaxSize(), c.batchMaxWait().toMillis(), c.scoresEmbedding()))
          .uid("beat-scorer");
    }
    if (c.calibrationLearning().toMillis() > 0) {
      scores = scores.keyBy(BeatScore::getSourceId)
          .process(new PatientCalibrator(c.calibrationLearning(), c.calibrationK(), c.stateTtl()))
          .name("calibrate per patient").uid("patient-calibrator");
    }
    scores = afterScoring.apply(scores);

    DataStream<Alert> alerts = scores
        .keyBy(BeatScore::getSourceId)
        .process(new AlertDebouncer(c.alertK(), c.alertM(), c.alertCloseAfter(), c.alertUpdateEvery(), c.stateTtl(),
            c.channelNames()))
        .name("debounce alerts").uid("alert-debouncer");

    DataStream<DeadLetter> deadLetters = frames.getSideOutput(DeadLetters.TAG).union(beats.getSideOutput(DeadLetters.TAG));

    scores.sinkTo(ends.scores()).name("scores: " + c.scoresTopic()).uid("scores-sink");
    alerts.sinkTo(ends.alerts()).name("alerts: " + c.alertsTopic()).uid("alerts-sink");
    deadLetters.sinkTo(ends.deadLetters()).name("dead letters: " + c.deadLettersTopic()).uid("dead-letters-sink");
  }

  private static BeatAssembler assembler(JobConfig c, int length, int channels) {
    if (!c.beats().equals("r-peak")) {
      return new BeatAssembler(length, channels, c.windowStride(), c.allowedLateness(), c.stateTtl(), c.samplesTopic());
    }
    BeatClassifier classifier = beatClassifier(c);
    BeatAssembler a = BeatAssembler.aroundRPeaks(length, channels, c.rPeakLead(), c.rPeakBefore().toMillis(),
        c.rPeakAfter().toMillis(), c.allowedLateness(), c.stateTtl(), c.samplesTopic(), classifier);
    // The patient template learns over the calibrator's learning period, so it is on whenever that is,
    // unless the classifier judges the beats.
    return c.calibrationLearning().toMillis() > 0 && classifier == null
        ? a.withPatientTemplates(c.calibrationLearning(), c.calibrationTemplateK(), c.calibrationTemplateMinMismatch())
        : a;
  }

  /**
   * The model file's beat classifier, when beats are cut around R peaks, beat-classifier=auto and
   * a learning period lets the calibrator publish its verdicts; null otherwise.
   */
  static BeatClassifier beatClassifier(JobConfig c) {
    if (!c.beatClassifier() || !c.beats().equals("r-peak") || c.calibrationLearning().isZero()
        || c.sourceLearningWindows() > 0) {
      return null;
    }
    BeatClassifier classifier = ModelFile.readClassifier(c.modelPath()).orElse(null);
    if (classifier != null) {
      LOG.info("beats judged by the model file's classifier {} (trained on {} records, {} lead(s), threshold {})",
          ModelFile.classifierVersion(classifier), classifier.trainedOn().size(), classifier.leads(),
          classifier.threshold());
    }
    return classifier;
  }
}
