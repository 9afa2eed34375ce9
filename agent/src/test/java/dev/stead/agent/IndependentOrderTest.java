package dev.stead.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/agent.md: "Independent resources run in key order, so two runs of one catalog do the
 * same thing in the same order" ({@code ResourceGraph.sort} takes the smallest ready key).
 * Unrelated resources of several types, declared out of order, under temporary roots.
 */
class IndependentOrderTest {
  /** Key order: the text of {@code type[title]}, whatever the declaration order. */
  private static final List<String> KEY_ORDER = List.of("file[/alpha]", "file[/middle]",
      "file[/zeta]", "host[alpha.example.com]", "line[a setting]", "line[b setting]");

  @TempDir Path base;

  private static List<Resource> resources() {
    return List.of(
        resource("line", "b setting", "path", "/etc/app.conf", "line", "b = 2"),
        resource("file", "/zeta", "content", "z\n"),
        resource("host", "alpha.example.com", "ip", "10.0.0.7"),
        resource("file", "/alpha", "content", "a\n"),
        resource("line", "a setting", "path", "/etc/app.conf", "line", "a = 1"),
        resource("file", "/middle", "content", "m\n"));
  }

  private static Resource resource(String type, String title, Object... parameters) {
    Map<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < parameters.length; i += 2) {
      params.put((String) parameters[i], parameters[i + 1]);
    }
    return Resource.newBuilder().setType(type).setTitle(title)
        .putAllParameters(Values.ofMap(params))
        .setSource(SourceLocation.newBuilder().setFile("order.groovy").setLine(1)).build();
  }

  private static Catalog catalogOf(List<Resource> resources) {
    Catalogs4Test c = Catalogs4Test.catalog();
    resources.forEach(c::resource);
    return c.build();
  }

  /** A fresh machine: the files the line and host resources edit exist, nothing else. */
  private Report converge(String name, Catalog catalog, boolean noop) throws IOException {
    Path root = base.resolve(name + "/root");
    if (!Files.exists(root)) {
      Files.createDirectories(root.resolve("etc"));
      Files.writeString(root.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n");
      Files.writeString(root.resolve("etc/app.conf"), "# app\n");
    }
    return new Converger(new ConvergeOptions(root, base.resolve(name + "/state"), noop))
        .converge(catalog);
  }

  /** The resource of each event, in report order, repeats folded. */
  private static List<String> eventOrder(Report r) {
    List<String> out = new ArrayList<>();
    for (ResourceResult rr : r.getResourcesList()) {
      for (int i = 0; i < rr.getEventsCount(); i++) {
        if (out.isEmpty() || !out.get(out.size() - 1).equals(rr.getKey())) {
          out.add(rr.getKey());
        }
      }
    }
    return out;
  }

  @Test
  void unrelatedResourcesRunInKeyOrderEveryTime() throws IOException {
    Catalog catalog = catalogOf(resources());

    Report noop = converge("first", catalog, true);
    assertThat(eventOrder(noop)).as("noop: " + noop).containsExactlyElementsOf(KEY_ORDER);

    Report first = converge("first", catalog, false);
    assertThat(first.getSummary().getFailed()).as(first.toString()).isZero();
    assertThat(first.getResourcesList()).extracting(ResourceResult::getKey)
        .containsExactlyElementsOf(KEY_ORDER);
    assertThat(eventOrder(first)).containsExactlyElementsOf(KEY_ORDER);
    // Both lines went into one file, in the order they ran.
    assertThat(base.resolve("first/root/etc/app.conf")).hasContent("# app\na = 1\nb = 2");

    Report second = converge("second", catalog, false);
    assertThat(second.getResourcesList()).as("same catalog, fresh machine: same events")
        .isEqualTo(first.getResourcesList());

    List<Resource> reversed = new ArrayList<>(resources());
    Collections.reverse(reversed);
    Report declaredOtherwise = converge("reversed", catalogOf(reversed), false);
    assertThat(eventOrder(declaredOtherwise)).as("declaration order does not matter")
        .containsExactlyElementsOf(KEY_ORDER);
    assertThat(base.resolve("reversed/root/etc/app.conf")).hasContent("# app\na = 1\nb = 2");
  }
}
