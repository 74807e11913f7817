package org.ecgstream.model.beats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A gradient-boosted ensemble of small regression trees for a yes/no question (logistic loss,
 * Newton steps), trained on features binned at their quantiles. Small and dependency-free on
 * purpose: the classifier has a few thousand numbers, trains in seconds on the 50,000 beats of
 * DS1, and the same object scores beats in the job.
 */
public final class BoostedTrees {
  /** How the ensemble is grown. */
  public record Settings(int trees, int depth, double learningRate, int minLeaf, double l2, int bins) {
    public static Settings defaults() {
      return new Settings(200, 4, 0.1, 40, 1.0, 64);
    }
  }

  /** A tree as flat arrays: node i splits on feature[i] at threshold[i] (≤ goes left), or is a leaf when feature[i] < 0. */
  record Tree(int[] feature, double[] threshold, int[] left, int[] right, double[] value) {
    double eval(double[] x) {
      int i = 0;
      while (feature[i] >= 0) {
        i = x[feature[i]] <= threshold[i] ? left[i] : right[i];
      }
      return value[i];
    }
  }

  private final double bias;
  private final List<Tree> trees;
  private final int features;

  BoostedTrees(double bias, List<Tree> trees, int features) {
    this.bias = bias;
    this.trees = List.copyOf(trees);
    this.features = features;
  }

  public int features() {
    return features;
  }

  List<Tree> trees() {
    return trees;
  }

  double bias() {
    return bias;
  }

  /** The probability of "yes" for one row. */
  public double probability(double[] x) {
    if (x.length != features) {
      throw new IllegalArgumentException("expected " + features + " features, got " + x.length);
    }
    double z = bias;
    for (Tree t : trees) {
      z += t.eval(x);
    }
    return 1 / (1 + Math.exp(-z));
  }

  /** Writes the ensemble (its numbers only: the binning is a training matter). */
  void write(java.io.DataOutputStream out) throws java.io.IOException {
    out.writeInt(features);
    out.writeDouble(bias);
    out.writeInt(trees.size());
    for (Tree t : trees) {
      out.writeInt(t.feature().length);
      for (int i = 0; i < t.feature().length; i++) {
        out.writeInt(t.feature()[i]);
        out.writeDouble(t.threshold()[i]);
        out.writeInt(t.left()[i]);
        out.writeInt(t.right()[i]);
        out.writeDouble(t.value()[i]);
      }
    }
  }

