package org.dispatchengine.projections.readmodel;

import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.dispatchengine.engine.courier.Courier;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.projections.db.DataSourceJdbcSession;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds courier events into {@code courier_view} and {@code courier_track}, one group of envelopes per transaction
 * with the offset. Replays are no-ops through each row's {@code seq_nr}, as for orders. Track samples older than the
 * retention period are not written, so a rebuild does not bring back what the retention purge removed.
 */
public final class CourierReadModel extends JdbcHandler<List<EventEnvelope<Courier.Event>>, DataSourceJdbcSession> {
  static final List<String> TABLES = List.of("courier_view", "courier_track");

  private final Duration trackRetention;
  private final Clock clock;

  public CourierReadModel(Duration trackRetention, Clock clock) {
    this.trackRetention = trackRetention;
    this.clock = clock;
  }

  @Override
  public void process(DataSourceJdbcSession session, List<EventEnvelope<Courier.Event>> envelopes) throws Exception {
    Instant keepSince = clock.instant().minus(trackRetention);
    session.withConnection(connection -> {
      Batch batch = new Batch(connection, keepSince);
      batch.take(envelopes);
      batch.write();
      return null;
    });
  }

  private static final class Row {
    final String tenantId;
    final String courierId;
    final Instant createdAt;
    final boolean stored;
    String name;
    String vehicle;
    int capacity;
    boolean online;
    boolean blocked;
    int activeOrders;
    String offerId;
    String offerOrderId;
    boolean offerAccepted;
    Double lastLat;
    Double lastLon;
    Instant lastFixAt;
    Instant shiftStartedAt;
    int shifts;
    long onlineSeconds;
    Instant updatedAt;
    long seqNr;
    boolean changed;

    Row(String tenantId, String courierId, Instant createdAt, boolean stored) {
      this.tenantId = tenantId;
      this.courierId = courierId;
      this.createdAt = createdAt;
      this.stored = stored;
    }

    void endShift(Instant at) {
      if (shiftStartedAt != null) {
        onlineSeconds += Math.max(0, Duration.between(shiftStartedAt, at).toSeconds());
      }
      online = false;
      shiftStartedAt = null;
    }

    void clearOffer() {
      offerId = null;
      offerOrderId = null;
      offerAccepted = false;
    }
  }

  private record Sample(String tenantId, String courierId, long seqNr, Fix fix) {}

  private static final class Batch {
    private final Connection connection;
    private final Instant keepSince;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final List<Sample> moves = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();

    Batch(Connection connection, Instant keepSince) {
      this.connection = connection;
      this.keepSince = keepSince;
    }

    /**
     * A courier whose only event in the group is a track sample is moved (see {@link #move}); the other events are
     * folded into their couriers' rows, read for them.
     */
    void take(List<EventEnvelope<Courier.Event>> envelopes) throws SQLException {
      List<String> keys = new ArrayList<>(envelopes.size());
      Map<String, Integer> eventsPerCourier = new HashMap<>();
      for (EventEnvelope<Courier.Event> envelope : envelopes) {
        String key = key(envelope.event().tenantId(), envelope.event().courierId());
        keys.add(key);
        eventsPerCourier.merge(key, 1, Integer::sum);
      }
      List<EventEnvelope<Courier.Event>> folded = new ArrayList<>();
      for (int i = 0; i < envelopes.size(); i++) {
        EventEnvelope<Courier.Event> envelope = envelopes.get(i);
        Courier.Event event = envelope.event();
        if (event instanceof Courier.TrackSampled sampled && eventsPerCourier.get(keys.get(i)) == 1) {
          moves.add(new Sample(event.tenantId(), event.courierId(), envelope.sequenceNr(), sampled.fix()));
        } else {
          folded.add(envelope);
        }
      }
      loadRows(folded);
      for (EventEnvelope<Courier.Event> envelope : folded) {
        apply(envelope.event(), envelope.sequenceNr());
      }
    }

    /** Must run before {@link #apply}: the stored rows of the group's couriers. */
    private void loadRows(List<EventEnvelope<Courier.Event>> envelopes) throws SQLException {
      Sql.selectByIds(connection, "courier_view", "courier_id", envelopes, e -> e.event().tenantId(),
          e -> e.event().courierId(), this::readRow);
    }

