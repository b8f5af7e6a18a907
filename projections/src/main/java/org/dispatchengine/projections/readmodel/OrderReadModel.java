package org.dispatchengine.projections.readmodel;

import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.dispatchengine.engine.order.AssignmentState;
import org.dispatchengine.engine.order.Order;
import org.dispatchengine.engine.order.OrderStatus;
import org.dispatchengine.projections.db.DataSourceJdbcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Folds order events into {@code order_view}, {@code order_status_history} and the daily statistics. A group of
 * envelopes is one transaction, committed together with the projection's offset. Each order row remembers the
 * sequence number of the last event applied; an event at or below it changes nothing, so a replay cannot count
 * twice. Statistics rows are kept per tag slice: the projection instance of a slice is their only writer.
 */
public final class OrderReadModel extends JdbcHandler<List<EventEnvelope<Order.Event>>, DataSourceJdbcSession> {
  private static final Logger log = LoggerFactory.getLogger(OrderReadModel.class);

  static final List<String> TABLES =
      List.of("order_view", "order_status_history", "tenant_daily_stats", "tenant_daily_delivery_minutes");

  private final int slice;

  public OrderReadModel(int slice) {
    this.slice = slice;
  }

  @Override
  public void process(DataSourceJdbcSession session, List<EventEnvelope<Order.Event>> envelopes) throws Exception {
    session.withConnection(connection -> {
      Batch batch = new Batch(connection);
      batch.loadRows(envelopes);
      for (EventEnvelope<Order.Event> envelope : envelopes) {
        batch.apply(envelope.event(), envelope.sequenceNr());
      }
      batch.write(slice);
      return null;
    });
  }

  /** One order's row as the projection changes it. */
  private static final class Row {
    final String tenantId;
    final String orderId;
    final String kind;
    final String customerId;
    final String storeId;
    final String zoneId;
    final BigDecimal fee;
    final Instant createdAt;
    final boolean stored;
    String status;
    String courierId;
    AssignmentState assignmentState;
    int attempts;
    int offerUnanswered;
    String reason;
    Instant acceptedAt;
    Instant readyAt;
    Instant pickedUpAt;
    Instant deliveredAt;
    Instant endedAt;
    Instant assignedAt;
    Instant updatedAt;
    long seqNr;
    boolean changed;

    Row(String tenantId, String orderId, String kind, String customerId, String storeId, String zoneId,
        BigDecimal fee, Instant createdAt, boolean stored) {
      this.tenantId = tenantId;
      this.orderId = orderId;
      this.kind = kind;
      this.customerId = customerId;
      this.storeId = storeId;
      this.zoneId = zoneId;
      this.fee = fee;
      this.createdAt = createdAt;
      this.stored = stored;
    }
  }

  private record History(String tenantId, String orderId, long seqNr, String from, String to, String byRole,
      String bySubject, String reason, Instant at) {}

  private record DayKey(String tenantId, LocalDate day, String zoneId) {}

  private record MinuteKey(DayKey day, int minutes) {}

  private static final class Batch {
    private final Connection connection;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final List<History> history = new ArrayList<>();
    private final Map<DayKey, DayCounters> days = new LinkedHashMap<>();
    private final Map<MinuteKey, Integer> minutes = new HashMap<>();

    Batch(Connection connection) {
      this.connection = connection;
    }

