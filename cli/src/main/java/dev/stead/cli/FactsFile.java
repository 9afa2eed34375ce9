package dev.stead.cli;

import dev.stead.agent.FactCollector;
import dev.stead.proto.v1.Facts;
import dev.stead.wire.Values;
import groovy.json.JsonException;
import groovy.json.JsonSlurper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Facts for local compiles: a Facter-style JSON file, else this machine's own facts. */
final class FactsFile {
  private FactsFile() {}

  static Facts load(Path file, String certname) throws IOException {
    if (file == null) {
      return FactCollector.collect(certname);
    }
    Object parsed;
    try {
      parsed = new JsonSlurper().parseText(Files.readString(file));
    } catch (JsonException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(file + ": facts must be a JSON object");
    }
    Facts.Builder facts = Facts.newBuilder();
    map.forEach((k, v) -> facts.putValues(String.valueOf(k), Values.of(v)));
    return facts.build();
  }
}
