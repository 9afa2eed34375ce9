package dev.stead.master.storage;

import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.master.storage.postgres.PostgresLocation;
import dev.stead.master.storage.postgres.PostgresStore;
import org.junit.jupiter.api.Nested;

/**
 * Every store contract against the PostgreSQL backend: each test on a new database of the
 * JVM's throwaway cluster.
 */
class PostgresStoreContractTest {
  private PostgresLocation database;

  private Store open() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    if (database == null) {
      database = cluster.createDatabase();
    }
    return PostgresStore.open(database, cluster.credentials());
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
