package org.dispatchengine.projections.readmodel;

import org.dispatchengine.engine.courier.CourierRecord;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code courier_view} and {@code courier_track}, always within the caller's tenant. Blocking: call on the
 * blocking dispatcher.
 */
public final class CourierQueries {
  private final DataSource dataSource;
  private final Clock clock;

  public CourierQueries(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  public record Position(double lat, double lon, Instant at) {}

  /**
   * @param load orders carried, counting an accepted offer not yet confirmed
   * @param onlineSeconds time on shift over all shifts, the current one included
   */
  public record CourierItem(String id, String name, String vehicle, int capacity, boolean online, boolean blocked,
      boolean available, int load, String offerId, Position lastPosition, Instant shiftStartedAt, int shifts,
      long onlineSeconds, Instant createdAt, Instant updatedAt, long seq) {}

  public record TrackPoint(double lat, double lon, Double accuracy, Double speed, Double heading, Instant at,
      long seq) {}

  /** The tenant's couriers by id, only those on (or off) shift when {@code online} is given. */
  public Page<CourierItem> list(String tenantId, Boolean online, int limit, String cursor) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT * FROM \"courier_view\" WHERE \"tenant_id\" = ?");
    List<Object> args = new ArrayList<>(List.of(tenantId));
    if (online != null) {
      sql.append(" AND \"online\" = ?");
      args.add(online);
    }
    if (cursor != null) {
      sql.append(" AND \"courier_id\" > ?");
      args.add(Cursor.decodeKey(cursor));
    }
    sql.append(" ORDER BY \"courier_id\" LIMIT ?");
    args.add(limit + 1);
    List<CourierItem> items = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
         PreparedStatement select = connection.prepareStatement(sql.toString())) {
      OrderQueries.bind(select, args);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          items.add(item(rs));
        }
      }
    }
    if (items.size() <= limit) {
      return new Page<>(items, null);
    }
    return new Page<>(items.subList(0, limit), Cursor.encode(items.get(limit - 1).id()));
  }

  /**
   * The courier's sampled positions in {@code [from, to)}, oldest first; empty when the tenant has no such courier.
   */
  public Optional<Page<TrackPoint>> track(String tenantId, String courierId, Instant from, Instant to, int limit,
      String cursor) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement exists = connection.prepareStatement(
          "SELECT 1 FROM \"courier_view\" WHERE \"tenant_id\" = ? AND \"courier_id\" = ?")) {
        exists.setString(1, tenantId);
        exists.setString(2, courierId);
        try (ResultSet rs = exists.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
        }
      }
      StringBuilder sql = new StringBuilder("SELECT * FROM \"courier_track\" WHERE \"tenant_id\" = ? "
          + "AND \"courier_id\" = ? AND \"at\" >= ? AND \"at\" < ?");
      List<Object> args = new ArrayList<>(List.of(tenantId, courierId, from, to));
      if (cursor != null) {
        Cursor.Position after = Cursor.decodePosition(cursor);
        long seq;
        try {
          seq = Long.parseLong(after.tieBreaker());
        } catch (NumberFormatException e) {
          throw new Cursor.InvalidCursor();
        }
        sql.append(" AND (\"at\" > ? OR (\"at\" = ? AND \"seq_nr\" > ?))");
        args.add(after.at());
        args.add(after.at());
        args.add(seq);
      }
      sql.append(" ORDER BY \"at\", \"seq_nr\" LIMIT ?");
      args.add(limit + 1);
      List<TrackPoint> points = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
        OrderQueries.bind(select, args);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            points.add(new TrackPoint(rs.getDouble("lat"), rs.getDouble("lon"), Sql.getDouble(rs, "accuracy"),
                Sql.getDouble(rs, "speed"), Sql.getDouble(rs, "heading"), Sql.getInstant(rs, "at"),
                rs.getLong("seq_nr")));
          }
        }
      }
      if (points.size() <= limit) {
        return Optional.of(new Page<>(points, null));
      }
      TrackPoint last = points.get(limit - 1);
      return Optional.of(new Page<>(points.subList(0, limit), Cursor.encode(last.at(), Long.toString(last.seq()))));
    }
  }

  private CourierItem item(ResultSet rs) throws SQLException {
    boolean online = rs.getBoolean("online");
    boolean blocked = rs.getBoolean("blocked");
    String offerId = rs.getString("offer_id");
    int load = CourierRecord.load(rs.getInt("active_orders"), offerId != null && rs.getBoolean("offer_accepted"));
    int capacity = rs.getInt("capacity");
    Instant shiftStartedAt = Sql.getInstant(rs, "shift_started_at");
    long onlineSeconds = rs.getLong("online_seconds")
        + (shiftStartedAt == null ? 0 : Math.max(0, Duration.between(shiftStartedAt, clock.instant()).toSeconds()));
    Instant fixAt = Sql.getInstant(rs, "last_fix_at");
    Position position = fixAt == null ? null
        : new Position(rs.getDouble("last_lat"), rs.getDouble("last_lon"), fixAt);
    return new CourierItem(rs.getString("courier_id"), rs.getString("name"), rs.getString("vehicle"), capacity,
        online, blocked, CourierRecord.available(online, blocked, load, capacity, offerId != null), load, offerId,
        position,
        shiftStartedAt, rs.getInt("shifts"), onlineSeconds, Sql.getInstant(rs, "created_at"),
        Sql.getInstant(rs, "updated_at"), rs.getLong("seq_nr"));
  }
}