    void apply(Order.Event event, long seqNr) {
      Row row = rows.get(key(event.tenantId(), event.orderId()));
      if (event instanceof Order.OrderCreated created) {
        if (row == null) {
          create(created, seqNr);
        }
        return;
      }
      if (row == null) {
        log.warn("Order {} of tenant {} has event {} but no creation; skipped", event.orderId(), event.tenantId(),
            seqNr);
        return;
      }
      if (seqNr <= row.seqNr) {
        return;
      }
      row.seqNr = seqNr;
      row.updatedAt = event.at();
      row.changed = true;
      if (event instanceof Order.StatusChanged e) {
        changeStatus(row, e, seqNr);
      } else if (event instanceof Order.CourierAssigned e) {
        row.courierId = e.courierId();
        row.assignmentState = AssignmentState.ASSIGNED;
        row.offerUnanswered = 0;
        if (row.assignedAt == null) {
          row.assignedAt = e.at();
          DayCounters delta = day(row, e.at());
          delta.assigned++;
          delta.assignMillis += Duration.between(row.createdAt, e.at()).toMillis();
        }
      } else if (event instanceof Order.DispatchStarted) {
        searching(row);
      } else if (event instanceof Order.CourierOffered e) {
        row.assignmentState = AssignmentState.OFFERED;
        row.attempts++;
        row.offerUnanswered = e.decision().chosen().size();
      } else if (event instanceof Order.OfferDeclined) {
        row.offerUnanswered--;
        if (row.offerUnanswered <= 0) {
          searching(row);
        }
      } else if (event instanceof Order.OfferExpired) {
        searching(row);
      } else if (event instanceof Order.SentToManual) {
        row.assignmentState = AssignmentState.MANUAL;
        row.offerUnanswered = 0;
      }
      // arrivals and revoked tracking links change nothing shown here beyond updated_at
    }

    private static void searching(Row row) {
      row.assignmentState = AssignmentState.SEARCHING;
      row.offerUnanswered = 0;
    }

    private void create(Order.OrderCreated e, long seqNr) {
      Row row = new Row(e.tenantId(), e.orderId(), e.kind().wireName(), e.customerId(), e.storeId(), e.zoneId(),
          e.fee(), Sql.micros(e.at()), false);
      row.status = OrderStatus.PENDING.wireName();
      row.assignmentState = AssignmentState.UNASSIGNED;
      row.updatedAt = e.at();
      row.seqNr = seqNr;
      row.changed = true;
      rows.put(key(e.tenantId(), e.orderId()), row);
      history.add(new History(e.tenantId(), e.orderId(), seqNr, null, row.status, e.by().role().wireName(),
          e.by().subject(), null, e.at()));
      day(row, e.at()).created++;
    }

    private void changeStatus(Row row, Order.StatusChanged e, long seqNr) {
      String from = row.status;
      row.status = e.to().wireName();
      row.reason = e.reason();
      switch (e.to()) {
        case ACCEPTED -> row.acceptedAt = e.at();
        case READY -> row.readyAt = e.at();
        case PICKED_UP -> row.pickedUpAt = e.at();
        case DELIVERED -> {
          row.deliveredAt = e.at();
          long millis = Duration.between(row.createdAt, e.at()).toMillis();
          DayCounters delta = day(row, e.at());
          delta.delivered++;
          delta.deliveryMillis += millis;
          minutes.merge(new MinuteKey(dayKey(row, e.at()), (int) (millis / 60_000)), 1, Integer::sum);
        }
        case CANCELLED -> {
          row.endedAt = e.at();
          day(row, e.at()).cancelled++;
        }
        case FAILED -> {
          row.endedAt = e.at();
          day(row, e.at()).failed++;
        }
        case PENDING -> {}
      }
      history.add(new History(row.tenantId, row.orderId, seqNr, from, row.status, e.by().role().wireName(),
          e.by().subject(), e.reason(), e.at()));
    }

    private static DayKey dayKey(Row row, Instant at) {
      return new DayKey(row.tenantId, LocalDate.ofInstant(at, ZoneOffset.UTC), row.zoneId == null ? "" : row.zoneId);
    }

    private DayCounters day(Row row, Instant at) {
      return days.computeIfAbsent(dayKey(row, at), k -> new DayCounters());
    }

    private static String key(String tenantId, String orderId) {
      return tenantId + ":" + orderId;
    }

    /** Must run before {@link #apply}: the stored rows of the group's orders, absent ones missing from the map. */
    void loadRows(List<EventEnvelope<Order.Event>> envelopes) throws SQLException {
      Sql.selectByIds(connection, "order_view", "order_id", envelopes, e -> e.event().tenantId(),
          e -> e.event().orderId(), this::readRow);
    }

