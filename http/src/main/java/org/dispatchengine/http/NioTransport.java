package org.dispatchengine.http;

import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.io.Inet;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SubscriptionWithCancelException;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.duration.FiniteDuration;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's HTTP port: Pekko HTTP's server layer (parsing, routing, WebSocket) over a selector of the node's own
 * instead of Pekko IO (ADR 0023). One thread selects and reads for every connection and hands what it read to the
 * connection's stream; the stream writes straight to the socket from its own thread and asks the selector only when
 * the kernel's buffer is full. A read costs one system call and one hand-off, where Pekko IO spends three actor
 * messages, a selector wake-up and two {@code epoll_ctl} calls.
 *
 * <p>What Pekko HTTP's own binding does around its server layer is done here too: the listen backlog, the idle
 * timeout ({@code pekko.http.server.idle-timeout}, both directions), TCP_NODELAY, and a graceful stop: unbind, then
 * connections with no request in flight close at once and the others after their response (sent with {@code
 * Connection: close}) or at the deadline. Idle connections are found by the selector thread in one pass over all of
 * them every eighth of the timeout, where Pekko's idle-timeout stage gives each connection a periodic timer: with
 * 10,000 sockets that was over a thousand timer tasks a second, each a task on the actor pool and a hand-off into
 * the connection's stream.
 */
public final class NioTransport {
  private static final Logger log = LoggerFactory.getLogger(NioTransport.class);
  /** Chunks read and not yet taken by a connection's stream before the selector stops reading that socket. */
  private static final int MAX_UNREAD_CHUNKS = 16;
  private static final Duration ACCEPT_PAUSE = Duration.ofMillis(100);

  /** {@code pekko.http.server.socket-options}, parsed by Pekko HTTP as for its own binding. */
  private final Iterable<Inet.SocketOption> socketOptions;
  private final Selector selector;
  private final ServerSocketChannel server;
  private final InetSocketAddress localAddress;
  private final Flow<HttpRequest, HttpResponse, NotUsed> handler;
  private final ServerSettings settings;
  private final Materializer materializer;
  private final BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> layers;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeUpAsked = new AtomicBoolean();
  /** The selector thread's read buffer: what it reads is copied out before the next read. */
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Done> closed = new CompletableFuture<>();
  /** {@code pekko.http.server.idle-timeout}; 0 when infinite. */
  private final long idleNanos;
  private final long idleCheckNanos;
  /** When the selector thread next looks for idle connections. */
  private long nextIdleCheck;
  private volatile boolean stopping;

  private NioTransport(ActorSystem<?> system, Flow<HttpRequest, HttpResponse, NotUsed> handler, String host, int port)
      throws IOException {
    this.settings = ServerSettings.create(system.settings().config());
    this.socketOptions = settings.getSocketOptions();
    this.handler = handler;
    this.layers = layers(Http.get(system), settings);
    this.idleNanos = settings.getTimeouts().idleTimeout() instanceof FiniteDuration idle ? idle.toNanos() : 0;
    // as often as Pekko's own idle-timeout stage looks
    this.idleCheckNanos = Math.min(Math.max(idleNanos / 8, TimeUnit.MILLISECONDS.toNanos(100)), idleNanos / 2);
    this.nextIdleCheck = System.nanoTime() + idleCheckNanos;
    this.materializer = Materializer.matFromSystem(system);
    this.selector = Selector.open();
    this.server = ServerSocketChannel.open();
    try {
      // Pekko IO's defaults, which the configured options then override
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      socketOptions.forEach(option -> option.beforeServerSocketBind(server.socket()));
      server.bind(new InetSocketAddress(host, port), settings.getBacklog());
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
      this.localAddress = (InetSocketAddress) server.getLocalAddress();
    } catch (IOException | RuntimeException e) {
      server.close();
      selector.close();
      throw e;
    }
  }

