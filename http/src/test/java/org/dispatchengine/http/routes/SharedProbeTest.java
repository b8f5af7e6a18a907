package org.dispatchengine.http.routes;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SharedProbeTest {
  private static final Duration MAX_AGE = Duration.ofSeconds(1);

  /** Probe runs the test completes by hand, and a clock it sets. */
  private final List<CompletableFuture<String>> runs = new ArrayList<>();
  private long now = 1_000;
  private final SharedProbe<String> probe = new SharedProbe<>(() -> {
    CompletableFuture<String> run = new CompletableFuture<>();
    runs.add(run);
    return run;
  }, "up"::equals, MAX_AGE, () -> now);

  @Test
  void callersWhileARunIsUnderwayShareIt() throws Exception {
    List<CompletionStage<String>> answers = List.of(probe.answer(), probe.answer(), probe.answer());
    assertEquals(1, runs.size());
    assertFalse(answers.get(0).toCompletableFuture().isDone());

    runs.get(0).complete("up");
    for (CompletionStage<String> answer : answers) {
      assertEquals("up", answer.toCompletableFuture().get(1, TimeUnit.SECONDS));
    }
  }

  @Test
  void aGoodAnswerServesUntilItIsMaxAgeOld() throws Exception {
    assertEquals("up", askingStartsARunThatAnswers("up"));
    now += MAX_AGE.toNanos() - 1;
    assertEquals("up", probe.answer().toCompletableFuture().get(1, TimeUnit.SECONDS));
    assertEquals(1, runs.size());

    now += 1;
    assertEquals("down", askingStartsARunThatAnswers("down"));
  }

  @Test
  void aBadAnswerOrAFailureIsProbedAgainAtTheNextCall() throws Exception {
    assertEquals("down", askingStartsARunThatAnswers("down"));
    CompletionStage<String> second = probe.answer();
    assertEquals(2, runs.size());
    runs.get(1).completeExceptionally(new IllegalStateException("no connection"));
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> second.toCompletableFuture().get(1, TimeUnit.SECONDS));
    assertEquals("no connection", failed.getCause().getMessage());

    assertEquals("up", askingStartsARunThatAnswers("up"));
  }

  @Test
  void aCallerCannotAnswerForTheOthers() throws Exception {
    CompletionStage<String> mine = probe.answer();
    CompletionStage<String> theirs = probe.answer();
    mine.toCompletableFuture().complete("forged");
    runs.get(0).complete("up");
    assertEquals("up", theirs.toCompletableFuture().get(1, TimeUnit.SECONDS));
  }

  /** Asks once, which must start a new run; that run answers {@code result}; returns what the caller was told. */
  private String askingStartsARunThatAnswers(String result) throws Exception {
    int before = runs.size();
    CompletionStage<String> answer = probe.answer();
    assertEquals(before + 1, runs.size(), "a new run");
    runs.get(before).complete(result);
    return answer.toCompletableFuture().get(1, TimeUnit.SECONDS);
  }
}