    private void readRow(ResultSet rs) throws SQLException {
      String tenantId = rs.getString("tenant_id");
      String orderId = rs.getString("order_id");
      Row row = new Row(tenantId, orderId, rs.getString("kind"), rs.getString("customer_id"),
          rs.getString("store_id"), rs.getString("zone_id"), rs.getBigDecimal("fee"),
          Sql.getInstant(rs, "created_at"), true);
      row.status = rs.getString("status");
      row.courierId = rs.getString("courier_id");
      row.assignmentState = AssignmentState.valueOf(rs.getString("assignment_state").toUpperCase(Locale.ROOT));
      row.attempts = rs.getInt("assignment_attempts");
      row.offerUnanswered = rs.getInt("offer_unanswered");
      row.reason = rs.getString("reason");
      row.acceptedAt = Sql.getInstant(rs, "accepted_at");
      row.readyAt = Sql.getInstant(rs, "ready_at");
      row.pickedUpAt = Sql.getInstant(rs, "picked_up_at");
      row.deliveredAt = Sql.getInstant(rs, "delivered_at");
      row.endedAt = Sql.getInstant(rs, "ended_at");
      row.assignedAt = Sql.getInstant(rs, "assigned_at");
      row.updatedAt = Sql.getInstant(rs, "updated_at");
      row.seqNr = rs.getLong("seq_nr");
      rows.put(key(tenantId, orderId), row);
    }

    void write(int slice) throws SQLException {
      writeRows();
      writeHistory();
      writeDays(slice);
      writeMinutes(slice);
    }

    private void writeRows() throws SQLException {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO \"order_view\" (\"status\", "
          + "\"courier_id\", \"assignment_state\", \"assignment_attempts\", \"offer_unanswered\", \"reason\", "
          + "\"accepted_at\", \"ready_at\", \"picked_up_at\", \"delivered_at\", \"ended_at\", \"assigned_at\", "
          + "\"updated_at\", \"seq_nr\", \"kind\", \"customer_id\", \"store_id\", \"zone_id\", \"fee\", \"created_at\", "
          + "\"tenant_id\", \"order_id\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
           PreparedStatement update = connection.prepareStatement("UPDATE \"order_view\" SET \"status\" = ?, "
               + "\"courier_id\" = ?, \"assignment_state\" = ?, \"assignment_attempts\" = ?, \"offer_unanswered\" = ?, "
               + "\"reason\" = ?, \"accepted_at\" = ?, \"ready_at\" = ?, \"picked_up_at\" = ?, \"delivered_at\" = ?, "
               + "\"ended_at\" = ?, \"assigned_at\" = ?, \"updated_at\" = ?, \"seq_nr\" = ? "
               + "WHERE \"tenant_id\" = ? AND \"order_id\" = ?")) {
        for (Row row : rows.values()) {
          if (row == null || !row.changed) {
            continue;
          }
          PreparedStatement statement = row.stored ? update : insert;
          int i = 1;
          statement.setString(i++, row.status);
          statement.setString(i++, row.courierId);
          statement.setString(i++, row.assignmentState.wireName());
          statement.setInt(i++, row.attempts);
          statement.setInt(i++, row.offerUnanswered);
          statement.setString(i++, row.reason);
          Sql.setInstant(statement, i++, row.acceptedAt);
          Sql.setInstant(statement, i++, row.readyAt);
          Sql.setInstant(statement, i++, row.pickedUpAt);
          Sql.setInstant(statement, i++, row.deliveredAt);
          Sql.setInstant(statement, i++, row.endedAt);
          Sql.setInstant(statement, i++, row.assignedAt);
          Sql.setInstant(statement, i++, row.updatedAt);
          statement.setLong(i++, row.seqNr);
          if (!row.stored) {
            statement.setString(i++, row.kind);
            statement.setString(i++, row.customerId);
            statement.setString(i++, row.storeId);
            statement.setString(i++, row.zoneId);
            statement.setBigDecimal(i++, row.fee);
            Sql.setInstant(statement, i++, row.createdAt);
          }
          statement.setString(i++, row.tenantId);
          statement.setString(i, row.orderId);
          statement.addBatch();
        }
        insert.executeBatch();
        update.executeBatch();
      }
    }

