package dev.stead.master.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** Every store contract against the embedded RocksDB backend. */
class RocksStoreContractTest {
  @TempDir Path dir;

  private Store open() throws Exception {
    return RocksStore.open(dir.resolve("db"));
  }

  @Nested
  class Nodes extends NodeStoreContract {
    @Override
    protected Store openStore() throws Exception {
      return open();
    }
  }

  @Nested
  class Catalogs extends CatalogStoreContract {
    @Override
    protected Store openStore() throws Exception {
      return open();
    }
  }

  @Nested
  class Reports extends ReportStoreContract {
    @Override
    protected Store openStore() throws Exception {
      return open();
    }
  }

  @Nested
  class Certificates extends CertificateStoreContract {
    @Override
    protected Store openStore() throws Exception {
      return open();
    }
  }

  @Nested
  class Operators extends OperatorRecordsContract {
    @Override
    protected Store openStore() throws Exception {
      return open();
    }
  }

  @Nested
  class Jobs extends JobStoreContract {
    @Override
    protected Store openStore() throws Exception {
      return open();
    }
  }

  @Nested
  class Maintenance extends StoreMaintenanceContract {
    @Override
    protected Store openStore() throws Exception {
      return open();
    }
  }

  @Nested
  class Rollouts extends RolloutStoreContract {
    @Override
    protected Store openStore() throws Exception {
      return open();
    }
  }

  @Nested
  class Masters extends MasterRegistryContract {
    @Override
    protected Store openStore() throws Exception {
      return open();
    }
  }
}
