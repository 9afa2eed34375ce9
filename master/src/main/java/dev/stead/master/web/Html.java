package dev.stead.master.web;

/** HTML escaping and the page frame. */
final class Html {
  private Html() {}

  static String esc(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String url(String text) {
    return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A page; {@code script} is the path of a script to load, or empty for none. */
  static String page(String title, String body, String script) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>" + esc(title) + " · Stead</title><style>"
        + "body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#f6f7f9}"
        + "header{background:#1f3a5f;color:#fff;padding:10px 20px}header a{color:#fff;margin-right:16px}"
        + "main{padding:16px 20px}table{border-collapse:collapse;background:#fff;margin:8px 0 20px}"
        + "td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;font-size:14px}"
        + ".cards{display:flex;gap:12px;margin-bottom:16px}.card{background:#fff;border:1px solid #ddd;"
        + "padding:10px 16px;min-width:110px}.card b{display:block;font-size:28px}"
        + "pre.diff{background:#fff;border:1px solid #ddd;padding:8px;font-size:13px}"
        + ".drift{color:#b3261e;font-weight:bold}.intended{color:#1f6f3f}"
        + "</style></head><body><header><a href=\"/\">Stead fleet</a><a href=\"/logout\">log out</a>"
        + "</header><main>" + body + "</main>"
        + (script.isEmpty() ? "" : "<script src=\"" + esc(script) + "\"></script>")
        + "</body></html>";
  }
}
