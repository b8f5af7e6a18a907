package org.dispatchengine.projections.readmodel;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code order_view} and {@code order_status_history}. Every statement filters on the caller's tenant. These
 * tables follow the journal with a lag (see docs/read-models.md); the order entity is the authority. All methods
 * block: call them on the blocking dispatcher.
 */
public final class OrderQueries {
  private final DataSource dataSource;

  public OrderQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * @param from created at or after, may be null
   * @param to created before, may be null
   */
  public record Filter(String status, String zoneId, String courierId, String storeId, String customerId,
      Instant from, Instant to) {}

  /** One order as admins list it. {@code seq} is the order's last event reflected here. */
  public record OrderItem(String id, String kind, String status, String customerId, String storeId, String zoneId,
      String courierId, BigDecimal fee, String assignmentState, int assignmentAttempts, String reason,
      Instant createdAt, Instant acceptedAt, Instant readyAt, Instant pickedUpAt, Instant deliveredAt,
      Instant endedAt, Instant assignedAt, Instant updatedAt, long seq) {}

  public record HistoryItem(long seq, String from, String to, String byRole, String bySubject, String reason,
      Instant at) {}

  /** The tenant's orders matching {@code filter}, newest first, {@code limit} at most, after {@code cursor}. */
  public Page<OrderItem> list(String tenantId, Filter filter, int limit, String cursor) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT * FROM \"order_view\" WHERE \"tenant_id\" = ?");
    List<Object> args = new ArrayList<>(List.of(tenantId));
    equal(sql, args, "status", filter.status());
    equal(sql, args, "zone_id", filter.zoneId());
    equal(sql, args, "courier_id", filter.courierId());
    equal(sql, args, "store_id", filter.storeId());
    equal(sql, args, "customer_id", filter.customerId());
    if (filter.from() != null) {
      sql.append(" AND \"created_at\" >= ?");
      args.add(filter.from());
    }
    if (filter.to() != null) {
      sql.append(" AND \"created_at\" < ?");
      args.add(filter.to());
    }
    if (cursor != null) {
      Cursor.Position after = Cursor.decodePosition(cursor);
      // the sort key never changes once written, so a row seen on one page is never seen again, whatever is inserted
      sql.append(" AND (\"created_at\" < ? OR (\"created_at\" = ? AND \"order_id\" < ?))");
      args.add(after.at());
      args.add(after.at());
      args.add(after.tieBreaker());
    }
    sql.append(" ORDER BY \"created_at\" DESC, \"order_id\" DESC LIMIT ?");
    args.add(limit + 1);
    List<OrderItem> items = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
         PreparedStatement select = connection.prepareStatement(sql.toString())) {
      bind(select, args);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          items.add(item(rs));
        }
      }
    }
    if (items.size() <= limit) {
      return new Page<>(items, null);
    }
    OrderItem last = items.get(limit - 1);
    return new Page<>(items.subList(0, limit), Cursor.encode(last.createdAt(), last.id()));
  }

  /** The order's status transitions, oldest first; empty when the tenant has no such order (yet). */
  public Optional<List<HistoryItem>> history(String tenantId, String orderId) throws SQLException {
    List<HistoryItem> items = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
         PreparedStatement select = connection.prepareStatement("SELECT * FROM \"order_status_history\" "
             + "WHERE \"tenant_id\" = ? AND \"order_id\" = ? ORDER BY \"seq_nr\"")) {
      select.setString(1, tenantId);
      select.setString(2, orderId);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          items.add(new HistoryItem(rs.getLong("seq_nr"), rs.getString("from_status"), rs.getString("to_status"),
              rs.getString("by_role"), rs.getString("by_subject"), rs.getString("reason"), Sql.getInstant(rs, "at")));
        }
      }
    }
    return items.isEmpty() ? Optional.empty() : Optional.of(items);
  }

  /** An order that is, as far as the read model knows, still looking for a courier. */
  public record Searching(String tenantId, String orderId) {}

  /** Open orders whose search is under way (any tenant), least recently changed first. */
  public List<Searching> searching(int limit) throws SQLException {
    List<Searching> found = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
         PreparedStatement select = connection.prepareStatement("SELECT \"tenant_id\", \"order_id\" "
             + "FROM \"order_view\" WHERE \"assignment_state\" IN ('searching', 'offered') "
             + "AND \"status\" NOT IN ('delivered', 'cancelled', 'failed') ORDER BY \"updated_at\" LIMIT ?")) {
      select.setInt(1, limit);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          found.add(new Searching(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return found;
  }

  private static void equal(StringBuilder sql, List<Object> args, String column, String value) {
    if (value != null) {
      sql.append(" AND \"").append(column).append("\" = ?");
      args.add(value);
    }
  }

  static void bind(PreparedStatement statement, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      Object arg = args.get(i);
      if (arg instanceof Instant at) {
        Sql.setInstant(statement, i + 1, at);
      } else {
        statement.setObject(i + 1, arg);
      }
    }
  }

  private static OrderItem item(ResultSet rs) throws SQLException {
    return new OrderItem(rs.getString("order_id"), rs.getString("kind"), rs.getString("status"),
        rs.getString("customer_id"), rs.getString("store_id"), rs.getString("zone_id"), rs.getString("courier_id"),
        rs.getBigDecimal("fee"), rs.getString("assignment_state"), rs.getInt("assignment_attempts"),
        rs.getString("reason"), Sql.getInstant(rs, "created_at"), Sql.getInstant(rs, "accepted_at"),
        Sql.getInstant(rs, "ready_at"), Sql.getInstant(rs, "picked_up_at"), Sql.getInstant(rs, "delivered_at"),
        Sql.getInstant(rs, "ended_at"), Sql.getInstant(rs, "assigned_at"), Sql.getInstant(rs, "updated_at"),
        rs.getLong("seq_nr"));
  }
}
