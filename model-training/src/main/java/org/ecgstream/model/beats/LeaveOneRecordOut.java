package org.ecgstream.model.beats;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.stream.IntStream;

/**
 * The honest protocol: for each record, a classifier trained on every other record's beats (all
 * of them, labels included) judges this record's beats, which it never saw; the probability above
 * which a beat is flagged is chosen inside the training records too, on out-of-fold predictions
 * of {@value #INNER_FOLDS} groups of them. Nothing learnt across patients touches the record being
 * scored.
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

  /** Each record's verdicts for the class {@code label} picks, from models trained without that record. */
  public static List<Fold> run(List<RecordBeats> records, BiPredicate<RecordBeats, Integer> label,
                               BoostedTrees.Settings settings) {
    return IntStream.range(0, records.size()).parallel().mapToObj(held -> {
      List<RecordBeats> training = new ArrayList<>(records);
      training.remove(held);
      double threshold = chooseThreshold(training, label, settings);
      BoostedTrees model = train(training, label, settings);
      return new Fold(probabilities(model, records.get(held)), threshold);
    }).toList();
  }

  /**
   * The classifier to ship: trees for V beats on every beat of {@code records}, the threshold chosen
   * as each fold of {@link #run} chooses its own (out-of-fold over {@value #INNER_FOLDS} groups).
   */
  public static BeatClassifier ventricular(List<RecordBeats> records, int leads, BoostedTrees.Settings settings) {
    BiPredicate<RecordBeats, Integer> label = (r, i) -> r.isVentricular(i);
    return new BeatClassifier(leads, chooseThreshold(records, label, settings), train(records, label, settings),
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
                                                   java.io.PrintStream progress) {
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
      v.add(fold(fit, test, (r, i) -> r.isVentricular(i), settings));
      s.add(supraventricular ? fold(fit, test, (r, i) -> r.isSupraventricular(i), settings)
          : new Fold(new double[test.size()], 1));
      progress.printf("fold %d of %d (record %s held out): %.0f s%n", held + 1, records.size(), test.record(),
          (System.nanoTime() - t0) / 1e9);
    }
    return new WithAutoencoder(v, s, ae);
  }

  private static Fold fold(List<RecordBeats> training, RecordBeats test, BiPredicate<RecordBeats, Integer> label,
                           BoostedTrees.Settings settings) {
    double threshold = chooseThreshold(training, label, settings);
    return new Fold(probabilities(train(training, label, settings), test), threshold);
  }

  /**
   * The threshold with the best F1 (harmonic mean of sensitivity and positive predictivity, over
   * beats) on out-of-fold predictions: the records split into groups, each group judged by a
   * model trained on the others.
   */
  static double chooseThreshold(List<RecordBeats> records, BiPredicate<RecordBeats, Integer> label,
                                BoostedTrees.Settings settings) {
    int[] tp = new int[THRESHOLDS.length];
    int[] fp = new int[THRESHOLDS.length];
    int[] fn = new int[THRESHOLDS.length];
    for (int g = 0; g < INNER_FOLDS; g++) {
      List<RecordBeats> fit = new ArrayList<>();
      List<RecordBeats> judged = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        (i % INNER_FOLDS == g ? judged : fit).add(records.get(i));
      }
      BoostedTrees model = train(fit, label, settings);
      for (RecordBeats r : judged) {
        double[] p = probabilities(model, r);
        for (int i = 0; i < p.length; i++) {
          boolean yes = label.test(r, i);
          for (int t = 0; t < THRESHOLDS.length; t++) {
            boolean flagged = p[i] > THRESHOLDS[t];
            tp[t] += flagged && yes ? 1 : 0;
            fp[t] += flagged && !yes ? 1 : 0;
            fn[t] += !flagged && yes ? 1 : 0;
          }
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

  static double[] probabilities(BoostedTrees model, RecordBeats r) {
    double[] p = new double[r.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = model.probability(r.features()[i]);
    }
    return p;
  }

  /** A classifier for the class {@code label} picks, from every beat of {@code records}. */
  public static BoostedTrees train(List<RecordBeats> records, BiPredicate<RecordBeats, Integer> label,
                                   BoostedTrees.Settings settings) {
    int n = records.stream().mapToInt(RecordBeats::size).sum();
    double[][] x = new double[n][];
    boolean[] y = new boolean[n];
    int k = 0;
    for (RecordBeats r : records) {
      for (int i = 0; i < r.size(); i++) {
        x[k] = r.features()[i];
        y[k++] = label.test(r, i);
      }
    }
    return BoostedTrees.fit(x, y, settings);
  }
}
