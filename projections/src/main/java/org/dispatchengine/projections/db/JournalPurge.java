package org.dispatchengine.projections.db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Deletes the journal rows and snapshots of short-lived entities whose data has expired, such as idempotency-key
 * claims, which are honoured for a retention period only. Nothing else is ever deleted from the journal.
 */
public final class JournalPurge {
  private JournalPurge() {}

  /** Deletes the events and snapshots of entity type {@code entityType} written before {@code before}. */
  public static int purge(DataSource dataSource, String entityType, Instant before) throws SQLException {
    String persistenceIds = entityType + "|%";
    try (Connection connection = dataSource.getConnection();
         PreparedStatement events = connection.prepareStatement(
             "DELETE FROM \"event_journal\" WHERE \"persistence_id\" LIKE ? AND \"write_timestamp\" < ?");
         PreparedStatement snapshots = connection.prepareStatement(
             "DELETE FROM \"snapshot\" WHERE \"persistence_id\" LIKE ? AND \"created\" < ?")) {
      events.setString(1, persistenceIds);
      events.setLong(2, before.toEpochMilli());
      snapshots.setString(1, persistenceIds);
      snapshots.setLong(2, before.toEpochMilli());
      snapshots.executeUpdate();
      return events.executeUpdate();
    }
  }
}
