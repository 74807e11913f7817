package org.ecgstream.model.beats;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.stream.IntStream;

/**
 * The honest protocol: for each record, a classifier trained on every other record's beats (all
 * of them, labels included) judges this record's beats, which it never saw; the probability above
 * which a beat is flagged is chosen inside the training records too, on out-of-fold predictions
 * of {@value #INNER_FOLDS} groups of them, and so is the second stage's context (the first stage's
 * verdicts it learns from are out-of-fold ones, as the held-out record's will be). Nothing learnt
 * across patients touches the record being scored.
 */
public final class LeaveOneRecordOut {
  public static final int INNER_FOLDS = 3;
  /** Thresholds tried: 0.10, 0.15, ..., 0.90. */
  static final double[] THRESHOLDS = IntStream.rangeClosed(2, 18).mapToDouble(i -> i * 0.05).toArray();

  /** One held-out record's verdicts: each beat's probability and the threshold chosen without it. */
  public record Fold(double[] probability, double threshold) {
    public boolean[] flags() {
      boolean[] f = new boolean[probability.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = probability[i] > threshold;
      }
      return f;
    }
  }

  private LeaveOneRecordOut() {}

  /**
   * Each record's verdicts for the class {@code label} picks, from classifiers trained without that
   * record; with {@code context}, two-stage ones ({@link BeatClassifier}).
   */
  public static List<Fold> run(List<RecordBeats> records, BiPredicate<RecordBeats, Integer> label,
                               BoostedTrees.Settings settings, boolean context) {
    return IntStream.range(0, records.size()).parallel().mapToObj(held -> {
      List<RecordBeats> training = new ArrayList<>(records);
      training.remove(held);
      return fold(training, records.get(held), label, settings, context);
    }).toList();
  }

  /**
   * The classifier for the class {@code label} picks, trained on every beat of {@code records}:
   * the first stage on their features; with {@code context} the second on their features and
   * the first stage's out-of-fold verdicts; the threshold with the best out-of-fold F1 of the last
   * stage. {@code leads}: how many leads the records' features were computed from.
   */
  public static BeatClassifier fit(List<RecordBeats> records, BiPredicate<RecordBeats, Integer> label, int leads,
                                   BoostedTrees.Settings settings, boolean context) {
    List<double[][]> features = records.stream().map(RecordBeats::features).toList();
    BoostedTrees first = train(records, features, label, settings);
    List<double[]> outOfFold = outOfFold(records, features, label, settings);
    BoostedTrees second = null;
    if (context) {
      List<double[][]> withContext = new ArrayList<>();
      for (int r = 0; r < records.size(); r++) {
        withContext.add(BeatContext.ofRecord(features.get(r), outOfFold.get(r)));
      }
      second = train(records, withContext, label, settings);
      outOfFold = outOfFold(records, withContext, label, settings);
    }
    return new BeatClassifier(leads, bestF1(records, outOfFold, label), first, second,
        records.stream().map(RecordBeats::record).toList());
  }

  /** What the autoencoder runs give: each class's folds, and each held-out record's autoencoder features. */
  public record WithAutoencoder(List<Fold> ventricular, List<Fold> supraventricular, List<double[][]> autoencoder) {}

  /**
   * As {@link #run}, with the autoencoder's two features added to every beat's: for each held-out
   * record an autoencoder is trained on the normal beats of the others ({@link BeatAutoencoder}),
   * and the trees are trained on the others' beats described with it. Folds run one after the
   * other (each trains a network).
   */
  public static WithAutoencoder runWithAutoencoder(List<RecordBeats> records, BoostedTrees.Settings settings,
                                                   double learningSeconds, boolean supraventricular,
                                                   boolean context, java.io.PrintStream progress) {
    List<Fold> v = new ArrayList<>();
    List<Fold> s = new ArrayList<>();
    List<double[][]> ae = new ArrayList<>();
    java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
    for (int held = 0; held < records.size(); held++) {
      List<RecordBeats> training = new ArrayList<>(records);
      training.remove(held);
      long t0 = System.nanoTime();
      BeatAutoencoder model = BeatAutoencoder.train(training, 7L * held + 1, quiet);
      List<double[][]> extra = records.stream().map(r -> model.features(r, learningSeconds)).toList();
      List<RecordBeats> described = new ArrayList<>();
      for (int r = 0; r < records.size(); r++) {
        described.add(records.get(r).withExtraFeatures(extra.get(r)));
      }
      ae.add(extra.get(held));
      List<RecordBeats> fit = new ArrayList<>(described);
      fit.remove(held);
      RecordBeats test = described.get(held);
      v.add(fold(fit, test, (r, i) -> r.isVentricular(i), settings, context));
      s.add(supraventricular ? fold(fit, test, (r, i) -> r.isSupraventricular(i), settings, context)
          : new Fold(new double[test.size()], 1));
      progress.printf("fold %d of %d (record %s held out): %.0f s%n", held + 1, records.size(), test.record(),
          (System.nanoTime() - t0) / 1e9);
    }
    return new WithAutoencoder(v, s, ae);
  }

