package org.dispatchengine.http.ws;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.DeadLetterSuppression;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

import scala.Option;

import java.util.Optional;
import java.util.function.Supplier;

/** The plumbing every WebSocket of the engine shares. */
final class Sockets {
  private Sockets() {}

  /**
   * What a courier socket's connection actor sends out: a text frame, or the end. Never leaves the node. When the
   * client leaves first, what was on its way finds the outbound side ended: expected, so not logged as dead letters.
   */
  sealed interface Out extends NoSerializationVerificationNeeded, DeadLetterSuppression {}

  record Text(String text) implements Out {}

  enum Close implements Out { INSTANCE }

  /** What a socket tells its client before it closes, or about a frame it refused. */
  record ErrorFrame(String type, String title, String detail) {
    ErrorFrame(String title, String detail) {
      this("error", title, detail);
    }
  }

  /**
   * The outbound side: frames told to the returned actor, through a buffer of {@code buffer} frames; a reader too slow
   * for it fails the stream, which closes that connection and nothing else.
   */
  static Pair<ActorRef<Out>, Source<String, NotUsed>> outbound(ActorSystem<?> system, int buffer) {
    return ActorSource.<Out>actorRef(out -> out == Close.INSTANCE, out -> Optional.empty(), buffer,
            OverflowStrategy.fail())
        .collectType(Text.class)
        .map(Text::text)
        .preMaterialize(system);
  }

  /**
   * Answers a WebSocket upgrade with the application made by {@code application}, served over {@link FrameProtocol}
   * instead of Pekko HTTP's message API (ADR 0014): it takes each message's payload and gives texts to send; ending its
   * outbound side closes the socket. A request that is no upgrade is rejected as Pekko HTTP rejects it.
   */
  static Route serve(FrameProtocol.Settings settings, Supplier<Flow<byte[], String, NotUsed>> application) {
    return Directives.extractWebSocketUpgrade(upgrade -> {
      if (!(upgrade instanceof UpgradeToWebSocketLowLevel frames)) {
        throw new IllegalStateException("Pekko HTTP no longer offers WebSocket frames: " + upgrade.getClass());
      }
      Flow<FrameEvent, FrameEvent, Object> handler = BidiFlow.fromGraph(new FrameProtocol(settings))
          .join(application.get())
          .mapMaterializedValue(notUsed -> notUsed); // handleFrames takes a graph materializing to Object
      return Directives.complete(frames.handleFrames(handler, Option.empty()));
    });
  }
}
