package org.dispatchengine.http.ws;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.dispatchengine.benchmark.SinkReport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's socket layer alone: Pekko HTTP and {@link FrameProtocol} as the courier socket uses them, with an
 * application that counts each message and drops it. Measured under {@code FrameFlood} against
 * {@code NettyFrameSink}. In the engine's package for the package-private {@link Sockets#serve}.
 * Argument: the port (default 18095).
 */
public final class PekkoFrameSink {
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18095;
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "sink", ConfigFactory.parseString(
            "pekko.loglevel = WARNING\npekko.http.server.backlog = 1024")
        .withFallback(ConfigFactory.load()));
    AtomicLong frames = new AtomicLong();
    FrameProtocol.Settings settings = new FrameProtocol.Settings(16_384, Duration.ofSeconds(60),
        Duration.ofSeconds(15));
    Http.get(system).newServerAt("127.0.0.1", port)
        .bind(Directives.path("ws", () -> Sockets.serve(settings, () -> Flow.fromSinkAndSource(
            Sink.<byte[]>foreach(message -> frames.incrementAndGet()), Source.<String>maybe()))))
        .toCompletableFuture().get();
    System.out.println("bound");
    SinkReport.every10Seconds("pekko", frames);
  }
}