  /** The ensemble {@link #write} wrote, its trees checked so that no node points outside its tree or features. */
  static BoostedTrees read(java.io.DataInputStream in) throws java.io.IOException {
    int features = in.readInt();
    double bias = in.readDouble();
    int count = in.readInt();
    if (features <= 0 || count < 0 || count > 100_000) {
      throw new IllegalArgumentException("implausible ensemble: " + features + " features, " + count + " trees");
    }
    List<Tree> trees = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      int nodes = in.readInt();
      if (nodes <= 0 || nodes > 1 << 20) {
        throw new IllegalArgumentException("tree " + k + " has " + nodes + " nodes");
      }
      Tree t = new Tree(new int[nodes], new double[nodes], new int[nodes], new int[nodes], new double[nodes]);
      for (int i = 0; i < nodes; i++) {
        t.feature()[i] = in.readInt();
        t.threshold()[i] = in.readDouble();
        t.left()[i] = in.readInt();
        t.right()[i] = in.readInt();
        t.value()[i] = in.readDouble();
        // Children come after their parent: no cycle, no node outside the tree.
        boolean split = t.feature()[i] >= 0;
        if (split && (t.feature()[i] >= features || t.left()[i] <= i || t.left()[i] >= nodes || t.right()[i] <= i
            || t.right()[i] >= nodes)) {
          throw new IllegalArgumentException("tree " + k + " node " + i + " points outside its tree or features");
        }
      }
      trees.add(t);
    }
    return new BoostedTrees(bias, trees, features);
  }

  /** Trains on rows {@code x} with answers {@code y} (true = yes). */
  public static BoostedTrees fit(double[][] x, boolean[] y, Settings s) {
    int n = x.length;
    int f = x[0].length;
    double[][] cuts = new double[f][];
    byte[][] bin = new byte[f][n];
    if (s.bins() < 2 || s.bins() > 256) {
      throw new IllegalArgumentException("bins must be within [2, 256] (one byte per value), got " + s.bins());
    }
    for (int j = 0; j < f; j++) {
      cuts[j] = cuts(x, j, s.bins());
      for (int i = 0; i < n; i++) {
        // + 0.0 turns -0.0 into 0.0: Arrays orders -0.0 below 0.0, the trees' <= does not.
        int b = Arrays.binarySearch(cuts[j], x[i][j] + 0.0);
        bin[j][i] = (byte) (b >= 0 ? b : -b - 1);
      }
    }
    int positives = 0;
    for (boolean v : y) {
      positives += v ? 1 : 0;
    }
    double p0 = Math.min(1 - 1e-6, Math.max(1e-6, positives / (double) n));
    double bias = Math.log(p0 / (1 - p0));
    double[] z = new double[n];
    Arrays.fill(z, bias);
    double[] g = new double[n];
    double[] h = new double[n];
    List<Tree> trees = new ArrayList<>();
    for (int t = 0; t < s.trees(); t++) {
      for (int i = 0; i < n; i++) {
        double p = 1 / (1 + Math.exp(-z[i]));
        g[i] = p - (y[i] ? 1 : 0);
        h[i] = Math.max(1e-6, p * (1 - p));
      }
      Tree tree = new TreeGrower(bin, cuts, g, h, s).grow();
      trees.add(tree);
      for (int i = 0; i < n; i++) {
        z[i] += tree.eval(x[i]);
      }
    }
    return new BoostedTrees(bias, trees, f);
  }

  /** Up to {@code bins − 1} distinct quantiles of feature {@code j}, the split points a tree may use. */
  private static double[] cuts(double[][] x, int j, int bins) {
    double[] v = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      v[i] = x[i][j] + 0.0;
    }
    Arrays.sort(v);
    double[] c = new double[bins - 1];
    int k = 0;
    for (int q = 1; q < bins; q++) {
      double cut = v[(int) ((long) q * (v.length - 1) / bins)];
      if (k == 0 || cut > c[k - 1]) {
        c[k++] = cut;
      }
    }
    return Arrays.copyOf(c, k);
  }

  /** Grows one tree depth-first on histograms of the gradients, shrunk by the learning rate. */
  private static final class TreeGrower {
    private final byte[][] bin;
    private final double[][] cuts;
    private final double[] g;
    private final double[] h;
    private final Settings s;
    private final int[] all;
    private int[] feature = new int[64];
    private double[] threshold = new double[64];
    private int[] left = new int[64];
    private int[] right = new int[64];
    private double[] value = new double[64];
    private int size;

    TreeGrower(byte[][] bin, double[][] cuts, double[] g, double[] h, Settings s) {
      this.bin = bin;
      this.cuts = cuts;
      this.g = g;
      this.h = h;
      this.s = s;
      this.all = new int[g.length];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
    }

    Tree grow() {
      node(all, 0, all.length, 0);
      return new Tree(Arrays.copyOf(feature, size), Arrays.copyOf(threshold, size), Arrays.copyOf(left, size),
          Arrays.copyOf(right, size), Arrays.copyOf(value, size));
    }

    private int node(int[] rows, int from, int to, int depth) {
      int id = size++;
      if (id == feature.length) {
        feature = Arrays.copyOf(feature, id * 2);
        threshold = Arrays.copyOf(threshold, id * 2);
        left = Arrays.copyOf(left, id * 2);
        right = Arrays.copyOf(right, id * 2);
        value = Arrays.copyOf(value, id * 2);
      }
      double gs = 0;
      double hs = 0;
      for (int r = from; r < to; r++) {
        gs += g[rows[r]];
        hs += h[rows[r]];
      }
      feature[id] = -1;
      value[id] = -s.learningRate() * gs / (hs + s.l2());
      if (depth == s.depth() || to - from < 2 * s.minLeaf()) {
        return id;
      }
      double parent = gs * gs / (hs + s.l2());
      double bestGain = 1e-9;
      int bestFeature = -1;
      int bestBin = -1;
      double[] hg = new double[256];
      double[] hh = new double[256];
      int[] hc = new int[256];
      for (int j = 0; j < bin.length; j++) {
        int bins = cuts[j].length + 1;
        Arrays.fill(hg, 0, bins, 0);
        Arrays.fill(hh, 0, bins, 0);
        Arrays.fill(hc, 0, bins, 0);
        byte[] bj = bin[j];
        for (int r = from; r < to; r++) {
          int i = rows[r];
          int b = bj[i] & 0xff;
          hg[b] += g[i];
          hh[b] += h[i];
          hc[b]++;
        }
        double gl = 0;
        double hl = 0;
        int cl = 0;
        for (int b = 0; b < bins - 1; b++) {
          gl += hg[b];
          hl += hh[b];
          cl += hc[b];
          int cr = to - from - cl;
          if (cl < s.minLeaf() || cr < s.minLeaf()) {
            continue;
          }
          double gr = gs - gl;
          double hr = hs - hl;
          double gain = gl * gl / (hl + s.l2()) + gr * gr / (hr + s.l2()) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = j;
            bestBin = b;
          }
        }
      }
      if (bestFeature < 0) {
        return id;
      }
      // Partition rows[from, to) in place: bin ≤ bestBin to the left.
      byte[] bj = bin[bestFeature];
      int i = from;
      int k = to - 1;
      while (i <= k) {
        if ((bj[rows[i]] & 0xff) <= bestBin) {
          i++;
        } else {
          int tmp = rows[i];
          rows[i] = rows[k];
          rows[k] = tmp;
          k--;
        }
      }
      feature[id] = bestFeature;
      threshold[id] = cuts[bestFeature][bestBin];
      int l = node(rows, from, i, depth + 1);
      left[id] = l;
      int r = node(rows, i, to, depth + 1);
      right[id] = r;
      return id;
    }
  }
}