    private void writeHistory() throws SQLException {
      if (history.isEmpty()) {
        return;
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO \"order_status_history\" "
          + "(\"tenant_id\", \"order_id\", \"seq_nr\", \"from_status\", \"to_status\", \"by_role\", \"by_subject\", "
          + "\"reason\", \"at\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (History h : history) {
          insert.setString(1, h.tenantId());
          insert.setString(2, h.orderId());
          insert.setLong(3, h.seqNr());
          insert.setString(4, h.from());
          insert.setString(5, h.to());
          insert.setString(6, h.byRole());
          insert.setString(7, h.bySubject());
          insert.setString(8, h.reason());
          Sql.setInstant(insert, 9, h.at());
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }

    private void writeDays(int slice) throws SQLException {
      if (days.isEmpty()) {
        return;
      }
      try (PreparedStatement update = connection.prepareStatement("UPDATE \"tenant_daily_stats\" SET "
          + "\"created\" = \"created\" + ?, \"delivered\" = \"delivered\" + ?, \"cancelled\" = \"cancelled\" + ?, "
          + "\"failed\" = \"failed\" + ?, \"delivery_millis_sum\" = \"delivery_millis_sum\" + ?, "
          + "\"assigned\" = \"assigned\" + ?, \"assign_millis_sum\" = \"assign_millis_sum\" + ? "
          + "WHERE \"tenant_id\" = ? AND \"day\" = ? AND \"zone_id\" = ? AND \"slice\" = ?");
           PreparedStatement insert = connection.prepareStatement("INSERT INTO \"tenant_daily_stats\" (\"created\", "
               + "\"delivered\", \"cancelled\", \"failed\", \"delivery_millis_sum\", \"assigned\", "
               + "\"assign_millis_sum\", \"tenant_id\", \"day\", \"zone_id\", \"slice\") "
               + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Map.Entry<DayKey, DayCounters> entry : days.entrySet()) {
          DayKey key = entry.getKey();
          DayCounters d = entry.getValue();
          Sql.addOrInsert(update, insert, statement -> {
            statement.setInt(1, d.created);
            statement.setInt(2, d.delivered);
            statement.setInt(3, d.cancelled);
            statement.setInt(4, d.failed);
            statement.setLong(5, d.deliveryMillis);
            statement.setInt(6, d.assigned);
            statement.setLong(7, d.assignMillis);
            statement.setString(8, key.tenantId());
            statement.setObject(9, key.day());
            statement.setString(10, key.zoneId());
            statement.setInt(11, slice);
          });
        }
      }
    }

    private void writeMinutes(int slice) throws SQLException {
      if (minutes.isEmpty()) {
        return;
      }
      try (PreparedStatement update = connection.prepareStatement("UPDATE \"tenant_daily_delivery_minutes\" SET "
          + "\"orders\" = \"orders\" + ? WHERE \"tenant_id\" = ? AND \"day\" = ? AND \"zone_id\" = ? AND \"slice\" = ? "
          + "AND \"minutes\" = ?");
           PreparedStatement insert = connection.prepareStatement("INSERT INTO \"tenant_daily_delivery_minutes\" "
               + "(\"orders\", \"tenant_id\", \"day\", \"zone_id\", \"slice\", \"minutes\") VALUES (?, ?, ?, ?, ?, ?)")) {
        for (Map.Entry<MinuteKey, Integer> entry : minutes.entrySet()) {
          MinuteKey key = entry.getKey();
          Sql.addOrInsert(update, insert, statement -> {
            statement.setInt(1, entry.getValue());
            statement.setString(2, key.day().tenantId());
            statement.setObject(3, key.day().day());
            statement.setString(4, key.day().zoneId());
            statement.setInt(5, slice);
            statement.setInt(6, key.minutes());
          });
        }
      }
    }
  }
}
