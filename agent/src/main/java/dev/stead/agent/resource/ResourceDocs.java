package dev.stead.agent.resource;

import dev.stead.types.ParameterSpec;
import dev.stead.types.ResourceTypeSpec;
import dev.stead.types.ResourceTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Renders docs/resources.md from the shared type descriptions, for exactly the types the
 * agent's registry converges. {@code ResourceDocsTest} fails when the checked-in file differs
 * and says how to regenerate it. Stateless.
 */
public final class ResourceDocs {
  private ResourceDocs() {}

  public static String render() {
    ResourceTypeRegistry registry = ResourceTypeRegistry.standard();
    StringBuilder md = new StringBuilder();
    md.append("# Resource types\n\n")
        .append("<!-- Generated from dev.stead.types.ResourceTypes by")
        .append(" dev.stead.agent.resource.ResourceDocs; do not edit by hand. -->\n\n")
        .append("Every resource is `type('title') { parameter value ... }` in the language.")
        .append(" An unset parameter leaves its property alone unless a default is listed.")
        .append(" Each property the agent changes is reported as an event with its value")
        .append(" before and after, marked *intended* (the catalog asked for something new)")
        .append(" or *drift* (it was in sync at the last run and something else changed it).")
        .append(" Types that run commands (everything but `file`, `host`, `line`, `sysctl`")
        .append(" and `ssh_key`), and a `file`'s `validate_cmd`, refuse to run under a")
        .append(" `--root` other than `/`: a package or a service cannot be confined to a")
        .append(" directory.\n\n");
    for (ResourceTypeSpec spec : ResourceTypes.all()) {
      if (registry.find(spec.name()).isPresent()) {
        md.append("- [`").append(spec.name()).append("`](#").append(spec.name())
            .append(")\n");
      }
    }
    for (ResourceTypeSpec spec : ResourceTypes.all()) {
      if (registry.find(spec.name()).isEmpty()) {
        continue;
      }
      md.append("\n## ").append(spec.name()).append("\n\n").append(spec.doc()).append("\n\n")
          .append("| parameter | type | default | description |\n")
          .append("| --- | --- | --- | --- |\n");
      for (ParameterSpec p : spec.parameters()) {
        String type = p.allowed().isEmpty() ? p.kind().name().toLowerCase(Locale.ROOT)
            : "one of " + String.join(", ", p.allowed().stream().map(a -> "`" + a + "`")
                .toList());
        String def = p.defaultDoc().isEmpty() ? "unmanaged"
            : p.defaultDoc().startsWith("the ") || p.defaultDoc().equals("none")
                ? p.defaultDoc() : "`" + p.defaultDoc() + "`";
        md.append("| `").append(p.name()).append("` | ").append(type).append(" | ")
            .append(def).append(" | ").append(p.doc().replace("|", "\\|")).append(" |\n");
      }
    }
    return md.toString();
  }

  /** Writes the reference to {@code args[0]} (default {@code docs/resources.md}). */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/resources.md");
    Files.writeString(out, render(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out);
  }
}
