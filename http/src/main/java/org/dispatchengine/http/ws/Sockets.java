package org.dispatchengine.http.ws;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

import java.util.Optional;

/** The plumbing every WebSocket of the engine shares. */
final class Sockets {
  private Sockets() {}

  /** What a connection's actor sends out: a text frame, or the end. Never leaves the node. */
  sealed interface Out extends NoSerializationVerificationNeeded {}

  record Text(String text) implements Out {}

  enum Close implements Out { INSTANCE }

  /**
   * The outbound side: frames told to the returned actor, through a buffer of {@code buffer} frames; a reader too slow
   * for it fails the stream, which closes that connection and nothing else.
   */
  static Pair<ActorRef<Out>, Source<Message, NotUsed>> outbound(ActorSystem<?> system, int buffer) {
    return ActorSource.<Out>actorRef(out -> out == Close.INSTANCE, out -> Optional.empty(), buffer,
            OverflowStrategy.fail())
        .collectType(Text.class)
        .<Message>map(text -> TextMessage.create(text.text()))
        .preMaterialize(system);
  }

  /** The inbound side of a stream the client only listens to: drains what it sends, calls {@code ended} when it ends. */
  static Sink<Message, NotUsed> listenOnly(ActorSystem<?> system, Runnable ended) {
    return Flow.<Message>create()
        .watchTermination((mat, done) -> {
          done.whenComplete((ok, failure) -> ended.run());
          return mat;
        })
        .to(Sink.foreach(message -> {
          if (message.isText()) {
            message.asTextMessage().getStreamedText().runWith(Sink.ignore(), system);
          } else {
            message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), system);
          }
        }));
  }
}
