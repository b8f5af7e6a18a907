package org.dispatchengine.projections.db;

import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseMigrationTest {
  private static final Set<String> EXPECTED_TABLES = Set.of(
      "event_journal", "event_tag", "snapshot", "pekko_projection_offset_store", "pekko_projection_management",
      "order_view", "order_status_history", "courier_view", "courier_track", "tenant_daily_stats",
      "tenant_daily_delivery_minutes");

  @Test
  void migratesH2OnceAndCreatesEveryTable() throws Exception {
    try (Database database = Database.open(TestDatabases.h2())) {
      assertEquals(4, database.migrate());
      assertEquals(0, database.migrate(), "a second start applies nothing");
      assertTrue(tables(database).containsAll(EXPECTED_TABLES), tables(database).toString());
    }
  }

  @Test
  void migratesPostgresOnceAndCreatesEveryTable() throws Exception {
    try (TestDatabases.Postgres postgres = TestDatabases.postgres();
         Database database = Database.open(postgres.settings())) {
      assertEquals(4, database.migrate());
      assertEquals(0, database.migrate());
      assertTrue(tables(database).containsAll(EXPECTED_TABLES), tables(database).toString());
    }
  }

  @Test
  void postgresReadModelConnectionsPlanEveryQueryAndTheJournalsKeepCachedPlans() throws Exception {
    try (TestDatabases.Postgres postgres = TestDatabases.postgres();
         Database database = Database.open(postgres.settings())) {
      try (Connection connection = database.dataSource().getConnection();
           ResultSet rs = connection.createStatement().executeQuery("SHOW plan_cache_mode")) {
        rs.next();
        assertEquals("force_custom_plan", rs.getString(1));
      }
      assertFalse(postgres.settings().pekkoConfig().hasPath(
          "pekko-persistence-jdbc.shared-databases.slick.db.connectionInitSql"), "the journal's pool");
    }
  }

  /**
   * Why the journal's pool may keep cached plans: the tag query's generic plan, made while the tables are empty and
   * never analyzed, walks the tag's index, and still does once the journal is large.
   */
  @Test
  void postgresTagQueryPlanMadeForEmptyTablesUsesTheTagIndex() throws Exception {
    try (TestDatabases.Postgres postgres = TestDatabases.postgres();
         Database database = Database.open(postgres.settings())) {
      database.migrate();
      try (Connection connection = DriverManager.getConnection(postgres.settings().url(), postgres.settings().user(),
          postgres.settings().password()); Statement sql = connection.createStatement()) {
        String query = TagRangeReadJournalDao.eventsByTagSql("\"event_journal\"", "\"event_tag\"");
        for (int n = 1; n <= 4; n++) {
          query = query.replaceFirst("\\?", "\\$" + n);
        }
        sql.execute("PREPARE tagged(text, bigint, bigint, bigint) AS " + query);
        for (int run = 0; run < 8; run++) {
          sql.execute("EXECUTE tagged('t-1', 0, 100, 500)");
        }
        sql.execute("INSERT INTO event_journal (persistence_id, sequence_number, writer, event_ser_id, "
            + "event_ser_manifest, event_payload) SELECT 'p' || (g % 100), g, 'w', 1, 'm', '\\x00'::bytea "
            + "FROM generate_series(1, 50000) g");
        sql.execute("INSERT INTO event_tag SELECT ordering, 't-' || (ordering % 8) FROM event_journal");

        StringBuilder plan = new StringBuilder();
        try (ResultSet rows = sql.executeQuery("EXPLAIN (COSTS OFF) EXECUTE tagged('t-1', 49000, 50000, 500)")) {
          while (rows.next()) {
            plan.append(rows.getString(1)).append('\n');
          }
        }
        assertTrue(plan.toString().contains("$1"), "a generic plan:\n" + plan);
        assertTrue(plan.toString().contains("event_tag_tag_idx"), plan.toString());
        assertFalse(plan.toString().contains("Seq Scan"), plan.toString());
      }
    }
  }

  @Test
  void tellsWhetherPostgresqlRunsAutovacuum() throws Exception {
    try (TestDatabases.Postgres postgres = TestDatabases.postgres();
         Database database = Database.open(postgres.settings());
         Connection connection = database.dataSource().getConnection();
         ResultSet rs = connection.createStatement().executeQuery("SHOW autovacuum")) {
      rs.next();
      assertEquals(rs.getString(1).equals("on"), database.autovacuumOn());
    }
    try (Database h2 = Database.open(TestDatabases.h2())) {
      assertTrue(h2.autovacuumOn(), "H2 has nothing to vacuum");
    }
  }

  @Test
  void h2ConnectionsNeedNoSetUp() {
    assertTrue(TestDatabases.h2().pekkoConfig().getConfig("pekko-persistence-jdbc.shared-databases.slick.db")
        .withOnlyPath("connectionInitSql").isEmpty());
  }

  private static Set<String> tables(Database database) throws Exception {
    Set<String> names = new TreeSet<>();
    try (Connection connection = database.dataSource().getConnection();
         ResultSet rs = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
    }
    return names;
  }
}
