package org.dispatchengine.projections.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The node's own connection pool (projections, read-model queries, health checks) and the schema migrations. The
 * journal keeps a pool of its own, configured from the same {@link DatabaseSettings}.
 */
public final class Database implements AutoCloseable {
  private final DatabaseSettings settings;
  private final HikariDataSource dataSource;

  private Database(DatabaseSettings settings, HikariDataSource dataSource) {
    this.settings = settings;
    this.dataSource = dataSource;
  }

  public static Database open(DatabaseSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("dispatch");
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setDriverClassName(settings.kind().driver);
    config.setMaximumPoolSize(settings.poolSize());
    config.setConnectionTimeout(5_000);
    if (!settings.kind().connectionInitSql.isEmpty()) {
      config.setConnectionInitSql(settings.kind().connectionInitSql);
    }
    // the pool starts empty: a database that is down at start-up is reported by migrate(), not by the constructor
    config.setInitializationFailTimeout(-1);
    return new Database(settings, new HikariDataSource(config));
  }

  /** Brings the schema to the newest version; run before anything reads or writes the journal. */
  public int migrate() {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/" + settings.kind().migrationFolder)
        .load()
        .migrate()
        .migrationsExecuted;
  }

  /** False only for a PostgreSQL server whose autovacuum is off; H2 needs none. */
  public boolean autovacuumOn() {
    if (settings.kind() != DatabaseSettings.Kind.POSTGRESQL) {
      return true;
    }
    try (Connection connection = dataSource.getConnection();
         java.sql.ResultSet setting = connection.createStatement().executeQuery("SHOW autovacuum")) {
      return !setting.next() || !setting.getString(1).equals("off");
    } catch (SQLException e) {
      // a database that does not answer is reported by the health check, not here
      return true;
    }
  }

  public DatabaseSettings settings() {
    return settings;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Whether the database answers within two seconds; runs on {@code blockingExecutor}. */
  public CompletionStage<Boolean> ping(Executor blockingExecutor) {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection connection = dataSource.getConnection()) {
        return connection.isValid(2);
      } catch (SQLException e) {
        return false;
      }
    }, blockingExecutor);
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
