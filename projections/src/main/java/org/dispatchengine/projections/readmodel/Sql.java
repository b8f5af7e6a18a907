package org.dispatchengine.projections.readmodel;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

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

  /** Reads one result row. */
  @FunctionalInterface
  interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  /**
   * Reads the stored rows of the entities {@code items} are about, with one query per tenant: a group of events mostly
   * holds one event for each of many entities, and a query per entity was a fifth of a read model's statements. The
   * statement's text does not depend on the number of ids, so that its plan is prepared once. {@code table} and
   * {@code idColumn} are the caller's constants.
   */
  static <T> void selectByIds(Connection connection, String table, String idColumn, Collection<T> items,
      Function<T, String> tenant, Function<T, String> id, RowReader reader) throws SQLException {
    Map<String, Set<String>> idsByTenant = new LinkedHashMap<>();
    for (T item : items) {
      idsByTenant.computeIfAbsent(tenant.apply(item), t -> new LinkedHashSet<>()).add(id.apply(item));
    }
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT * FROM \"" + table + "\" WHERE \"tenant_id\" = ? AND \"" + idColumn + "\" = ANY(?)")) {
      for (Map.Entry<String, Set<String>> ids : idsByTenant.entrySet()) {
        Array array = connection.createArrayOf("VARCHAR", ids.getValue().toArray());
        try {
          select.setString(1, ids.getKey());
          select.setArray(2, array);
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              reader.read(rs);
            }
          }
        } finally {
          array.free();
        }
      }
    }
  }
}
