package dev.stead.cli;

import dev.stead.agent.FactCollector;
import dev.stead.wire.Values;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stead facts}: this machine's facts as the agent collects and sends them, custom facts
 * (the machine's and those its modules shipped) included (Facter's command line). Starts no
 * agent and needs no master.
 */
@Command(name = "facts", description = {
    "Print this machine's facts as the agent sends them, custom facts included.",
    "PATH picks one fact or subtree by dotted name, e.g. os.family or networking.fqdn."})
final class FactsCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH",
      description = "A dotted fact name (default: all facts).")
  String path;

  @Option(names = "--json", description = "Print the facts as JSON.")
  boolean json;

  @Option(names = "--facts-dir", description = "Custom facts, as the agent reads them "
      + "(default: /etc/stead/facts.d).")
  Path factsDir;

  @Option(names = "--certname", description = "The clientcert fact (default: the FQDN, as the agent's).")
  String certname;

  @Override
  public Integer call() {
    String node = certname != null ? certname : FactCollector.defaultCertname();
    Path dir = AgentCommand.factsDir(factsDir, Defaults.AGENT_STATE);
    Map<String, Object> all = Values.toJavaMap(FactCollector.collect(node, dir,
        FactCollector.moduleFactsDir(Defaults.AGENT_STATE),
        warning -> System.err.println("stead facts: " + warning), null).getValuesMap());
    Object picked = path == null ? all : FactTree.at(all, path);
    if (picked == null) {
      System.err.println("stead facts: no fact " + path + " on this machine"
          + FactTree.nearest(all, path));
      return 1;
    }
    if (json) {
      System.out.println(FactTree.json(picked));
    } else if (picked instanceof Map<?, ?> || picked instanceof List<?>) {
      FactTree.listing(path == null ? "" : path, picked).forEach(System.out::println);
    } else {
      System.out.println(picked);
    }
    return 0;
  }
}
