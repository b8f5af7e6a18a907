package org.dispatchengine.http.ws;

import org.apache.pekko.actor.SuppressedDeadLetter;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SocketsTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void framesForASocketWhoseClientLeftAreNotLoggedAsDeadLetters() {
    TestProbe<SuppressedDeadLetter> suppressed = KIT.createTestProbe();
    KIT.system().eventStream().tell(new EventStream.Subscribe<>(SuppressedDeadLetter.class, suppressed.ref()));
    var outbound = Sockets.outbound(KIT.system(), 4);
    // the client went away: the socket cancels the outbound side, which ends its actor
    outbound.second().runWith(Sink.cancelled(), KIT.system());
    KIT.createTestProbe().expectTerminated(outbound.first(), Duration.ofSeconds(5));

    outbound.first().tell(new Sockets.Text("late"));
    outbound.first().tell(Sockets.Close.INSTANCE);

    // published as suppressed instead of as a DeadLetter, which Pekko logs
    assertEquals(new Sockets.Text("late"), suppressed.receiveMessage().message());
    assertEquals(Sockets.Close.INSTANCE, suppressed.receiveMessage().message());
  }
}
