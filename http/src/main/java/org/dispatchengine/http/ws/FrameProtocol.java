package org.dispatchengine.http.ws;

import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.FrameEvent$;
import org.apache.pekko.http.impl.engine.ws.FrameHeader;
import org.apache.pekko.http.impl.engine.ws.FrameStart;
import org.apache.pekko.http.impl.engine.ws.Protocol;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import scala.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeoutException;

/**
 * The WebSocket protocol (RFC 6455) spoken directly over Pekko HTTP's frame events, for sockets whose traffic is many
 * small messages on many connections (ADR 0014). Pekko HTTP's message API materializes two sub-streams for every
 * message, decodes text frames character by character and runs three timers per connection; this stage runs one timer
 * per connection, which fires about once per keep-alive interval, and hands each message on as the bytes it came in.
 *
 * <p>Top: frames from the client in, whole messages (text or binary payload, unmasked) out to the application.
 * Bottom: texts from the application in, frames to the client out. The application's side ending closes the socket:
 * completion with 1000 (or 1009 after an oversized message), failure with 1011. A message over the size limit fails
 * the application's inbound side with {@link StreamLimitReachedException}, silence past the idle timeout with a
 * {@link TimeoutException}; the application then says why and ends its side, or the socket closes after the close
 * timeout. A text message that is not valid UTF-8 fails the connection with 1007, as RFC 6455 requires, before the
 * application sees it.
 */
public final class FrameProtocol extends GraphStage<BidiShape<FrameEvent, byte[], String, FrameEvent>> {

  /**
   * @param maxMessageBytes largest message accepted, over all its frames
   * @param idleTimeout the socket closes when no message arrives for this long (pongs and pings do not count); null
   *     for sockets whose clients only listen
   * @param keepAlive a ping goes out when nothing else was sent for this long
   */
  public record Settings(int maxMessageBytes, Duration idleTimeout, Duration keepAlive) {}

  /**
   * How long a closing socket waits for the client's close frame, or for the application to end its side, before the
   * connection is dropped.
   */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

  private static final byte CONTINUATION = 0x0;
  private static final byte TEXT = 0x1;
  private static final byte BINARY = 0x2;
  private static final byte CLOSE = 0x8;
  private static final byte PING = 0x9;
  private static final byte PONG = 0xA;
  private static final int MAX_CONTROL_PAYLOAD = 125;

  private static final int NORMAL_CLOSURE = 1000;
  private static final int PROTOCOL_ERROR = 1002;
  private static final int INVALID_PAYLOAD = 1007;
  private static final int MESSAGE_TOO_BIG = 1009;
  private static final int UNEXPECTED_CONDITION = 1011;

  private final Inlet<FrameEvent> fromClient = Inlet.create("FrameProtocol.fromClient");
  private final Outlet<byte[]> toApplication = Outlet.create("FrameProtocol.toApplication");
  private final Inlet<String> fromApplication = Inlet.create("FrameProtocol.fromApplication");
  private final Outlet<FrameEvent> toClient = Outlet.create("FrameProtocol.toClient");
  private final BidiShape<FrameEvent, byte[], String, FrameEvent> shape =
      BidiShape.of(fromClient, toApplication, fromApplication, toClient);
  private final Settings settings;

  FrameProtocol(Settings settings) {
    this.settings = settings;
  }

  @Override
  public BidiShape<FrameEvent, byte[], String, FrameEvent> shape() {
    return shape;
  }

