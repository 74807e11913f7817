package org.ecgstream.model.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's plots, drawn with XChart: line, band, histogram and vertical-marker series on XY
 * charts with one house style, written to PNG. Rendering is headless (no display needed).
 */
final class Plots {
  static {
    // Before anything here touches AWT: the report is written on servers and in CI.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  static final Color BLUE = new Color(31, 119, 180);
  static final Color ORANGE = new Color(255, 127, 14);
  static final Color GREEN = new Color(44, 160, 44);
  static final Color RED = new Color(214, 39, 40);
  static final Color PURPLE = new Color(148, 103, 189);
  static final Color BROWN = new Color(140, 86, 75);
  static final Color[] PALETTE = {BLUE, ORANGE, GREEN, RED, PURPLE, BROWN};

  private Plots() {}

  /**
   * An empty XY chart of {@code width} x {@code height} pixels. The legend sits inside the top
   * right; on small charts (grid cells) below the plot, so that it hides none of the trace.
   */
  static XYChart chart(String title, String xLabel, String yLabel, int width, int height) {
    XYChart c = new XYChart(width, height);
    c.setTitle(title);
    c.setXAxisTitle(xLabel);
    c.setYAxisTitle(yLabel);
    XYStyler s = c.getStyler();
    boolean small = width < 500;
    s.setLocale(Locale.ROOT);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderColor(Color.DARK_GRAY);
    s.setPlotGridLinesColor(new Color(230, 230, 230));
    s.setChartTitleBoxVisible(false);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, small ? 12 : 14));
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, small ? 10 : 11));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, small ? 10 : 11));
    s.setLegendPosition(small ? LegendPosition.OutsideS : LegendPosition.InsideNE);
    s.setLegendLayout(small ? LegendLayout.Horizontal : LegendLayout.Vertical);
    s.setLegendPadding(small ? 4 : 10);
    s.setLegendBorderColor(Color.LIGHT_GRAY);
    s.setChartPadding(small ? 6 : 10);
    s.setYAxisTitleVisible(!yLabel.isEmpty());
    s.setMarkerSize(0);
    s.setAntiAlias(true);
    return c;
  }

  static XYSeries line(XYChart c, String name, double[] x, double[] y, Color color) {
    XYSeries s = c.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineWidth(1.6f);
    return s;
  }

  /** A translucent band between {@code lo} and {@code hi}: the polygon along hi, back along lo. */
  static XYSeries band(XYChart c, String name, double[] x, double[] lo, double[] hi, Color color) {
    int n = x.length;
    double[] px = new double[2 * n];
    double[] py = new double[2 * n];
    for (int i = 0; i < n; i++) {
      px[i] = x[i];
      py[i] = hi[i];
      px[2 * n - 1 - i] = x[i];
      py[2 * n - 1 - i] = lo[i];
    }
    XYSeries s = c.addSeries(name, px, py);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
    s.setMarker(SeriesMarkers.NONE);
    s.setFillColor(alpha(color, 60));
    s.setLineColor(alpha(color, 60));
    return s;
  }

  /**
   * A histogram of {@code values} in {@code bins} equal bins over [min, max] as a translucent step
   * area: point b is the left edge of bin b and the fraction of {@code values} in it (values outside
   * fall in the end bins); a last point at {@code max} closes the last bin.
   */
  static XYSeries histogram(XYChart c, String name, double[] values, double min, double max, int bins, Color color) {
    double[] fractions = binFractions(values, min, max, bins);
    double[] x = new double[bins + 1];
    double[] y = new double[bins + 1];
    for (int b = 0; b <= bins; b++) {
      x[b] = min + (max - min) * b / bins;
      y[b] = fractions[Math.min(b, bins - 1)];
    }
    XYSeries s = c.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.StepArea);
    s.setMarker(SeriesMarkers.NONE);
    s.setFillColor(alpha(color, 110));
    s.setLineColor(color);
    s.setLineWidth(0.8f);
    return s;
  }

  /** The fraction of {@code values} in each of {@code bins} equal bins over [min, max]. */
  static double[] binFractions(double[] values, double min, double max, int bins) {
    double width = (max - min) / bins;
    double[] fractions = new double[bins];
    for (double v : values) {
      int b = (int) Math.floor((v - min) / width);
      fractions[Math.max(0, Math.min(bins - 1, b))] += 1.0 / values.length;
    }
    return fractions;
  }

  /** A dashed vertical line at {@code x} from {@code yFrom} to {@code yTo}. */
  static XYSeries verticalLine(XYChart c, String name, double x, double yFrom, double yTo, Color color) {
    XYSeries s = c.addSeries(name, new double[] {x, x}, new double[] {yFrom, yTo});
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineStyle(SeriesLines.DASH_DASH);
    s.setLineWidth(2f);
    return s;
  }

  /**
   * Writes {@code charts} to one PNG, {@code cols} to a row, each cell the size of the first chart;
   * a last row that is not full is left white. (XChart's own grid wants every cell filled.)
   */
  static void writePng(Path file, int cols, List<XYChart> charts) {
    int rows = (charts.size() + cols - 1) / cols;
    int cellW = charts.get(0).getWidth();
    int cellH = charts.get(0).getHeight();
    BufferedImage img = new BufferedImage(cols * cellW, rows * cellH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    for (int i = 0; i < charts.size(); i++) {
      g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % cols) * cellW, (i / cols) * cellH, null);
    }
    g.dispose();
    try {
      ImageIO.write(img, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Writes one chart to a PNG. */
  static void writePng(Path file, XYChart chart) {
    writePng(file, 1, List.of(chart));
  }

  private static Color alpha(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }
}