    private void apply(Courier.Event event, long seqNr) {
      String key = key(event.tenantId(), event.courierId());
      Row row = rows.get(key);
      if (row == null) {
        if (!(event instanceof Courier.CourierDefined defined)) {
          return;
        }
        row = new Row(event.tenantId(), event.courierId(), defined.at(), false);
      } else if (seqNr <= row.seqNr) {
        return;
      }
      rows.put(key, row);
      row.seqNr = seqNr;
      row.changed = true;
      fold(row, event, seqNr);
    }

    private void fold(Row row, Courier.Event event, long seqNr) {
      if (event instanceof Courier.CourierDefined e) {
        row.name = e.profile().name();
        row.vehicle = e.profile().vehicle().wireName();
        row.capacity = e.profile().capacity();
        row.updatedAt = e.at();
      } else if (event instanceof Courier.ShiftStarted e) {
        row.online = true;
        row.shiftStartedAt = e.at();
        row.shifts++;
        row.updatedAt = e.at();
      } else if (event instanceof Courier.ShiftEnded e) {
        row.endShift(e.at());
        row.updatedAt = e.at();
      } else if (event instanceof Courier.BlockChanged e) {
        row.blocked = e.blocked();
        if (e.blocked()) {
          row.endShift(e.at());
        }
        row.updatedAt = e.at();
      } else if (event instanceof Courier.TrackSampled e) {
        row.lastLat = e.fix().lat();
        row.lastLon = e.fix().lon();
        row.lastFixAt = e.fix().at();
        track(new Sample(row.tenantId, row.courierId, seqNr, e.fix()));
      } else if (event instanceof Courier.OrderTaken e) {
        row.activeOrders++;
        if (e.orderId().equals(row.offerOrderId)) {
          row.clearOffer();
        }
        row.updatedAt = e.at();
      } else if (event instanceof Courier.OrderReleased e) {
        row.activeOrders = Math.max(0, row.activeOrders - 1);
        row.updatedAt = e.at();
      } else if (event instanceof Courier.OfferReceived e) {
        row.offerId = e.offer().offerId();
        row.offerOrderId = e.offer().orderId();
        row.offerAccepted = false;
        row.updatedAt = e.at();
      } else if (event instanceof Courier.OfferAccepted e) {
        row.offerAccepted = true;
        row.updatedAt = e.at();
      } else if (event instanceof Courier.OfferClosed e) {
        row.clearOffer();
        row.updatedAt = e.at();
      }
      // arrivals are recorded on the order
    }

    private void readRow(ResultSet rs) throws SQLException {
      String tenantId = rs.getString("tenant_id");
      Row row = new Row(tenantId, rs.getString("courier_id"), Sql.getInstant(rs, "created_at"), true);
      row.name = rs.getString("name");
      row.vehicle = rs.getString("vehicle");
      row.capacity = rs.getInt("capacity");
      row.online = rs.getBoolean("online");
      row.blocked = rs.getBoolean("blocked");
      row.activeOrders = rs.getInt("active_orders");
      row.offerId = rs.getString("offer_id");
      row.offerOrderId = rs.getString("offer_order_id");
      row.offerAccepted = rs.getBoolean("offer_accepted");
      row.lastLat = Sql.getDouble(rs, "last_lat");
      row.lastLon = Sql.getDouble(rs, "last_lon");
      row.lastFixAt = Sql.getInstant(rs, "last_fix_at");
      row.shiftStartedAt = Sql.getInstant(rs, "shift_started_at");
      row.shifts = rs.getInt("shifts");
      row.onlineSeconds = rs.getLong("online_seconds");
      row.updatedAt = Sql.getInstant(rs, "updated_at");
      row.seqNr = rs.getLong("seq_nr");
      rows.put(key(tenantId, row.courierId), row);
    }

    /**
     * A courier whose only event in the group is a track sample needs none of its row to fold it: its position is
     * set where the row is older than the sample, and the sample joins the track only if the row took it (otherwise
     * the courier is unknown or the sample a replay). Samples are most of a moving fleet's events, and reading their
     * rows first was the read models' costliest statement on PostgreSQL at 500 samples a second.
     */
    private void move() throws SQLException {
      if (moves.isEmpty()) {
        return;
      }
      int[] updated;
      try (PreparedStatement update = connection.prepareStatement("UPDATE \"courier_view\" SET \"last_lat\" = ?, "
          + "\"last_lon\" = ?, \"last_fix_at\" = ?, \"seq_nr\" = ? "
          + "WHERE \"tenant_id\" = ? AND \"courier_id\" = ? AND \"seq_nr\" < ?")) {
        for (Sample move : moves) {
          update.setDouble(1, move.fix().lat());
          update.setDouble(2, move.fix().lon());
          Sql.setInstant(update, 3, move.fix().at());
          update.setLong(4, move.seqNr());
          update.setString(5, move.tenantId());
          update.setString(6, move.courierId());
          update.setLong(7, move.seqNr());
          update.addBatch();
        }
        updated = update.executeBatch();
      }
      for (int i = 0; i < moves.size(); i++) {
        if (updated[i] != 0) {
          track(moves.get(i));
        }
      }
    }

