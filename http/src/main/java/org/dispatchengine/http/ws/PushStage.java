package org.dispatchengine.http.ws;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

import scala.runtime.BoxedUnit;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * The application side of a socket whose client only listens and is pushed what happens (order streams, the live
 * map), run as a stage of the socket's own stream (ADR 0021): the connection's messages, the frames it sends and the
 * reader's demand for the next one are handled where the socket's frames are written, with no actor between them.
 *
 * <p>Frames go out one at a time as the reader takes them: sent at once while it keeps up, otherwise waiting in a
 * {@link FrameQueue} (changes in order, positions newest-wins); a reader too far behind to keep every change is sent
 * the too-slow notice and disconnected. What the client sends is dropped; when its side ends, the stream ends.
 */
final class PushStage extends GraphStage<FlowShape<byte[], String>> {

  /** One socket's logic: called only from its stage, one call at a time. */
  interface Connection {
    /** Once, as the socket's stream starts. */
    void started(Socket socket);

    /** A message to {@link Socket#self()}: pub-sub updates, what {@link Socket#pipe} and {@link Socket#after} send. */
    void received(Object message);
  }

  /** What a connection can do with its socket. */
  interface Socket {
    /** The connection's address, for pub-sub subscriptions; it stops with the socket, which unsubscribes it. */
    ActorRef self();

    /**
     * Sends a change, or keeps it until the reader takes it; a reader with too many changes waiting is sent the
     * too-slow notice and disconnected, to resume. Ignored once closing.
     */
    void change(String frame);

    /** A change read back from the journal for a resume: always kept (see {@link FrameQueue#offerChange}). */
    void replayed(String frame);

    /** Sends a position, or keeps it newest-wins per {@code key}: true when it went out at once. */
    boolean position(String key, String frame);

    /** Ends the socket; what waits is dropped. */
    void close();

    /** Tells the connection {@code message(result, failure)} once {@code future} completes. */
    <T> void pipe(CompletionStage<T> future, BiFunction<? super T, Throwable, Object> message);

    /** Tells the connection {@code message} after {@code delay}; one pending per distinct message. */
    void after(Duration delay, Object message);
  }

  static Flow<byte[], String, NotUsed> flow(int maxWaitingChanges, String tooSlow, Connection connection) {
    return Flow.fromGraph(new PushStage(maxWaitingChanges, tooSlow, connection));
  }

  private final Inlet<byte[]> in = Inlet.create("PushStage.in");
  private final Outlet<String> out = Outlet.create("PushStage.out");
  private final FlowShape<byte[], String> shape = FlowShape.of(in, out);
  private final int maxWaitingChanges;
  /** The last frame of a reader too slow to keep every change: why it is disconnected. */
  private final String tooSlow;
  private final Connection connection;

  private PushStage(int maxWaitingChanges, String tooSlow, Connection connection) {
    this.maxWaitingChanges = maxWaitingChanges;
    this.tooSlow = tooSlow;
    this.connection = connection;
  }

  @Override
  public FlowShape<byte[], String> shape() {
    return shape;
  }

  @Override
  public TimerGraphStageLogic createLogic(Attributes attributes) {
    return new Logic();
  }

  private final class Logic extends TimerGraphStageLogic implements Socket {
    private final FrameQueue waiting = new FrameQueue(maxWaitingChanges);
    private ActorRef self;
    private boolean closing;

    Logic() {
      super(shape);
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          grab(in);
          pull(in);
        }

        @Override
        public void onUpstreamFinish() {
          close();
        }

        @Override
        public void onUpstreamFailure(Throwable cause) {
          close();
        }
      });
      setHandler(out, new AbstractOutHandler() {
        @Override
        public void onPull() {
          waiting.poll().ifPresent(frame -> push(out, frame));
        }
      });
    }

    @Override
    public void preStart() {
      self = getStageActor(message -> {
        connection.received(message._2());
        return BoxedUnit.UNIT;
      }).ref();
      pull(in);
      connection.started(this);
    }

    @Override
    public void onTimer(Object message) {
      connection.received(message);
    }

    @Override
    public ActorRef self() {
      return self;
    }

    @Override
    public void change(String frame) {
      offerChange(frame, true);
    }

    @Override
    public void replayed(String frame) {
      offerChange(frame, false);
    }

    private void offerChange(String frame, boolean live) {
      if (closing) {
        return;
      }
      if (isAvailable(out)) {
        push(out, frame);
      } else if (!waiting.offerChange(frame, live)) {
        closeWith(tooSlow);
      }
    }

    @Override
    public boolean position(String key, String frame) {
      if (closing) {
        return false;
      }
      if (isAvailable(out)) {
        push(out, frame);
        return true;
      }
      waiting.offerPosition(key, frame);
      return false;
    }

    @Override
    public void close() {
      closing = true;
      completeStage();
    }

    /**
     * Drops what waits and ends the socket after {@code notice}, sent once the reader has taken what it was already
     * sent: a reader that fell behind learns why it was disconnected.
     */
    private void closeWith(String notice) {
      closing = true;
      waiting.clear();
      emit(out, notice, this::completeStage);
    }

    @Override
    public <T> void pipe(CompletionStage<T> future, BiFunction<? super T, Throwable, Object> message) {
      future.whenComplete((result, failure) -> self.tell(message.apply(result, failure), ActorRef.noSender()));
    }

    @Override
    public void after(Duration delay, Object message) {
      scheduleOnce(message, delay);
    }
  }
}
