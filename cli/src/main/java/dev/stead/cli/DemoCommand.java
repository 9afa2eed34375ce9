package dev.stead.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", description = {
    "The whole loop on this machine, with no root needed.",
    "A master with a fresh CA and embedded RocksDB, an agent that bootstraps a certificate "
        + "and converges a sandbox root, then a code change and a tampered file reported as "
        + "one intended change and one drift; it ends with the report ids for `stead report`."})
final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    return new Demo(Defaults.home(), System.out).run();
  }
}
