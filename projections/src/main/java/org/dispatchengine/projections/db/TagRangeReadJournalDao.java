package org.dispatchengine.projections.db;

import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.PekkoSerialization;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.scaladsl.Source;
import scala.Option;
import scala.Tuple2;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.util.Success;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The read journal's data access with an {@code eventsByTag} query that reads the tag's own index. The plugin's query
 * bounds the offset range on the journal side of the join, so PostgreSQL reads every event ever written with the tag
 * and joins them to the range: each poll of every projection and view grows with the journal (apache/pekko-persistence-
 * jdbc#105). Bounding it on {@code event_tag} instead walks the {@code (tag, event_id)} index from the offset and costs
 * what it returns. Same rows, same order, same limit; every other query is the plugin's.
 *
 * <p>Configured as {@code jdbc-read-journal.dao}; the plugin creates it with the constructor below.
 */
public final class TagRangeReadJournalDao extends DefaultReadJournalDao {
  private final Serialization serialization;
  private final Executor blocking;
  private final String sql;

  public TagRangeReadJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, ReadJournalConfig config,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, config, serialization, ec, mat);
    this.serialization = serialization;
    // the query blocks a thread for its round trip; the plugin's own queries run on Slick's threads, this on Pekko's
    // pool for blocking work, bounded by the same connection pool
    this.blocking = mat.system().dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
    String journal = table(config.eventJournalTableConfiguration().schemaName(),
        config.eventJournalTableConfiguration().tableName());
    String tags = table(config.eventTagTableConfiguration().schemaName(),
        config.eventTagTableConfiguration().tableName());
    this.sql = eventsByTagSql(journal, tags);
  }

  /** The tag query over the given (quoted) tables; parameters: tag, offset (exclusive), max offset, limit. */
  public static String eventsByTagSql(String journal, String tags) {
    return "SELECT j.\"ordering\", j.\"deleted\", j.\"persistence_id\", j.\"sequence_number\", j.\"writer\", "
        + "j.\"write_timestamp\", j.\"adapter_manifest\", j.\"event_payload\", j.\"event_ser_id\", "
        + "j.\"event_ser_manifest\", j.\"meta_payload\", j.\"meta_ser_id\", j.\"meta_ser_manifest\" "
        + "FROM " + tags + " t JOIN " + journal + " j ON j.\"ordering\" = t.\"event_id\" "
        + "WHERE t.\"tag\" = ? AND t.\"event_id\" > ? AND t.\"event_id\" <= ? AND j.\"deleted\" = FALSE "
        + "ORDER BY t.\"event_id\" LIMIT ?";
  }

  private static String table(Option<String> schema, String name) {
    return (schema.isDefined() && !schema.get().isEmpty() ? "\"" + schema.get() + "\"." : "") + "\"" + name + "\"";
  }

  @Override
  public Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(String tag, long offset,
      long maxOffset, long max) {
    return org.apache.pekko.stream.javadsl.Source
        .completionStage(CompletableFuture.supplyAsync(() -> rows(tag, offset, maxOffset, max), blocking))
        .mapConcat(rows -> rows)
        .map(this::event)
        .asScala();
  }

  private List<JournalPekkoSerializationRow> rows(String tag, long offset, long maxOffset, long max) {
    try (Connection connection = db().source().createConnection();
         PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, tag);
      query.setLong(2, offset);
      query.setLong(3, maxOffset);
      // as the plugin does: H2 takes no LIMIT beyond an int
      query.setLong(4, Math.min(max, Integer.MAX_VALUE));
      List<JournalPekkoSerializationRow> rows = new ArrayList<>();
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          rows.add(row(result));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  private static JournalPekkoSerializationRow row(ResultSet result) throws SQLException {
    int metaSerId = result.getInt(12);
    Option<Object> metaSerIdOrNone = result.wasNull() ? Option.empty() : Option.apply(metaSerId);
    return new JournalPekkoSerializationRow(result.getLong(1), result.getBoolean(2), result.getString(3),
        result.getLong(4), result.getString(5), result.getLong(6), result.getString(7), result.getBytes(8),
        result.getInt(9), result.getString(10), Option.apply(result.getBytes(11)), metaSerIdOrNone,
        Option.apply(result.getString(13)));
  }

  /** As the plugin answers: the event with its ordering, tags left empty (the query side does not read them). */
  @SuppressWarnings("unchecked")
  private Try<Tuple3<PersistentRepr, Set<String>, Object>> event(JournalPekkoSerializationRow row) {
    Try<Tuple2<PersistentRepr, Object>> read = PekkoSerialization.fromRow(serialization, row);
    if (read.isFailure()) {
      return (Try<Tuple3<PersistentRepr, Set<String>, Object>>) (Try<?>) read;
    }
    Tuple2<PersistentRepr, Object> event = read.get();
    return new Success<>(new Tuple3<>(event._1(), (Set<String>) (Set<?>) scala.collection.immutable.Set$.MODULE$
        .empty(), event._2()));
  }
}
