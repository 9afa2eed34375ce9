package dev.stead.cli;

import com.google.protobuf.MessageOrBuilder;
import dev.stead.wire.Catalogs;
import java.io.PrintStream;

/**
 * {@code --json} output: the wire message as protobuf JSON, every field present, with
 * {@code =}, {@code <}, {@code >}, {@code &} and {@code '} as themselves.
 */
final class Json {
  private Json() {}

  static String of(MessageOrBuilder message) {
    return Catalogs.toJsonWithZeros(message).stripTrailing();
  }

  static void print(PrintStream out, MessageOrBuilder message) {
    out.println(of(message));
  }
}