  /**
   * Pekko HTTP's server layer over plain TCP: one blueprint for every connection, as Pekko's own binding has (a
   * blueprint per connection would stay referenced by its running stages, some 10 KiB each).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> layers(Http http,
      ServerSettings settings) {
    // the placebo's inbound type is a subtype of what the server layer takes: the raw type bridges the two
    return (BidiFlow) http.serverLayer(settings).atop((BidiFlow) TLSPlacebo.getInstance());
  }

  /** Listens on {@code host:port} (0: any free port) and serves every connection with {@code handler}. */
  public static NioTransport bind(ActorSystem<?> system, Flow<HttpRequest, HttpResponse, NotUsed> handler,
      String host, int port) throws IOException {
    NioTransport transport = new NioTransport(system, handler, host, port);
    Thread thread = new Thread(transport::run, "http-selector");
    thread.setDaemon(true);
    thread.start();
    return transport;
  }

  /** Where it listens (or listened, once unbound). */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** Open connections, WebSockets included. */
  public int connections() {
    return links.size();
  }

  /** Unbinds as the node starts its shutdown, and ends the connections within {@code deadline} after. */
  public void addToCoordinatedShutdown(Duration deadline, ActorSystem<?> system) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(Adapter.toClassic(system));
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind", () -> unbind());
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-terminate", () -> terminate(deadline));
  }

  /** Stops accepting connections; the open ones go on. */
  public CompletionStage<Done> unbind() {
    CompletableFuture<Done> unbound = new CompletableFuture<>();
    execute(() -> {
      try {
        server.close();
      } catch (IOException e) {
        log.warn("Closing the HTTP server socket failed", e);
      }
      unbound.complete(Done.getInstance());
    });
    return unbound;
  }

  /**
   * Unbinds and ends every connection: at once when no request is in flight on it (WebSockets too), otherwise after
   * its response, or at {@code deadline}. Completes when every connection is closed and the selector has stopped.
   */
  public CompletionStage<Done> terminate(Duration deadline) {
    stopping = true;
    return unbind().thenCompose(unbound -> {
      links.forEach(Link::drain);
      CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .execute(() -> links.forEach(Link::close));
      execute(this::stopWhenIdle);
      return closed;
    });
  }

  private void stopWhenIdle() {
    if (links.isEmpty()) {
      closed.complete(Done.getInstance());
    }
  }

  private void execute(Runnable task) {
    tasks.add(task);
    if (wakeUpAsked.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  private void run() {
    while (!closed.isDone()) {
      try {
        selector.select(idleNanos == 0 ? 0 : Math.max(1, (nextIdleCheck - System.nanoTime()) / 1_000_000));
        wakeUpAsked.set(false);
        for (Runnable task; (task = tasks.poll()) != null; ) {
          task.run();
        }
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
          SelectionKey key = ready.next();
          ready.remove();
          if (key.isValid()) {
            handle(key);
          }
        }
        closeIdle();
      } catch (IOException | RuntimeException e) {
        log.error("The HTTP selector failed a round; it goes on", e);
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      log.warn("Closing the HTTP selector failed", e);
    }
  }

  /** Closes the connections that have neither read nor written for the idle timeout, when it is time to look. */
  private void closeIdle() {
    long now = System.nanoTime();
    if (idleNanos == 0 || now - nextIdleCheck < 0) {
      return;
    }
    nextIdleCheck = now + idleCheckNanos;
    for (Link link : links) {
      if (now - link.lastActive >= idleNanos) {
        link.close();
      }
    }
  }

  private void handle(SelectionKey key) {
    if (key.isAcceptable()) {
      acceptAll();
      return;
    }
    Link link = (Link) key.attachment();
    try {
      if (key.isWritable()) {
        interest(key, SelectionKey.OP_WRITE, false);
        link.writable.invoke(Done.getInstance());
      }
      if (key.isValid() && key.isReadable()) {
        link.read();
      }
    } catch (RuntimeException e) {
      log.warn("Closing an HTTP connection after a failure on it", e);
      link.close();
    }
  }

  private void acceptAll() {
    while (!stopping) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (IOException e) {
        // out of file descriptors, most likely: the pending connection stays ready, so pause rather than spin
        log.warn("Accepting an HTTP connection failed; accepting again in {} ms", ACCEPT_PAUSE.toMillis(), e);
        SelectionKey accepting = server.keyFor(selector);
        interest(accepting, SelectionKey.OP_ACCEPT, false);
        CompletableFuture.delayedExecutor(ACCEPT_PAUSE.toMillis(), TimeUnit.MILLISECONDS)
            .execute(() -> execute(() -> interest(accepting, SelectionKey.OP_ACCEPT, true)));
        return;
      }
      if (channel == null) {
        return;
      }
      try {
        open(channel);
      } catch (IOException | RuntimeException e) {
        log.warn("Opening an accepted HTTP connection failed", e);
        closeQuietly(channel);
      }
    }
  }

  private void open(SocketChannel channel) throws IOException {
    channel.configureBlocking(false);
    configure(channel);
    SelectionKey key = channel.register(selector, 0);
    Link link = new Link(channel, key);
    key.attach(link);
    links.add(link);
    Flow<HttpResponse, HttpRequest, NotUsed> wire = layers.join(Flow.fromGraph(new Socket(link)));
    try {
      link.counted(handler).join(wire).run(materializer);
    } catch (RuntimeException e) {
      key.cancel();
      links.remove(link);
      throw e;
    }
    key.interestOps(SelectionKey.OP_READ);
  }

  /** As Pekko IO does: TCP_NODELAY on unless the configured options say otherwise. */
  private void configure(SocketChannel channel) throws IOException {
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    socketOptions.forEach(option -> option.afterConnect(channel.socket()));
  }

  /** On the selector thread. */
  private static void interest(SelectionKey key, int op, boolean on) {
    if (key.isValid()) {
      key.interestOps(on ? key.interestOps() | op : key.interestOps() & ~op);
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }

  /** One connection: its channel, and the callbacks into its stream that the selector thread uses. */
  private final class Link {
    final SocketChannel channel;
    final SelectionKey key;
    final AtomicInteger requestsInFlight = new AtomicInteger();
    volatile boolean draining;
    volatile AsyncCallback<ByteString> received;
    volatile AsyncCallback<Done> writable;
    volatile AsyncCallback<Done> readEnded;
    volatile AsyncCallback<Done> drainNow;
    volatile AsyncCallback<Done> closeNow;
    /** When a byte was last read or written ({@link System#nanoTime}). */
    volatile long lastActive = System.nanoTime();

    Link(SocketChannel channel, SelectionKey key) {
      this.channel = channel;
      this.key = key;
    }

    /** The handler, counting requests in flight; while draining, each response closes the connection after it. */
    Flow<HttpRequest, HttpResponse, NotUsed> counted(Flow<HttpRequest, HttpResponse, NotUsed> handler) {
      return Flow.<HttpRequest>create()
          .map(request -> {
            requestsInFlight.incrementAndGet();
            return request;
          })
          .via(handler)
          .map(response -> {
            requestsInFlight.decrementAndGet();
            return draining ? response.addHeader(Connection.create("close")) : response;
          });
    }

    /** On the selector thread. */
    void read() {
      readBuffer.clear();
      int count;
      try {
        count = channel.read(readBuffer);
      } catch (IOException e) {
        count = -1; // reset by the peer: the same end for the stream
      }
      if (count > 0) {
        lastActive = System.nanoTime();
        readBuffer.flip();
        received.invoke(ByteString.fromByteBuffer(readBuffer));
      } else if (count < 0) {
        NioTransport.interest(key, SelectionKey.OP_READ, false);
        readEnded.invoke(Done.getInstance());
      }
    }

    /** From the connection's stream: the change is made by the selector thread, which owns the key. */
    void interest(int op, boolean on) {
      execute(() -> NioTransport.interest(key, op, on));
    }

    void drain() {
      draining = true;
      drainNow.invoke(Done.getInstance());
    }

    /** From any thread: the socket closes at once and its stream ends. */
    void close() {
      closeNow.invoke(Done.getInstance());
      closeQuietly(channel);
      forget();
    }

    void forget() {
      if (links.remove(this) && stopping) {
        execute(NioTransport.this::stopWhenIdle);
      }
    }
  }

  /** The socket as a stage. In: bytes to write. Out: bytes read. */
  private final class Socket extends GraphStage<FlowShape<ByteString, ByteString>> {
    private final Inlet<ByteString> in = Inlet.create("NioTransport.in");
    private final Outlet<ByteString> out = Outlet.create("NioTransport.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Link link;

    Socket(Link link) {
      this.link = link;
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
      return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
      return new Logic();
    }

    private final class Logic extends GraphStageLogic {
      private final Queue<ByteString> unread = new ArrayDeque<>();
      private boolean readPaused;
      private boolean readEnded;
      /** Bytes the kernel did not take yet; the next element is pulled only when they are written. */
      private ByteBuffer unwritten;

      Logic() {
        super(shape);
        // created before the stage runs: what the selector reads meanwhile waits for it
        link.received = createAsyncCallback(this::received);
        link.writable = createAsyncCallback(done -> write());
        link.readEnded = createAsyncCallback(done -> endRead());
        link.closeNow = createAsyncCallback(done -> closeSocket());
        link.drainNow = createAsyncCallback(done -> {
          if (link.requestsInFlight.get() == 0) {
            closeSocket();
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            ByteString next = unread.poll();
            if (next != null) {
              push(out, next);
              if (readPaused && unread.size() <= MAX_UNREAD_CHUNKS / 2) {
                readPaused = false;
                link.interest(SelectionKey.OP_READ, true);
              }
            } else if (readEnded) {
              complete(out);
            }
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            if (!(cause instanceof SubscriptionWithCancelException.NonFailureCancellation)) {
              closeSocket();
            }
            // otherwise the server layer wants no more input but may still be writing: the socket closes with it
          }
        });
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            unwritten = grab(in).asByteBuffer();
            write();
          }

          @Override
          public void onUpstreamFinish() {
            if (unwritten == null) {
              closeSocket();
            }
          }

          @Override
          public void onUpstreamFailure(Throwable cause) {
            closeSocket();
          }
        });
      }

      @Override
      public void preStart() {
        pull(in);
      }

      @Override
      public void postStop() {
        closeQuietly(link.channel);
        link.forget();
      }

      private void received(ByteString bytes) {
        if (isAvailable(out) && unread.isEmpty()) {
          push(out, bytes);
          return;
        }
        unread.add(bytes);
        if (!readPaused && unread.size() >= MAX_UNREAD_CHUNKS) {
          readPaused = true;
          link.interest(SelectionKey.OP_READ, false);
        }
      }

      private void endRead() {
        readEnded = true;
        if (unread.isEmpty() && !isClosed(out)) {
          complete(out);
        }
      }

      private void write() {
        if (unwritten == null) {
          return;
        }
        try {
          while (unwritten.hasRemaining()) {
            if (link.channel.write(unwritten) == 0) {
              link.interest(SelectionKey.OP_WRITE, true);
              return;
            }
            link.lastActive = System.nanoTime();
          }
        } catch (IOException e) {
          closeSocket(); // the peer is gone: nothing more can be written
          return;
        }
        unwritten = null;
        if (isClosed(in)) {
          closeSocket();
        } else {
          pull(in);
        }
      }

      /** {@link #postStop} closes the socket and forgets the connection. */
      private void closeSocket() {
        completeStage();
      }
    }
  }
}
