package org.dispatchengine.http.routes;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.projections.readmodel.Cursor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Runs read-model queries (plain JDBC) on the blocking dispatcher, off the threads that serve requests. A cursor the
 * engine did not make is the client's problem ({@code 422}); a database that fails is a {@code 503} to retry.
 */
final class BlockingReads {
  private static final Logger log = LoggerFactory.getLogger(BlockingReads.class);
  private final Executor blocking;

  BlockingReads(ActorSystem<?> system) {
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  <T> CompletionStage<T> run(Callable<T> read) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return read.call();
      } catch (Cursor.InvalidCursor e) {
        throw ProblemException.invalid("cursor", e.getMessage());
      } catch (SQLException e) {
        log.warn("A read-model query failed", e);
        throw ProblemException.of(503, "The read models are unavailable; retry the request");
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }
}
