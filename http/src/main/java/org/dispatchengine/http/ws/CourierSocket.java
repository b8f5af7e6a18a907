package org.dispatchengine.http.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.dispatchengine.engine.Role;
import org.dispatchengine.engine.InFlightBound;
import org.dispatchengine.engine.TokenBucket;
import org.dispatchengine.engine.Rejection;
import org.dispatchengine.engine.courier.Courier;
import org.dispatchengine.engine.courier.CourierNotice;
import org.dispatchengine.engine.courier.CourierOffer;
import org.dispatchengine.engine.courier.CourierService;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.geo.Place;
import org.dispatchengine.engine.live.ClusterLiveUpdates;
import org.dispatchengine.engine.live.LiveUpdates;
import org.dispatchengine.http.api.Endpoint;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.api.ProblemException;
import org.dispatchengine.http.auth.Authenticator;
import org.dispatchengine.http.auth.Principal;
import org.dispatchengine.http.routes.LocationInput;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * {@code /v1/ws/courier}: a courier's app streams its position and receives what concerns it.
 *
 * <ul>
 *   <li>The courier token is checked at the upgrade (header, or {@code ?token=} for browsers, whose {@code Origin}
 *       must be on the allow-list); a refused upgrade is an ordinary problem response.
 *   <li>In: {@code location} frames, told to the courier entity without waiting for it. A connection may send at
 *       most the configured rate of frames, and have a few reports not yet handled by the courier: the excess is
 *       dropped and counted. A bad frame gets an {@code error} frame and the socket stays
 *       open; a frame over the size limit, or silence past the idle timeout, closes it after an {@code error} frame.
 *   <li>Out: {@code assigned} and {@code unassigned} notices and error frames, through a bounded buffer: a reader too
 *       slow to take them loses its connection, never the courier entity's time or other sockets' memory.
 *   <li>One connection per courier: when a new one opens (on any node), older ones close.
 * </ul>
 */
public final class CourierSocket extends AllDirectives {

  /**
   * Connection limits, under {@code dispatch.couriers.socket}.
   *
   * @param protocol the message size limit, idle timeout and keep-alive
   * @param maxInFlight reports of one connection the courier has not yet handled; beyond, new reports are dropped
   * @param lostAfter how long a connection with {@code maxInFlight} unanswered reports waits for any answer before it
   *     takes them as lost (they died with a failed courier entity) and sends again
   */
  public record Settings(FrameProtocol.Settings protocol, double maxReportsPerSecond, int maxInFlight,
      Duration lostAfter, int outboundBuffer, Origins origins) {}

  /** Counters and timers of the courier sockets. */
  public record Meters(MeterRegistry registry, Timer offerLatency) {}

  private final ActorSystem<?> system;
  private final Json json;
  private final Authenticator auth;
  private final CourierService couriers;
  private final ClusterLiveUpdates live;
  private final Settings settings;
  private final Clock clock;
  private final Counter reports;
  private final Counter rateDropped;
  private final Counter overloadDropped;
  private final Counter lostReports;
  private final Counter refusedFrames;
  private final Timer offerLatency;

  public CourierSocket(ActorSystem<?> system, Json json, Authenticator auth, CourierService couriers,
      ClusterLiveUpdates live, Settings settings, Clock clock, Meters meters) {
    MeterRegistry registry = meters.registry();
    this.system = system;
    this.json = json;
    this.auth = auth;
    this.couriers = couriers;
    this.live = live;
    this.settings = settings;
    this.clock = clock;
    this.reports = Counter.builder("dispatch.courier.socket.reports")
        .description("Location frames passed on to couriers").register(registry);
    this.rateDropped = Counter.builder("dispatch.courier.socket.dropped").tag("reason", "rate")
        .description("Location frames dropped: sent faster than allowed, or while the node was behind")
        .register(registry);
    this.overloadDropped = Counter.builder("dispatch.courier.socket.dropped").tag("reason", "overload")
        .description("Location frames dropped: sent faster than allowed, or while the node was behind")
        .register(registry);
    this.lostReports = Counter.builder("dispatch.courier.socket.lost")
        .description("Times a connection gave up waiting for its courier to answer its reports and sent again")
        .register(registry);
    this.refusedFrames = Counter.builder("dispatch.courier.socket.refused")
        .description("Frames answered with an error frame").register(registry);
    this.offerLatency = meters.offerLatency();
  }

