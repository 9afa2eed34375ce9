package dev.stead.master.web;

import java.util.List;
import java.util.Locale;

/** Small inline SVG charts: no script, no external files. */
final class Charts {
  private static final int WIDTH = 480;
  private static final int HEIGHT = 140;

  private Charts() {}

  /** A line of {@code values} in [0, 1] (NaN: no data), labelled in percent. */
  static String line(String id, String title, List<Double> values) {
    StringBuilder points = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    int n = values.size();
    for (int i = 0; i < n; i++) {
      double v = values.get(i);
      if (Double.isNaN(v)) {
        continue;
      }
      double x = n == 1 ? WIDTH / 2.0 : 30 + i * (WIDTH - 40.0) / (n - 1);
      double y = 10 + (1 - v) * (HEIGHT - 30);
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      // Dots too: a polyline of a single point draws nothing.
      dots.append(String.format(Locale.ROOT,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f6f3f\"><title>%.0f%%</title></circle>",
          x, y, v * 100));
    }
    return "<svg id=\"" + id + "\" width=\"" + WIDTH + "\" height=\"" + HEIGHT
        + "\" role=\"img\" aria-label=\"" + Html.esc(title) + "\" style=\"background:#fff;"
        + "border:1px solid #ddd\"><title>" + Html.esc(title) + "</title>"
        + "<text x=\"2\" y=\"14\" font-size=\"10\">100%</text>"
        + "<text x=\"2\" y=\"" + (HEIGHT - 18) + "\" font-size=\"10\">0%</text>"
        + "<polyline fill=\"none\" stroke=\"#1f6f3f\" stroke-width=\"2\" points=\""
        + points.toString().strip() + "\"/>" + dots + "</svg>";
  }

  /** Bars of non-negative counts. */
  static String bars(String id, String title, List<Integer> counts) {
    int max = Math.max(1, counts.stream().mapToInt(Integer::intValue).max().orElse(1));
    StringBuilder bars = new StringBuilder();
    double w = (WIDTH - 40.0) / Math.max(1, counts.size());
    for (int i = 0; i < counts.size(); i++) {
      double h = (HEIGHT - 30.0) * counts.get(i) / max;
      bars.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#b3261e\">"
              + "<title>%d</title></rect>",
          30 + i * w, HEIGHT - 20 - h, Math.max(1, w - 2), h, counts.get(i)));
    }
    return "<svg id=\"" + id + "\" width=\"" + WIDTH + "\" height=\"" + HEIGHT
        + "\" role=\"img\" aria-label=\"" + Html.esc(title) + "\" style=\"background:#fff;"
        + "border:1px solid #ddd\"><title>" + Html.esc(title) + "</title>"
        + "<text x=\"2\" y=\"14\" font-size=\"10\">" + max + "</text>" + bars + "</svg>";
  }
}
