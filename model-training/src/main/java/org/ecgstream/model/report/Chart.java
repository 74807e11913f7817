package org.ecgstream.model.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A small headless chart (lines, bands, histograms, vertical markers) rendered with Java2D, so
 * the training report can carry pictures without a plotting dependency.
 */
final class Chart {
  static final Color BLUE = new Color(31, 119, 180);
  static final Color ORANGE = new Color(255, 127, 14);
  static final Color GREEN = new Color(44, 160, 44);
  static final Color RED = new Color(214, 39, 40);
  static final Color PURPLE = new Color(148, 103, 189);
  static final Color BROWN = new Color(140, 86, 75);
  static final Color[] PALETTE = {BLUE, ORANGE, GREEN, RED, PURPLE, BROWN};

  private interface Mark {
    void draw(Graphics2D g, Chart c);
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Mark> marks = new ArrayList<>();
  private final List<Object[]> legend = new ArrayList<>();
  private double xMin = Double.POSITIVE_INFINITY;
  private double xMax = Double.NEGATIVE_INFINITY;
  private double yMin = Double.POSITIVE_INFINITY;
  private double yMax = Double.NEGATIVE_INFINITY;
  private int left;
  private int top;
  private int plotW;
  private int plotH;

  Chart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  Chart line(double[] x, double[] y, Color color, String name) {
    extend(x, y);
    marks.add((g, c) -> {
      g.setColor(color);
      g.setStroke(new BasicStroke(1.6f));
      Path2D p = new Path2D.Double();
      for (int i = 0; i < x.length; i++) {
        if (i == 0) p.moveTo(c.px(x[i]), c.py(y[i])); else p.lineTo(c.px(x[i]), c.py(y[i]));
      }
      g.draw(p);
    });
    addLegend(name, color);
    return this;
  }

  Chart band(double[] x, double[] lo, double[] hi, Color color, String name) {
    extend(x, lo);
    extend(x, hi);
    marks.add((g, c) -> {
      g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 60));
      Path2D p = new Path2D.Double();
      p.moveTo(c.px(x[0]), c.py(hi[0]));
      for (int i = 1; i < x.length; i++) p.lineTo(c.px(x[i]), c.py(hi[i]));
      for (int i = x.length - 1; i >= 0; i--) p.lineTo(c.px(x[i]), c.py(lo[i]));
      p.closePath();
      g.fill(p);
    });
    addLegend(name, color);
    return this;
  }

  /**
   * A histogram of {@code values} in {@code bins} equal bins over [min, max], as translucent bars,
   * each bar the fraction of {@code values} in it (so classes of different sizes compare).
   */
  Chart histogram(double[] values, double min, double max, int bins, Color color, String name) {
    double width = (max - min) / bins;
    double[] counts = new double[bins];
    for (double v : values) {
      int b = (int) Math.floor((v - min) / width);
      counts[Math.max(0, Math.min(bins - 1, b))] += 1.0 / values.length;
    }
    double peak = 0;
    for (double c : counts) peak = Math.max(peak, c);
    extend(new double[] {min, max}, new double[] {0, peak});
    marks.add((g, c) -> {
      g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 110));
      for (int b = 0; b < bins; b++) {
        if (counts[b] == 0) continue;
        int x0 = (int) c.px(min + b * width);
        int x1 = (int) c.px(min + (b + 1) * width);
        int y0 = (int) c.py(counts[b]);
        g.fillRect(x0, y0, Math.max(1, x1 - x0), (int) c.py(0) - y0);
      }
    });
    addLegend(name, color);
    return this;
  }

  Chart verticalLine(double x, Color color, String name) {
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    marks.add((g, c) -> {
      g.setColor(color);
      g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      g.drawLine((int) c.px(x), top, (int) c.px(x), top + plotH);
    });
    addLegend(name, color);
    return this;
  }

  Chart xRange(double min, double max) {
    xMin = min;
    xMax = max;
    return this;
  }

  Chart yRange(double min, double max) {
    yMin = min;
    yMax = max;
    return this;
  }

  void draw(Graphics2D g, int x, int y, int w, int h) {
    left = x + 60;
    top = y + 30;
    plotW = w - 80;
    plotH = h - 75;
    if (!(xMax > xMin)) { xMax = xMin + 1; }
    if (!(yMax > yMin)) { yMax = yMin + 1; }
    g.setColor(Color.WHITE);
    g.fillRect(x, y, w, h);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.drawString(title, x + 10, y + 18);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.setColor(new Color(230, 230, 230));
    for (int i = 0; i <= 4; i++) {
      int gy = top + plotH * i / 4;
      g.drawLine(left, gy, left + plotW, gy);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(left, top, plotW, plotH);
    for (int i = 0; i <= 4; i++) {
      double vx = xMin + (xMax - xMin) * i / 4;
      double vy = yMax - (yMax - yMin) * i / 4;
      g.drawString(tick(vx), left + plotW * i / 4 - 12, top + plotH + 15);
      g.drawString(tick(vy), x + 5, top + plotH * i / 4 + 4);
    }
    g.drawString(xLabel, left + plotW / 2 - 30, top + plotH + 32);
    g.drawString(yLabel, x + 5, top - 6);
    java.awt.Shape clip = g.getClip();
    g.clipRect(left, top, plotW + 1, plotH + 1);
    for (Mark m : marks) {
      m.draw(g, this);
    }
    g.setClip(clip);
    int ly = top + 14;
    for (Object[] l : legend) {
      g.setColor((Color) l[1]);
      g.fillRect(left + plotW - 150, ly - 9, 12, 10);
      g.setColor(Color.BLACK);
      g.drawString((String) l[0], left + plotW - 133, ly);
      ly += 14;
    }
  }

  /** Renders charts in a grid of {@code cols} columns to a PNG file. */
  static void writePng(Path file, int cols, int cellW, int cellH, List<Chart> charts) {
    int rows = (charts.size() + cols - 1) / cols;
    BufferedImage img = new BufferedImage(cols * cellW, rows * cellH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    for (int i = 0; i < charts.size(); i++) {
      charts.get(i).draw(g, (i % cols) * cellW, (i / cols) * cellH, cellW, cellH);
    }
    g.dispose();
    try {
      ImageIO.write(img, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private double px(double x) {
    return left + (x - xMin) / (xMax - xMin) * plotW;
  }

  private double py(double y) {
    return top + plotH - (y - yMin) / (yMax - yMin) * plotH;
  }

  private void extend(double[] x, double[] y) {
    for (double v : x) { xMin = Math.min(xMin, v); xMax = Math.max(xMax, v); }
    for (double v : y) { yMin = Math.min(yMin, v); yMax = Math.max(yMax, v); }
  }

  private void addLegend(String name, Color color) {
    if (name != null) {
      legend.add(new Object[] {name, color});
    }
  }

  private static String tick(double v) {
    double a = Math.abs(v);
    if (a != 0 && (a >= 1e4 || a < 1e-2)) return String.format("%.1e", v);
    return a >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
  }
}
