package org.dispatchengine.http.persistence;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.persistence.jdbc.query.dao.ReadJournalDao;
import org.apache.pekko.persistence.jdbc.query.scaladsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.scaladsl.Source;
import org.dispatchengine.engine.EventTags;
import org.dispatchengine.engine.courier.Courier;
import org.dispatchengine.engine.tenant.Tenant;
import org.dispatchengine.http.testing.RunningNode;
import org.dispatchengine.projections.db.DatabaseSettings;
import org.dispatchengine.projections.db.TagRangeReadJournalDao;
import org.dispatchengine.projections.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.util.Try;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's {@code eventsByTag} query ({@link TagRangeReadJournalDao}) answers what the plugin's own query answers,
 * for every tag, offset range and limit, on H2 and on PostgreSQL.
 */
class TagRangeReadJournalDaoTest {

  @Test
  void answersWhatThePluginsQueryAnswersOnH2() throws Exception {
    sameEventsAsThePlugin(TestDatabases.h2());
  }

  @Test
  void answersWhatThePluginsQueryAnswersOnPostgres() throws Exception {
    try (TestDatabases.Postgres postgres = TestDatabases.postgres()) {
      sameEventsAsThePlugin(postgres.settings());
    }
  }

  private static void sameEventsAsThePlugin(DatabaseSettings database) throws Exception {
    try (RunningNode node = RunningNode.start(database)) {
      for (int i = 0; i < 3; i++) {
        String key = node.createTenant("tagged-" + i);
        for (int k = 0; k < 12; k++) {
          assertEquals(200, node.send(node.request("/v1/couriers/k" + k, key)
              .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                  "{\"name\":\"K " + k + "\",\"vehicle\":\"bike\",\"capacity\":2}"))
              .header("Content-Type", "application/json")).status());
        }
      }
      ActorSystem<Void> system = node.node().system();
      ReadJournalDao configured = PersistenceQuery.get(Adapter.toClassic(system))
          .<JdbcReadJournal>readJournalFor("jdbc-read-journal").readJournalDao();
      assertInstanceOf(TagRangeReadJournalDao.class, configured);
      TagRangeReadJournalDao ours = (TagRangeReadJournalDao) configured;
      DefaultReadJournalDao plugins = new DefaultReadJournalDao(ours.db(), ours.profile(), ours.readJournalConfig(),
          SerializationExtension.get(Adapter.toClassic(system)), ours.ec(), ours.mat());

      List<String> tags = new ArrayList<>(List.of(EventTags.tag(Tenant.TAG_TYPE, 0), "no-such-tag"));
      for (int slice = 0; slice < Courier.TAG_SLICES; slice++) {
        tags.add(EventTags.tag(Courier.TAG_TYPE, slice));
      }
      long newest = read(plugins.maxJournalSequence());
      int compared = 0;
      for (String tag : tags) {
        for (long[] range : new long[][] {{0, newest, 1000}, {0, newest, 3}, {5, newest - 4, 1000}, {newest, newest, 10},
            {newest / 2, newest, 2}}) {
          List<String> expected = events(plugins.eventsByTag(tag, range[0], range[1], range[2]), system);
          assertEquals(expected, events(ours.eventsByTag(tag, range[0], range[1], range[2]), system),
              tag + " in (" + range[0] + ", " + range[1] + "], at most " + range[2]);
          compared += expected.size();
        }
      }
      assertTrue(compared > 50, "only " + compared + " events compared");
    }
  }

  private static long read(scala.concurrent.Future<Object> future) throws Exception {
    return (Long) scala.jdk.javaapi.FutureConverters.asJava(future).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Each event as {@code ordering persistenceId#seqNr payload-class}, in the order the query answers them. */
  private static List<String> events(Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> source,
      ActorSystem<?> system) throws Exception {
    return source.asJava()
        .map(event -> {
          Tuple3<PersistentRepr, Set<String>, Object> e = event.get();
          return e._3() + " " + e._1().persistenceId() + "#" + e._1().sequenceNr() + " "
              + e._1().payload().getClass().getSimpleName();
        })
        .runWith(Sink.seq(), system)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