  public List<Endpoint> endpoints() {
    return List.of(Endpoint.of(HttpMethods.GET, "/v1/ws/courier", p -> auth.authenticatedUpgrade(this::upgrade)));
  }

  private Route upgrade(Principal principal) {
    if (principal.role() != Role.COURIER) {
      throw ProblemException.of(403, "The courier socket takes courier tokens");
    }
    return optionalHeaderValueByName("Origin", origin -> {
      settings.origins().check(origin);
      return onSuccess(couriers.get(principal.tenantId(), principal.subject()),
          courier -> Sockets.serve(settings.protocol(), () -> connection(principal.tenantId(), principal.subject(),
              Optional.ofNullable(courier.courier().offer()).filter(offer -> !offer.accepted()))));
    });
  }

  // ---- one connection

  /** The inbound side finished: the client closed, or {@code closing} says why the server closes. */
  private record InboundEnded(Optional<String> closing) implements NoSerializationVerificationNeeded {}

  private record NoticeFrame(String type, String orderId, String reason) {}

  private record OfferFrame(String type, String offerId, String orderId, Place pickup, Place dropoff,
      Instant expiresAt) {
    static OfferFrame of(CourierOffer offer) {
      return new OfferFrame("offer", offer.offerId(), offer.orderId(), offer.pickup(), offer.dropoff(),
          offer.expiresAt());
    }
  }

  private record RevokedFrame(String type, String offerId, String orderId, String reason) {}

  private static Object noticeFrame(CourierNotice notice) {
    return switch (notice.type()) {
      case "offer" -> OfferFrame.of(notice.offer());
      case "offer.revoked" ->
          new RevokedFrame("offer.revoked", notice.offer().offerId(), notice.orderId(), notice.reason());
      default -> new NoticeFrame(notice.type(), notice.orderId(), notice.reason());
    };
  }

  /** @param openOffer the offer the courier holds as it connects: a reconnecting app sees it again */
  private Flow<byte[], String, NotUsed> connection(String tenantId, String courierId,
      Optional<CourierOffer> openOffer) {
    String connectionId = UUID.randomUUID().toString();
    Pair<ActorRef<Sockets.Out>, Source<String, NotUsed>> outbound =
        Sockets.outbound(system, settings.outboundBuffer());
    InFlightBound inFlight = new InFlightBound(settings.maxInFlight(), settings.lostAfter());
    CourierService.Reports courier = couriers.reports(tenantId, courierId);
    ActorRef<Object> connection = system.systemActorOf(
        connectionBehavior(tenantId, courierId, connectionId, outbound.first(), inFlight, courier),
        "courier-socket-" + connectionId, Props.empty());
    openOffer.ifPresent(offer -> connection.tell(frame(OfferFrame.of(offer))));

    TokenBucket limiter = new TokenBucket(settings.maxReportsPerSecond(), settings.maxReportsPerSecond() * 2);
    // the frame protocol below ends this side when a message is too large or none came for the idle timeout
    Sink<byte[], NotUsed> inbound = Flow.<byte[]>create()
        .watchTermination((mat, done) -> {
          done.whenComplete((ok, failure) -> connection.tell(new InboundEnded(Optional.ofNullable(failure)
              .map(this::closingFrame))));
          return mat;
        })
        .to(Sink.foreach(frame -> handle(courier, tenantId, courierId, frame, limiter, inFlight, connection)));
    // not coupled: when the inbound side ends, the connection actor still says why before it ends the outbound side
    return Flow.fromSinkAndSource(inbound, outbound.second());
  }