    /** A sample older than the retention period is not written, so a rebuild does not bring back purged points. */
    private void track(Sample sample) {
      if (sample.fix().at().isAfter(keepSince)) {
        samples.add(sample);
      }
    }

    private static String key(String tenantId, String courierId) {
      return tenantId + ":" + courierId;
    }

    void write() throws SQLException {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO \"courier_view\" (\"name\", "
          + "\"vehicle\", \"capacity\", \"online\", \"blocked\", \"active_orders\", \"offer_id\", \"offer_order_id\", "
          + "\"offer_accepted\", \"last_lat\", \"last_lon\", \"last_fix_at\", \"shift_started_at\", \"shifts\", "
          + "\"online_seconds\", \"updated_at\", \"seq_nr\", \"created_at\", \"tenant_id\", \"courier_id\") "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
           PreparedStatement update = connection.prepareStatement("UPDATE \"courier_view\" SET \"name\" = ?, "
               + "\"vehicle\" = ?, \"capacity\" = ?, \"online\" = ?, \"blocked\" = ?, \"active_orders\" = ?, "
               + "\"offer_id\" = ?, \"offer_order_id\" = ?, \"offer_accepted\" = ?, \"last_lat\" = ?, "
               + "\"last_lon\" = ?, \"last_fix_at\" = ?, \"shift_started_at\" = ?, \"shifts\" = ?, "
               + "\"online_seconds\" = ?, \"updated_at\" = ?, \"seq_nr\" = ? "
               + "WHERE \"tenant_id\" = ? AND \"courier_id\" = ?")) {
        for (Row row : rows.values()) {
          if (!row.changed) {
            continue;
          }
          PreparedStatement statement = row.stored ? update : insert;
          int i = 1;
          statement.setString(i++, row.name);
          statement.setString(i++, row.vehicle);
          statement.setInt(i++, row.capacity);
          statement.setBoolean(i++, row.online);
          statement.setBoolean(i++, row.blocked);
          statement.setInt(i++, row.activeOrders);
          statement.setString(i++, row.offerId);
          statement.setString(i++, row.offerOrderId);
          statement.setBoolean(i++, row.offerAccepted);
          Sql.setDouble(statement, i++, row.lastLat);
          Sql.setDouble(statement, i++, row.lastLon);
          Sql.setInstant(statement, i++, row.lastFixAt);
          Sql.setInstant(statement, i++, row.shiftStartedAt);
          statement.setInt(i++, row.shifts);
          statement.setLong(i++, row.onlineSeconds);
          Sql.setInstant(statement, i++, row.updatedAt);
          statement.setLong(i++, row.seqNr);
          if (!row.stored) {
            Sql.setInstant(statement, i++, row.createdAt);
          }
          statement.setString(i++, row.tenantId);
          statement.setString(i, row.courierId);
          statement.addBatch();
        }
        insert.executeBatch();
        update.executeBatch();
      }
      move();
      writeSamples();
    }

    private void writeSamples() throws SQLException {
      if (samples.isEmpty()) {
        return;
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO \"courier_track\" (\"tenant_id\", "
          + "\"courier_id\", \"seq_nr\", \"lat\", \"lon\", \"accuracy\", \"speed\", \"heading\", \"at\") "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Sample sample : samples) {
          insert.setString(1, sample.tenantId());
          insert.setString(2, sample.courierId());
          insert.setLong(3, sample.seqNr());
          insert.setDouble(4, sample.fix().lat());
          insert.setDouble(5, sample.fix().lon());
          Sql.setDouble(insert, 6, sample.fix().accuracy());
          Sql.setDouble(insert, 7, sample.fix().speed());
          Sql.setDouble(insert, 8, sample.fix().heading());
          Sql.setInstant(insert, 9, sample.fix().at());
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
  }
}
