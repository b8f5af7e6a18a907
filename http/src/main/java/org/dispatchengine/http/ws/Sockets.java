package org.dispatchengine.http.ws;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

import scala.Option;

import java.util.Optional;
import java.util.function.Supplier;

/** The plumbing every WebSocket of the engine shares. */
final class Sockets {
  private Sockets() {}

  /** What a connection's actor sends out: a text frame, or the end. Never leaves the node. */
  sealed interface Out extends NoSerializationVerificationNeeded {}

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

  /** The stream took the last frame and wants the next. */
  enum Acked implements NoSerializationVerificationNeeded { INSTANCE }

  /** Hands a connection's actor its outbound side, which can only be made once the actor exists. */
  record Attached(ActorRef<Out> out) implements NoSerializationVerificationNeeded {}

  /**
   * An outbound side paced by the reader: frames are sent one at a time, the next when the stream acknowledges the
   * last ({@link Acked} to {@code connection}); the connection is told {@link Attached} once it is materialized.
   */
  static Source<String, NotUsed> pacedOutbound(ActorSystem<?> system, ActorRef<Object> connection) {
    Pair<ActorRef<Out>, Source<String, NotUsed>> outbound = ActorSource.<Out, Object>actorRefWithBackpressure(
            connection, Acked.INSTANCE,
            out -> out == Close.INSTANCE ? Optional.of(CompletionStrategy.draining()) : Optional.empty(),
            out -> Optional.empty())
        .collectType(Text.class)
        .map(Text::text)
        .preMaterialize(system);
    connection.tell(new Attached(outbound.first()));
    return outbound.second();
  }

  /**
   * The frames of one paced connection: sent at once while the reader keeps up, otherwise waiting in a
   * {@link FrameQueue} (changes in order, positions newest-wins); a reader too far behind is told so and
   * disconnected. Used by the connection's actor only.
   */
  static final class Paced {
    private final FrameQueue waiting;
    /** The last frame of a reader too slow to keep every change: why it is disconnected. */
    private final String tooSlow;
    private ActorRef<Out> out;
    private boolean ready;
    private boolean closing;
    /** The frame to send last, once the reader takes it, before the stream ends. */
    private String lastWords;

    Paced(int maxWaitingChanges, String tooSlow) {
      this.waiting = new FrameQueue(maxWaitingChanges);
      this.tooSlow = tooSlow;
    }

    void attach(ActorRef<Out> attached) {
      out = attached;
      if (closing && lastWords == null) {
        out.tell(Close.INSTANCE);
      } else {
        acked();
      }
    }

    /**
     * Sends a change, or keeps it until the reader takes it; a reader with too many changes waiting is sent the
     * too-slow notice and disconnected, to resume. Ignored once closing.
     */
    void change(String frame) {
      offerChange(frame, true);
    }

    /** A change read back from the journal for a resume: always kept (see {@link FrameQueue#offerChange}). */
    void replayed(String frame) {
      offerChange(frame, false);
    }

    private void offerChange(String frame, boolean live) {
      if (closing) {
        return;
      }
      if (ready) {
        send(frame);
      } else if (!waiting.offerChange(frame, live)) {
        closeWith(tooSlow);
      }
    }

    /** True when the frame went out at once; false when it waits (or is dropped, the stream closing). */
    boolean position(String key, String frame) {
      if (closing) {
        return false;
      }
      if (ready) {
        send(frame);
        return true;
      }
      waiting.offerPosition(key, frame);
      return false;
    }

    void acked() {
      ready = true;
      if (lastWords != null) {
        send(lastWords);
        lastWords = null;
        out.tell(Close.INSTANCE);
        return;
      }
      if (!closing) {
        waiting.poll().ifPresent(this::send);
      }
    }

    void close() {
      closing = true;
      if (out != null) {
        out.tell(Close.INSTANCE);
      }
    }

    /**
     * Drops what waits and ends the stream after {@code notice}, sent once the reader has taken what it was already
     * sent: a reader that fell behind learns why it was disconnected.
     */
    private void closeWith(String notice) {
      closing = true;
      waiting.clear();
      lastWords = notice;
      if (ready && out != null) {
        acked();
      }
    }

    private void send(String frame) {
      ready = false;
      out.tell(new Text(frame));
    }
  }

  /**
   * The inbound side of a socket whose client only listens: drops what it sends, calls {@code ended} when its side
   * ends (the client left, or sent a message over the size limit).
   */
  static Sink<byte[], NotUsed> listenOnly(Runnable ended) {
    return Flow.<byte[]>create()
        .watchTermination((mat, done) -> {
          done.whenComplete((ok, failure) -> ended.run());
          return mat;
        })
        .to(Sink.ignore());
  }
}
