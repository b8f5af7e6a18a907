package org.dispatchengine.projections.db;

import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  void postgresConnectionsOfBothPoolsPlanEveryQueryForTheTablesAsTheyAre() throws Exception {
    try (TestDatabases.Postgres postgres = TestDatabases.postgres();
         Database database = Database.open(postgres.settings())) {
      try (Connection connection = database.dataSource().getConnection();
           ResultSet rs = connection.createStatement().executeQuery("SHOW plan_cache_mode")) {
        rs.next();
        assertEquals("force_custom_plan", rs.getString(1));
      }
      assertEquals("SET plan_cache_mode = force_custom_plan", postgres.settings().pekkoConfig()
          .getString("pekko-persistence-jdbc.shared-databases.slick.db.connectionInitSql"), "the journal's pool");
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
