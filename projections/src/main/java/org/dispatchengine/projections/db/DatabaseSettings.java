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
     * The node's own pool (read models and their queries, whose filters vary) plans every run for the tables as they
     * are: a generic plan, made once for the tables as they were, is kept until they are analyzed. The journal's pool
     * keeps PostgreSQL's cached plans: its statements are fixed index lookups (and the tag query of
     * TagRangeReadJournalDao walks the tag's index), whose generic plans are the right ones even when made for empty
     * tables, and planning them on every run took more of PostgreSQL's time than running them (ADR 0016).
     */
    POSTGRESQL("postgresql", "org.postgresql.Driver", "slick.jdbc.PostgresProfile$", "postgres-dialect",
        "SET plan_cache_mode = force_custom_plan");

    final String migrationFolder;
    final String driver;
    final String slickProfile;
    final String projectionDialect;
    /** Run on every new connection of the node's own pool; empty for none. */
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
    return ConfigFactory.parseMap(settings);
  }
}
