package org.ecgstream.model.beats;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.stream.IntStream;

/**
 * The honest protocol: for each record, a classifier trained on every other record's beats (all
 * of them, labels included) judges this record's beats, which it never saw. Nothing learnt across
 * patients touches the record being scored.
 */
public final class LeaveOneRecordOut {
  private LeaveOneRecordOut() {}

  /** Each record's beats' probabilities of the class {@code label} picks, from a model trained without that record. */
  public static List<double[]> probabilities(List<RecordBeats> records, BiPredicate<RecordBeats, Integer> label,
                                             BoostedTrees.Settings settings) {
    return IntStream.range(0, records.size()).parallel().mapToObj(held -> {
      List<RecordBeats> training = new ArrayList<>(records);
      training.remove(held);
      BoostedTrees model = train(training, label, settings);
      RecordBeats test = records.get(held);
      double[] p = new double[test.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = model.probability(test.features()[i]);
      }
      return p;
    }).toList();
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
