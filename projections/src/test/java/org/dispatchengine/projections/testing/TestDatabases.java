package org.dispatchengine.projections.testing;

import org.dispatchengine.projections.db.DatabaseSettings;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * Fresh databases for tests: an H2 file in a new temporary directory, or a new PostgreSQL database on the server
 * named by {@code DISPATCH_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user
 * {@code postgres}). Without a reachable server the PostgreSQL tests are skipped, except in CI ({@code CI} set),
 * where they fail.
 */
public final class TestDatabases {
  private TestDatabases() {}

  /** The number in the first column of the one row {@code sql} returns, its {@code ?}s bound to {@code parameters}. */
  public static long queryLong(DataSource dataSource, String sql, String... parameters) throws SQLException {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      try (ResultSet rs = statement.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no row: " + sql);
        }
        return rs.getLong(1);
      }
    }
  }

  /** Rows of the event journal whose persistence id is {@code LIKE persistenceIdPattern}. */
  public static long journalRows(DataSource dataSource, String persistenceIdPattern) throws SQLException {
    return queryLong(dataSource, "SELECT count(*) FROM \"event_journal\" WHERE \"persistence_id\" LIKE ?",
        persistenceIdPattern);
  }

  public static DatabaseSettings h2() {
    try {
      return DatabaseSettings.h2(Files.createTempDirectory("dispatch-test").resolve("dispatch"), 8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new, empty PostgreSQL database, dropped on close. */
  public static final class Postgres implements AutoCloseable {
    private final String name;
    private final DatabaseSettings settings;

    private Postgres(String name, DatabaseSettings settings) {
      this.name = name;
      this.settings = settings;
    }

    public DatabaseSettings settings() {
      return settings;
    }

    @Override
    public void close() {
      execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  public static Postgres postgres() {
    String name = "dispatch_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    execute("CREATE DATABASE " + name);
    String url = adminUrl().replaceFirst("/[^/?]*(\\?.*)?$", "/" + name + "$1");
    return new Postgres(name, new DatabaseSettings(DatabaseSettings.Kind.POSTGRESQL, url, user(), password(), 8));
  }

  private static void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(adminUrl(), user(), password());
         Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      if (System.getenv("CI") == null && isUnreachable(e)) {
        Assumptions.abort("PostgreSQL is not reachable at " + adminUrl() + ": " + e.getMessage());
      }
      throw new IllegalStateException("PostgreSQL at " + adminUrl() + " failed: " + sql, e);
    }
  }

  private static boolean isUnreachable(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("08");
  }

  private static String adminUrl() {
    return env("DISPATCH_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
  }

  private static String user() {
    return env("DISPATCH_TEST_PG_USER", "postgres");
  }

  private static String password() {
    return env("DISPATCH_TEST_PG_PASSWORD", "");
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