  private Behavior<Object> connectionBehavior(String tenantId, String courierId, String connectionId,
      ActorRef<Sockets.Out> out, InFlightBound inFlight, CourierService.Reports courier) {
    String topic = LiveUpdates.courierTopic(tenantId, courierId);
    SocketOpened self = new SocketOpened(connectionId, clock.instant());
    return Behaviors.<Object>setup(ctx -> Behaviors.withTimers(timers -> {
      live.subscribe(topic, Adapter.toClassic(ctx.getSelf()));
      return Behaviors.receive(Object.class)
          .onMessage(DistributedPubSubMediator.SubscribeAck.class, ack -> {
            live.publish(topic, self);
            // another node may learn of older connections' subscriptions only by the next gossip: say it again
            timers.startSingleTimer(Reannounce.FIRST, Duration.ofSeconds(1));
            timers.startSingleTimer(Reannounce.SECOND, Duration.ofSeconds(3));
            return Behaviors.same();
          })
          .onMessage(Reannounce.class, again -> {
            live.publish(topic, self);
            return Behaviors.same();
          })
          .onMessage(SocketOpened.class, opened -> {
            if (!opened.isNewerThan(self)) {
              return Behaviors.same();
            }
            out.tell(frame(new Sockets.ErrorFrame("Replaced", "another connection of this courier took over")));
            out.tell(Sockets.Close.INSTANCE);
            return Behaviors.stopped();
          })
          .onMessage(StatusReply.class, handled -> {
            inFlight.finished(System.nanoTime());
            if (handled.isSuccess() && handled.getValue() instanceof Courier.Located located
                && courier.answeredFrom(located.courier())) {
              ctx.watch(located.courier());
            }
            return Behaviors.same();
          })
          .onSignal(Terminated.class, ended -> {
            // reports told to the ended entity since are lost with it; the next ones find the courier via sharding
            courier.stopped(ended.getRef());
            inFlight.allLost(System.nanoTime());
            return Behaviors.same();
          })
          .onMessage(CourierNotice.class, notice -> {
            out.tell(frame(noticeFrame(notice)));
            if (notice.type().equals("offer") && notice.offer().requestedAt() != null) {
              offerLatency.record(Duration.between(notice.offer().requestedAt(), Instant.now()));
            }
            return Behaviors.same();
          })
          .onMessage(Sockets.Text.class, frame -> {
            out.tell(frame);
            return Behaviors.same();
          })
          .onMessage(InboundEnded.class, ended -> {
            ended.closing().ifPresent(text -> out.tell(new Sockets.Text(text)));
            out.tell(Sockets.Close.INSTANCE);
            return Behaviors.stopped();
          })
          .build();
    }));
  }

  private enum Reannounce implements NoSerializationVerificationNeeded { FIRST, SECOND }

  /** Why the inbound side failed: {@link FrameProtocol} ends it with these exceptions themselves. */
  private String closingFrame(Throwable failure) {
    if (failure instanceof StreamLimitReachedException) {
      refusedFrames.increment();
      return json.text(new Sockets.ErrorFrame("Frame too large",
          "frames are limited to " + settings.protocol().maxMessageBytes() + " bytes; closing the connection"));
    }
    if (failure instanceof TimeoutException) {
      return json.text(new Sockets.ErrorFrame("Idle", "nothing received for "
          + settings.protocol().idleTimeout().toSeconds() + " s; closing the connection"));
    }
    return json.text(new Sockets.ErrorFrame("Closing", "the connection failed"));
  }

