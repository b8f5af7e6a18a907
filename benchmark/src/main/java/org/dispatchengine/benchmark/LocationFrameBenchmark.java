package org.dispatchengine.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.engine.courier.LocationRules;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.routes.LocationInput;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The CPU a courier socket spends on one location frame before it tells the courier: JSON parsing, field
 * validation, and the courier's judgement of the fix; on the fast path every well-formed frame takes, and on the
 * general path that reads (and explains) any other.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LocationFrameBenchmark {
  private final ObjectMapper mapper = new ObjectMapper();
  private final Clock clock = Clock.systemUTC();
  /** As the courier socket parses it: the frame's UTF-8 bytes. */
  private byte[] frame;
  private Fix trusted;

  @Setup
  public void setUp() {
    frame = ("{\"type\":\"location\",\"lat\":52.520008,\"lon\":13.404954,\"accuracy\":6.5,\"speed\":4.2,"
        + "\"heading\":87.0,\"at\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
    trusted = new Fix(52.52, 13.4049, 5.0, 4.0, 90.0, Instant.now().minusSeconds(2));
  }

  @Benchmark
  public LocationRules.Verdict readFrameAndJudge() {
    Fix fix = LocationInput.readFrame(mapper.getFactory(), frame, clock);
    return LocationRules.judge(trusted, null, fix, 70);
  }

  @Benchmark
  public LocationRules.Verdict decodeAndJudge() throws Exception {
    JsonNode node = mapper.readTree(frame);
    JsonFields fields = JsonFields.of(node, LocationInput.FRAME_FIELDS);
    Fix fix = LocationInput.read(fields, clock);
    fields.validate();
    return LocationRules.judge(trusted, null, fix, 70);
  }
}