  @Override
  public Attributes initialAttributes() {
    return Attributes.name("frame-protocol");
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private static FrameStart frame(byte opcode, ByteString payload) {
    return FrameEvent$.MODULE$.fullFrame(Protocol.Opcode$.MODULE$.forCode(opcode), Option.empty(), payload, true,
        false, false, false);
  }

  private static FrameStart closeFrame(int code) {
    return FrameEvent$.MODULE$.closeFrame(code, "", Option.empty());
  }

  private final class Logic extends TimerGraphStageLogic {
    private static final String CHECK = "check";

    /** Whether silence closes the socket: not for clients that only listen. */
    private final boolean closesWhenIdle = settings.idleTimeout() != null;
    private final long idleNanos = closesWhenIdle ? settings.idleTimeout().toNanos() : 0;
    private final long keepAliveNanos = settings.keepAlive().toNanos();
    private final long closeNanos = CLOSE_TIMEOUT.toNanos();

    /** Frames waiting for the client to take them: at most a control answer and one application text. */
    private final ArrayDeque<FrameEvent> toSend = new ArrayDeque<>(2);
    private long lastReceived = System.nanoTime();
    private long lastSent = lastReceived;

    // the frame being read
    private byte frameOpcode;
    private boolean frameFin;
    private int maskKey;
    private int maskOffset;
    private ByteString control;

    /** Whether a text or binary message is being read, what has arrived of it, and whether it is being dropped. */
    private boolean inMessage;
    private boolean messageIsText;
    private ByteString message;
    private long messageLength;
    private boolean dropping;

    /** The application's inbound side has ended: what the client still sends is read only for its close frame. */
    private boolean applicationDeaf;
    /** The code sent when the application ends its side. */
    private int closeCode = NORMAL_CLOSURE;
    private boolean closeSent;
    /** Once the frames waiting are sent, the stage ends. */
    private boolean finishWhenSent;
    /** When a closing socket is dropped whatever the client or the application do; 0 while not closing. */
    private long closeDeadline;

    Logic() {
      super(shape);
      setHandler(fromClient, new AbstractInHandler() {
        @Override
        public void onPush() {
          received(grab(fromClient));
          pullClient();
        }

        @Override
        public void onUpstreamFinish() {
          completeStage();
        }
      });
      setHandler(toApplication, new AbstractOutHandler() {
        @Override
        public void onPull() {
          pullClient();
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          applicationDeaf = true;
          pullClient();
        }
      });
      setHandler(fromApplication, new AbstractInHandler() {
        @Override
        public void onPush() {
          send(frame(TEXT, ByteString.fromString(grab(fromApplication), StandardCharsets.UTF_8)));
        }

        @Override
        public void onUpstreamFinish() {
          startClosing(closeCode);
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          startClosing(UNEXPECTED_CONDITION);
        }
      });
      setHandler(toClient, new AbstractOutHandler() {
        @Override
        public void onPull() {
          FrameEvent next = toSend.poll();
          if (next != null) {
            pushToClient(next);
          }
          if (finishWhenSent && toSend.isEmpty()) {
            completeStage();
            return;
          }
          pullApplication();
          pullClient();
        }
      });
    }

    @Override
    public void preStart() {
      pull(fromClient);
      pull(fromApplication);
      scheduleNextCheck();
    }

    // ---- from the client

    private void received(FrameEvent event) {
      if (finishWhenSent || (event instanceof FrameStart start && !startFrame(start.header()))) {
        return;
      }
      boolean frameEnds = event.lastPart();
      if (frameOpcode == CLOSE || frameOpcode == PING || frameOpcode == PONG) {
        control = control.concat(unmask(event.data()));
        if (frameEnds) {
          controlFrame(frameOpcode, control);
        }
        return;
      }
      if (!dropping && !applicationDeaf) {
        message = message.concat(unmask(event.data()));
      }
      if (frameEnds && frameFin) {
        boolean deliver = !dropping && !applicationDeaf;
        inMessage = false;
        dropping = false;
        lastReceived = System.nanoTime();
        if (deliver) {
          byte[] payload = message.toArrayUnsafe();
          if (messageIsText && !Utf8.isValid(payload)) {
            failConnection(INVALID_PAYLOAD);
          } else {
            push(toApplication, payload);
          }
        }
        message = null;
      }
    }

    /** Checks a frame's header; false when it broke the protocol (the socket is then closing). */
    private boolean startFrame(FrameHeader header) {
      if (header.mask().isEmpty() || header.rsv1() || header.rsv2() || header.rsv3()) {
        return protocolError();
      }
      frameOpcode = header.opcode().code();
      frameFin = header.fin();
      maskKey = (Integer) header.mask().get();
      maskOffset = 0;
      switch (frameOpcode) {
        case CLOSE, PING, PONG -> {
          if (!frameFin || header.length() > MAX_CONTROL_PAYLOAD) {
            return protocolError();
          }
          control = ByteString.emptyByteString();
          return true;
        }
        case TEXT, BINARY -> {
          if (inMessage) {
            return protocolError();
          }
          inMessage = true;
          messageIsText = frameOpcode == TEXT;
          message = ByteString.emptyByteString();
          messageLength = 0;
        }
        case CONTINUATION -> {
          if (!inMessage) {
            return protocolError();
          }
        }
        default -> {
          return protocolError();
        }
      }
      messageLength += header.length();
      if (messageLength > settings.maxMessageBytes() && !dropping) {
        // the rest of the message is read and dropped, so that the client's close frame can still be seen
        dropping = true;
        message = null;
        closeCode = MESSAGE_TOO_BIG;
        stopListening(new StreamLimitReachedException(settings.maxMessageBytes()));
      }
      return true;
    }

    private void controlFrame(byte opcode, ByteString payload) {
      if (opcode == PING && !closeSent) {
        send(frame(PONG, payload));
      } else if (opcode == CLOSE) {
        // a body holds a 2-byte code and a UTF-8 reason, or nothing
        if (payload.size() == 1) {
          failConnection(PROTOCOL_ERROR);
          return;
        }
        if (!Utf8.isValid(payload.drop(2).toArrayUnsafe())) {
          failConnection(INVALID_PAYLOAD);
          return;
        }
        if (!closeSent) {
          closeSent = true;
          int code = payload.size() >= 2 ? ((payload.apply(0) & 0xff) << 8) | (payload.apply(1) & 0xff) : 0;
          send(code >= 1000 && code < 5000 ? closeFrame(code) : frame(CLOSE, ByteString.emptyByteString()));
        }
        finishAfterSending();
      }
      // a pong: the client is there, nothing to do
    }

    private ByteString unmask(ByteString masked) {
      byte[] bytes = masked.toArray();
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] ^= (byte) (maskKey >>> (24 - 8 * ((maskOffset + i) & 3)));
      }
      maskOffset += bytes.length;
      return ByteString.fromArrayUnsafe(bytes);
    }

