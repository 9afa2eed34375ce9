package dev.stead.cli;

import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "master", description = "Run the master.",
    subcommands = MasterCommand.Start.class)
final class MasterCommand {

  @Command(name = "start", description = "Start the master in the foreground (stops on SIGTERM).")
  static final class Start implements Callable<Integer> {
    @Option(names = "--data", description = "State: CA, RocksDB, admin certificate (default: ${DEFAULT-VALUE}).")
    Path data = Defaults.MASTER_DATA;

    @Option(names = "--code", description = "The environment: site.groovy, modules/, data/ (default: ${DEFAULT-VALUE}).")
    Path code = Defaults.CODE;

    @Option(names = "--modulepath", split = ":", description = "More module directories, colon-separated.")
    List<Path> modulePath = new ArrayList<>();

    @Option(names = "--listen", description = "HOST:PORT to listen on; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    String listen = Defaults.LISTEN;

    @Option(names = "--autosign", description = "Sign CSRs whose name matches this glob at once (default: off).")
    String autosign;

    @Override
    public Integer call() throws Exception {
      HostPort address = HostPort.parse(listen, "--listen");
      MasterConfig config = new MasterConfig(data.toAbsolutePath(), code.toAbsolutePath(),
          modulePath.stream().map(Path::toAbsolutePath).toList(), address.host(),
          address.port(), autosign);
      Master master = Master.start(config);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        master.close();
        stopped.countDown();
      }, "stead-master-shutdown"));
      master.awaitTermination();
      stopped.await();
      return 0;
    }
  }
}