  private static Fold fold(List<RecordBeats> training, RecordBeats test, BiPredicate<RecordBeats, Integer> label,
                           BoostedTrees.Settings settings, boolean context) {
    BeatClassifier c = fit(training, label, 1, settings, context);
    return new Fold(c.probabilities(test.features()), c.threshold());
  }

  /**
   * Each record's probabilities from a model that never saw it: the records split into
   * {@value #INNER_FOLDS} groups, each group judged by a model trained on the others.
   */
  static List<double[]> outOfFold(List<RecordBeats> records, List<double[][]> features,
                                  BiPredicate<RecordBeats, Integer> label, BoostedTrees.Settings settings) {
    double[][] p = new double[records.size()][];
    for (int g = 0; g < INNER_FOLDS; g++) {
      List<RecordBeats> fit = new ArrayList<>();
      List<double[][]> fitFeatures = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        if (i % INNER_FOLDS != g) {
          fit.add(records.get(i));
          fitFeatures.add(features.get(i));
        }
      }
      BoostedTrees model = train(fit, fitFeatures, label, settings);
      for (int i = g; i < records.size(); i += INNER_FOLDS) {
        double[][] f = features.get(i);
        p[i] = new double[f.length];
        for (int k = 0; k < f.length; k++) {
          p[i][k] = model.probability(f[k]);
        }
      }
    }
    return List.of(p);
  }

  /**
   * The threshold with the best F1 (harmonic mean of sensitivity and positive predictivity, over
   * beats) on out-of-fold probabilities.
   */
  static double bestF1(List<RecordBeats> records, List<double[]> outOfFold, BiPredicate<RecordBeats, Integer> label) {
    int[] tp = new int[THRESHOLDS.length];
    int[] fp = new int[THRESHOLDS.length];
    int[] fn = new int[THRESHOLDS.length];
    for (int r = 0; r < records.size(); r++) {
      double[] p = outOfFold.get(r);
      for (int i = 0; i < p.length; i++) {
        boolean yes = label.test(records.get(r), i);
        for (int t = 0; t < THRESHOLDS.length; t++) {
          boolean flagged = p[i] > THRESHOLDS[t];
          tp[t] += flagged && yes ? 1 : 0;
          fp[t] += flagged && !yes ? 1 : 0;
          fn[t] += !flagged && yes ? 1 : 0;
        }
      }
    }
    int best = 0;
    double bestF1 = -1;
    for (int t = 0; t < THRESHOLDS.length; t++) {
      double f1 = 2.0 * tp[t] / Math.max(1, 2 * tp[t] + fp[t] + fn[t]);
      if (f1 > bestF1) {
        bestF1 = f1;
        best = t;
      }
    }
    return THRESHOLDS[best];
  }

  /** A classifier for the class {@code label} picks, from every beat of {@code records} described by {@code features}. */
  static BoostedTrees train(List<RecordBeats> records, List<double[][]> features,
                            BiPredicate<RecordBeats, Integer> label, BoostedTrees.Settings settings) {
    int n = features.stream().mapToInt(f -> f.length).sum();
    double[][] x = new double[n][];
    boolean[] y = new boolean[n];
    int k = 0;
    for (int r = 0; r < records.size(); r++) {
      double[][] f = features.get(r);
      for (int i = 0; i < f.length; i++) {
        x[k] = f[i];
        y[k++] = label.test(records.get(r), i);
      }
    }
    return BoostedTrees.fit(x, y, settings);
  }
}
