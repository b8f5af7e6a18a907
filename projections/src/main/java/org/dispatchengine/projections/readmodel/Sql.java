package org.dispatchengine.projections.readmodel;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Column conversions shared by the read models; identical on H2 and PostgreSQL. */
final class Sql {
  private Sql() {}

  /** Both databases keep microseconds; truncating here makes what is written equal to what is read back. */
  static Instant micros(Instant at) {
    return at == null ? null : at.truncatedTo(ChronoUnit.MICROS);
  }

  static void setInstant(PreparedStatement statement, int index, Instant at) throws SQLException {
    if (at == null) {
      statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      statement.setObject(index, OffsetDateTime.ofInstant(micros(at), ZoneOffset.UTC));
    }
  }

  static Instant getInstant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  static void setDouble(PreparedStatement statement, int index, Double value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.DOUBLE);
    } else {
      statement.setDouble(index, value);
    }
  }

  static Double getDouble(ResultSet rs, String column) throws SQLException {
    double value = rs.getDouble(column);
    return rs.wasNull() ? null : value;
  }

  /** Binds the same parameters, in the same order, to an update and to an insert. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /**
   * Adds to a counter row, creating it when missing. Only safe for rows with a single writer, which is why counters
   * are kept per tag slice: two writers could both miss the row and both insert.
   */
  static void addOrInsert(PreparedStatement update, PreparedStatement insert, Binder binder) throws SQLException {
    binder.bind(update);
    if (update.executeUpdate() == 0) {
      binder.bind(insert);
      insert.executeUpdate();
    }
  }
}
