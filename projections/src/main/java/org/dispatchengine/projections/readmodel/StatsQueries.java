package org.dispatchengine.projections.readmodel;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the tenant's daily statistics for a range of days (UTC), per day and zone and per zone over the range.
 * Counters are summed over the tag slices they are kept in. Blocking: call on the blocking dispatcher.
 */
public final class StatsQueries {
  private final DataSource dataSource;

  public StatsQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Figures of one zone ({@code zoneId} null: orders outside every zone) on one day, or over the whole range when
   * {@code day} is null. Means are null where there is nothing to average; the p90 is in whole minutes (each
   * delivery counted in the minute it started), by the nearest-rank method.
   */
  public record ZoneFigures(LocalDate day, String zoneId, int created, int delivered, int cancelled, int failed,
      Double meanMinutesToDeliver, Integer p90MinutesToDeliver, int assigned, Double meanMinutesToAssign) {}

  public record Stats(LocalDate from, LocalDate to, List<ZoneFigures> days, List<ZoneFigures> zones) {}

  private record Key(LocalDate day, String zoneId) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int byDay = day.compareTo(other.day);
      return byDay != 0 ? byDay : zoneId.compareTo(other.zoneId);
    }
  }

  private static final class Sums extends DayCounters {
    final TreeMap<Integer, Integer> minutes = new TreeMap<>();

    void add(Sums other) {
      super.add(other);
      other.minutes.forEach((minute, orders) -> minutes.merge(minute, orders, Integer::sum));
    }

    ZoneFigures figures(LocalDate day, String zoneId) {
      return new ZoneFigures(day, zoneId.isEmpty() ? null : zoneId, created, delivered, cancelled, failed,
          delivered == 0 ? null : deliveryMillis / 60_000.0 / delivered, percentile(0.9),
          assigned, assigned == 0 ? null : assignMillis / 60_000.0 / assigned);
    }

    private Integer percentile(double p) {
      int total = minutes.values().stream().mapToInt(Integer::intValue).sum();
      if (total == 0) {
        return null;
      }
      long rank = (long) Math.ceil(p * total);
      long seen = 0;
      for (Map.Entry<Integer, Integer> bucket : minutes.entrySet()) {
        seen += bucket.getValue();
        if (seen >= rank) {
          return bucket.getKey();
        }
      }
      return minutes.lastKey();
    }
  }

  /** Days {@code from} to {@code to}, both included. */
  public Stats stats(String tenantId, LocalDate from, LocalDate to) throws SQLException {
    Map<Key, Sums> byDay = new TreeMap<>();
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement select = connection.prepareStatement("SELECT \"day\", \"zone_id\", SUM(\"created\"), "
          + "SUM(\"delivered\"), SUM(\"cancelled\"), SUM(\"failed\"), SUM(\"delivery_millis_sum\"), SUM(\"assigned\"), "
          + "SUM(\"assign_millis_sum\") FROM \"tenant_daily_stats\" WHERE \"tenant_id\" = ? AND \"day\" >= ? "
          + "AND \"day\" <= ? GROUP BY \"day\", \"zone_id\"")) {
        bindRange(select, tenantId, from, to);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            Sums sums = byDay.computeIfAbsent(new Key(rs.getObject(1, LocalDate.class), rs.getString(2)),
                k -> new Sums());
            sums.created = rs.getInt(3);
            sums.delivered = rs.getInt(4);
            sums.cancelled = rs.getInt(5);
            sums.failed = rs.getInt(6);
            sums.deliveryMillis = rs.getLong(7);
            sums.assigned = rs.getInt(8);
            sums.assignMillis = rs.getLong(9);
          }
        }
      }
      try (PreparedStatement select = connection.prepareStatement("SELECT \"day\", \"zone_id\", \"minutes\", "
          + "SUM(\"orders\") FROM \"tenant_daily_delivery_minutes\" WHERE \"tenant_id\" = ? AND \"day\" >= ? "
          + "AND \"day\" <= ? GROUP BY \"day\", \"zone_id\", \"minutes\"")) {
        bindRange(select, tenantId, from, to);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            byDay.computeIfAbsent(new Key(rs.getObject(1, LocalDate.class), rs.getString(2)), k -> new Sums())
                .minutes.merge(rs.getInt(3), rs.getInt(4), Integer::sum);
          }
        }
      }
    }
    List<ZoneFigures> days = new ArrayList<>();
    Map<String, Sums> byZone = new TreeMap<>();
    byDay.forEach((key, sums) -> {
      days.add(sums.figures(key.day(), key.zoneId()));
      byZone.computeIfAbsent(key.zoneId(), z -> new Sums()).add(sums);
    });
    List<ZoneFigures> zones = new ArrayList<>();
    byZone.forEach((zoneId, sums) -> zones.add(sums.figures(null, zoneId)));
    return new Stats(from, to, days, zones);
  }

  private static void bindRange(PreparedStatement select, String tenantId, LocalDate from, LocalDate to)
      throws SQLException {
    select.setString(1, tenantId);
    select.setObject(2, from);
    select.setObject(3, to);
  }
}
