package org.dispatchengine.projections.db;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Which database the node uses: an embedded H2 file under the data directory unless {@code dispatch.db.url} names
 * another, PostgreSQL for a {@code jdbc:postgresql:} URL.
 */
public record DatabaseSettings(Kind kind, String url, String user, String password, int poolSize) {

  public enum Kind {
    H2("h2", "org.h2.Driver", "slick.jdbc.H2Profile$", "h2-dialect", ""),
    /*
     * A server-side prepared statement switches to a generic plan after five runs and keeps it until the table's
     * statistics change. A node started on a new database plans the journal's tag query for empty tables (nested
     * loops over full scans) and, where autovacuum does not analyze them, keeps that plan while the journal grows:
     * a replay then took seconds per batch of 500. Planning each run costs well under a millisecond.
     */
    POSTGRESQL("postgresql", "org.postgresql.Driver", "slick.jdbc.PostgresProfile$", "postgres-dialect",
        "SET plan_cache_mode = force_custom_plan");

    final String migrationFolder;
    final String driver;
    final String slickProfile;
    final String projectionDialect;
    /** Run on every new connection of both pools; empty for none. */
    final String connectionInitSql;

    Kind(String migrationFolder, String driver, String slickProfile, String projectionDialect,
        String connectionInitSql) {
      this.migrationFolder = migrationFolder;
      this.driver = driver;
      this.slickProfile = slickProfile;
      this.projectionDialect = projectionDialect;
      this.connectionInitSql = connectionInitSql;
    }
  }

  @Override
  public String toString() {
    return "DatabaseSettings[kind=" + kind + ", url=" + url + ", user=" + user + ", poolSize=" + poolSize + "]";
  }

  public static DatabaseSettings fromConfig(Config config) {
    Config db = config.getConfig("dispatch.db");
    String url = db.getString("url").trim();
    int poolSize = db.getInt("pool-size");
    if (url.isEmpty()) {
      Path file = Path.of(config.getString("dispatch.data-dir")).toAbsolutePath().resolve("dispatch");
      return h2(file, poolSize);
    }
    Kind kind;
    if (url.startsWith("jdbc:postgresql:")) {
      kind = Kind.POSTGRESQL;
    } else if (url.startsWith("jdbc:h2:")) {
      kind = Kind.H2;
    } else {
      throw new IllegalArgumentException("DISPATCH_DB_URL must be a jdbc:postgresql: or jdbc:h2: URL");
    }
    return new DatabaseSettings(kind, url, db.getString("user"), db.getString("password"), poolSize);
  }

  /** An embedded H2 database in {@code file}(.mv.db). */
  public static DatabaseSettings h2(Path file, int poolSize) {
    // H2 must not close itself in its own shutdown hook while Pekko's coordinated shutdown still drains writes
    String url = "jdbc:h2:file:" + file.toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
    return new DatabaseSettings(Kind.H2, url, "sa", "", poolSize);
  }

  /** Settings for the journal, snapshot store, read journal and projections, to put in front of the node's config. */
  public Config pekkoConfig() {
    Map<String, Object> settings = new HashMap<>(Map.of(
        "pekko-persistence-jdbc.shared-databases.slick.profile", kind.slickProfile,
        "pekko-persistence-jdbc.shared-databases.slick.db.url", url,
        "pekko-persistence-jdbc.shared-databases.slick.db.user", user,
        "pekko-persistence-jdbc.shared-databases.slick.db.password", password,
        "pekko-persistence-jdbc.shared-databases.slick.db.driver", kind.driver,
        "pekko-persistence-jdbc.shared-databases.slick.db.numThreads", poolSize,
        "pekko-persistence-jdbc.shared-databases.slick.db.maxConnections", poolSize,
        "pekko-persistence-jdbc.shared-databases.slick.db.minConnections", poolSize,
        "pekko.projection.jdbc.dialect", kind.projectionDialect,
        "pekko.projection.jdbc.blocking-jdbc-dispatcher.thread-pool-executor.fixed-pool-size", poolSize));
    if (!kind.connectionInitSql.isEmpty()) {
      settings.put("pekko-persistence-jdbc.shared-databases.slick.db.connectionInitSql", kind.connectionInitSql);
    }
    return ConfigFactory.parseMap(settings);
  }
}