    private boolean protocolError() {
      failConnection(PROTOCOL_ERROR);
      return false;
    }

    /** RFC 6455's "fail the connection": a close frame, and the connection ends once it is sent. */
    private void failConnection(int code) {
      startClosing(code);
      finishAfterSending();
    }

    /** Ends the application's inbound side with {@code why}; the application is given the close timeout to answer. */
    private void stopListening(Throwable why) {
      if (applicationDeaf) {
        return;
      }
      applicationDeaf = true;
      fail(toApplication, why);
      closeDeadline = System.nanoTime() + closeNanos;
      scheduleNextCheck();
    }

    // ---- to the client

    private void send(FrameEvent frame) {
      if (toSend.isEmpty() && isAvailable(toClient)) {
        pushToClient(frame);
      } else {
        toSend.add(frame);
      }
    }

    private void pushToClient(FrameEvent frame) {
      push(toClient, frame);
      lastSent = System.nanoTime();
    }

    private void startClosing(int code) {
      if (closeSent) {
        return;
      }
      closeSent = true;
      send(closeFrame(code));
      if (!isClosed(fromApplication)) {
        cancel(fromApplication);
      }
      if (!isClosed(toApplication)) {
        complete(toApplication);
      }
      applicationDeaf = true;
      closeDeadline = System.nanoTime() + closeNanos;
      scheduleNextCheck();
      pullClient();
    }

    private void finishAfterSending() {
      finishWhenSent = true;
      if (toSend.isEmpty()) {
        completeStage();
      }
    }

    /** Reads on while the application takes messages (or no longer listens) and no answer waits to go out. */
    private void pullClient() {
      if (!isClosed(fromClient) && !hasBeenPulled(fromClient) && toSend.isEmpty()
          && (applicationDeaf || isAvailable(toApplication))) {
        pull(fromClient);
      }
    }

    private void pullApplication() {
      if (!isClosed(fromApplication) && !hasBeenPulled(fromApplication) && toSend.isEmpty() && !closeSent) {
        pull(fromApplication);
      }
    }

    // ---- time

    /** One timer per connection: the close deadline while closing, else the earlier of keep-alive and idle. */
    private void scheduleNextCheck() {
      long next = closeDeadline != 0 ? closeDeadline
          : Math.min(lastSent + keepAliveNanos, closesWhenIdle && !applicationDeaf ? lastReceived + idleNanos
              : Long.MAX_VALUE);
      scheduleOnce(CHECK, Duration.ofNanos(Math.max(next - System.nanoTime(), 1_000_000L)));
    }

    @Override
    public void onTimer(Object key) {
      long now = System.nanoTime();
      if (closeDeadline != 0) {
        if (now - closeDeadline < 0) {
          scheduleNextCheck();
        } else if (closeSent) {
          completeStage();
        } else {
          startClosing(closeCode);
        }
        return;
      }
      if (closesWhenIdle && !applicationDeaf && now - lastReceived >= idleNanos) {
        stopListening(new TimeoutException("no message for " + settings.idleTimeout().toSeconds() + " s"));
        return;
      }
      // a client that reads nothing is not sent pings on top of what already waits for it
      if (now - lastSent >= keepAliveNanos && toSend.isEmpty()) {
        send(frame(PING, ByteString.emptyByteString()));
      }
      scheduleNextCheck();
    }
  }
}
