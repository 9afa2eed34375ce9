package dev.stead.master.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small inline SVG charts: no script, no external files. */
final class Charts {
  private static final int WIDTH = 480;
  private static final int HEIGHT = 140;

  private Charts() {}

  /** Line colours: the first series (the fleet), then one per further series. */
  private static final List<String> COLOURS = List.of("#1f6f3f", "#1f5fbf", "#b36b00",
      "#7b3fa0", "#00838f", "#c2185b", "#5d6d00", "#6d4c41", "#37474f");
  /** Series drawn at most (the first plus eight); the rest are named as left out. */
  static final int MAX_SERIES = COLOURS.size();
  private static final int LEGEND_WIDTH = 170;

  /**
   * Lines of values in [0, 1] (NaN: no data), one per entry in iteration order, labelled in
   * percent, with a legend when there is more than one. The first is drawn solid and thick,
   * the others thinner and dashed so a class that equals the fleet still shows. At most
   * {@link #MAX_SERIES} are drawn; {@code leftOut} more are named in the legend as a count.
   * {@code start} labels the left end of the time axis (the right end is "now").
   */
  static String lines(String id, String title, Map<String, List<Double>> series,
      int leftOut, String start) {
    boolean legend = series.size() > 1 || leftOut > 0;
    int width = WIDTH + (legend ? LEGEND_WIDTH : 0);
    StringBuilder svg = new StringBuilder("<svg id=\"").append(id).append("\" width=\"")
        .append(width).append("\" height=\"").append(HEIGHT).append("\" role=\"img\" aria-label=\"")
        .append(Html.esc(title)).append("\" style=\"background:#fff;border:1px solid #ddd\">"
            + "<title>").append(Html.esc(title)).append("</title>"
            + "<text x=\"2\" y=\"14\" font-size=\"10\">100%</text><text x=\"2\" y=\"")
        .append(HEIGHT - 18).append("\" font-size=\"10\">0%</text>");
    int k = 0;
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      if (k == MAX_SERIES) {
        break;
      }
      String colour = COLOURS.get(k);
      StringBuilder points = new StringBuilder();
      StringBuilder dots = new StringBuilder();
      List<Double> values = e.getValue();
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
        dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" "
            + "fill=\"%s\"><title>%s%.0f%%</title></circle>", x, y, k == 0 ? 3 : 2, colour,
            e.getKey().isEmpty() ? "" : Html.esc(e.getKey()) + ": ", v * 100));
      }
      svg.append("<polyline data-series=\"").append(Html.esc(e.getKey()))
          .append("\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"")
          .append(k == 0 ? "2.5" : "1.5").append(k == 0 ? "" : "\" stroke-dasharray=\"5 3")
          .append("\" points=\"").append(points.toString().strip()).append("\"/>").append(dots);
      if (legend) {
        int y = 16 + k * 14;
        svg.append("<rect x=\"").append(WIDTH + 8).append("\" y=\"").append(y - 8)
            .append("\" width=\"10\" height=\"10\" fill=\"").append(colour)
            .append("\"/><text x=\"").append(WIDTH + 22).append("\" y=\"").append(y)
            .append("\" font-size=\"11\">").append(Html.esc(shorten(e.getKey().isEmpty()
                ? "fleet" : e.getKey()))).append("</text>");
      }
      k++;
    }
    int more = leftOut + Math.max(0, series.size() - MAX_SERIES);
    if (more > 0) {
      svg.append("<text x=\"").append(WIDTH + 8).append("\" y=\"").append(16 + k * 14)
          .append("\" font-size=\"11\">+").append(more).append(" more (see the table)</text>");
    }
    return svg.append(timeAxis(start)).append("</svg>").toString();
  }

  private static String shorten(String label) {
    return label.length() <= 24 ? label : label.substring(0, 23) + "…";
  }

  private static String timeAxis(String start) {
    return "<text x=\"30\" y=\"" + (HEIGHT - 5) + "\" font-size=\"10\">" + Html.esc(start)
        + "</text><text x=\"" + (WIDTH - 10) + "\" y=\"" + (HEIGHT - 5)
        + "\" font-size=\"10\" text-anchor=\"end\">now</text>";
  }

  /** Bars of non-negative counts, oldest first; {@code start} labels the left end. */
  static String bars(String id, String title, List<Integer> counts, String start) {
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
        + "<text x=\"2\" y=\"14\" font-size=\"10\">" + max + "</text>" + bars
        + timeAxis(start) + "</svg>";
  }
}
