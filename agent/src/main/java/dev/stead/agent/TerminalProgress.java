package dev.stead.agent;

import dev.stead.wire.ResourceKey;
import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * A progress line for people at a terminal ({@code [ 120/1200] file[/etc/motd]}), redrawn in
 * place at most ten times a second and wiped by {@link #clear}. {@link #forConsole} gives
 * {@link Progress#NONE} when the output is not a terminal, so logs never see it.
 */
public final class TerminalProgress implements Progress {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 78;

  private final PrintStream out;
  private final LongSupplier nanoClock;
  private long lastDraw;
  private boolean drawn;

  /** {@code nanoClock} is {@link System#nanoTime} but for tests of the redraw limit. */
  TerminalProgress(PrintStream out, LongSupplier nanoClock) {
    this.out = out;
    this.nanoClock = nanoClock;
  }

  /** A progress line on {@code out} when this process has a console, else nothing. */
  public static Progress forConsole(PrintStream out) {
    return forConsole(out, System.console() != null);
  }

  /** A progress line on {@code out} when {@code terminal}, else nothing. */
  static Progress forConsole(PrintStream out, boolean terminal) {
    return terminal ? new TerminalProgress(out, System::nanoTime) : Progress.NONE;
  }

  @Override
  public synchronized void starting(int done, int total, ResourceKey next) {
    long now = nanoClock.getAsLong();
    if (drawn && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    drawn = true;
    String width = String.valueOf(total);
    String line = String.format("[%" + width.length() + "d/%s] %s", done, width, next);
    if (line.length() > WIDTH) {
      line = line.substring(0, WIDTH - 1) + "…";
    }
    out.print("\r" + line + " ".repeat(WIDTH - line.length()));
    out.flush();
  }

  /** Wipes the line, if one was drawn. */
  public static void clear(Progress progress) {
    if (progress instanceof TerminalProgress t) {
      synchronized (t) {
        if (t.drawn) {
          t.out.print("\r" + " ".repeat(WIDTH) + "\r");
          t.out.flush();
          t.drawn = false;
        }
      }
    }
  }
}