  private void handle(CourierService.Reports courier, String tenantId, String courierId, byte[] utf8,
      TokenBucket limiter, InFlightBound inFlight, ActorRef<Object> connection) {
    long receivedNanos = System.nanoTime();
    // every frame counts against the rate, or a client could have the node answer garbage as fast as it sends it
    if (!limiter.tryTake(receivedNanos)) {
      rateDropped.increment();
      return;
    }
    Fix located = LocationInput.readFrame(json.mapper().getFactory(), utf8, clock);
    if (located != null) {
      report(courier, located, inFlight, connection, receivedNanos);
      return;
    }
    JsonNode frame;
    try {
      frame = json.mapper().readTree(utf8);
    } catch (IOException e) {
      // the input is in memory: only malformed JSON (or UTF-8) fails
      refuse(connection, "Malformed JSON",
          e instanceof JsonProcessingException malformed ? malformed.getOriginalMessage() : e.getMessage());
      return;
    }
    if (frame == null || !frame.isObject() || !frame.path("type").isTextual()) {
      refuse(connection, "Invalid frame", "a frame is a JSON object with a type");
      return;
    }
    switch (frame.get("type").textValue()) {
      case "location" -> location(courier, frame, inFlight, connection, receivedNanos);
      case "offer.accept", "offer.decline" -> answer(tenantId, courierId, frame, connection);
      default -> refuse(connection, "Unknown type", "frame type " + frame.get("type").textValue() + " is not known");
    }
  }

  /** A location frame the fast path did not take: read in full, so that a bad one is told what is wrong with it. */
  private void location(CourierService.Reports courier, JsonNode frame, InFlightBound inFlight,
      ActorRef<Object> connection, long receivedNanos) {
    Fix fix;
    try {
      JsonFields fields = JsonFields.of(frame, LocationInput.FRAME_FIELDS);
      fix = LocationInput.read(fields, clock);
      fields.validate();
    } catch (ProblemException e) {
      refuse(connection, "Invalid location", fieldErrors(e));
      return;
    }
    report(courier, fix, inFlight, connection, receivedNanos);
  }

  private void report(CourierService.Reports courier, Fix fix, InFlightBound inFlight, ActorRef<Object> connection,
      long receivedNanos) {
    switch (inFlight.tryStart(receivedNanos)) {
      case REFUSED -> {
        overloadDropped.increment();
        return;
      }
      case STARTED_AFTER_LOSS -> lostReports.increment();
      case STARTED -> { }
    }
    reports.increment();
    courier.tell(fix, receivedNanos, connection.unsafeUpcast());
  }

  /** An answer to an offer; the outcome comes as {@code assigned} or {@code offer.revoked}, a refusal as an error. */
  private void answer(String tenantId, String courierId, JsonNode frame, ActorRef<Object> connection) {
    JsonFields fields;
    String offerId;
    String reason;
    try {
      fields = JsonFields.of(frame, OFFER_ANSWER_FIELDS);
      offerId = fields.requiredId("offerId");
      reason = fields.optionalText("reason", 500).orElse(null);
      fields.validate();
    } catch (ProblemException e) {
      refuse(connection, "Invalid answer", fieldErrors(e));
      return;
    }
    boolean accept = frame.get("type").textValue().equals("offer.accept");
    couriers.answerOffer(tenantId, courierId, offerId, accept, accept ? null : reason)
        .whenComplete((status, failure) -> {
          if (failure != null) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            Optional<Rejection.Parsed> refused = cause instanceof StatusReply.ErrorMessage
                ? Rejection.parse(cause.getMessage()) : Optional.empty();
            refuse(connection, refused.isPresent() ? "Offer not open" : "Not answered",
                refused.map(Rejection.Parsed::message).orElse("the answer could not be recorded; send it again"));
          }
        });
  }

  private static final java.util.Set<String> OFFER_ANSWER_FIELDS = java.util.Set.of("type", "offerId", "reason");

  /** A frame's field problems in one line, for its error frame. */
  private static String fieldErrors(ProblemException e) {
    return e.problem().errors().stream()
        .map(error -> error.field() + " " + error.message()).collect(Collectors.joining("; "));
  }

  private void refuse(ActorRef<Object> connection, String title, String detail) {
    refusedFrames.increment();
    connection.tell(frame(new Sockets.ErrorFrame(title, detail)));
  }

  private Sockets.Text frame(Object body) {
    return new Sockets.Text(json.text(body));
  }

}
