package org.dispatchengine.http.routes;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dispatchengine.engine.courier.Fix;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.api.ProblemException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The location frame's fast path ({@link LocationInput#readFrame}) against the general path it stands in for: it
 * must take the usual frames, read them to the same fix, and leave everything else to the general path.
 */
class LocationInputTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:15:30Z"), ZoneOffset.UTC);
  private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Test
  void readsTheUsualFrameToTheFixTheGeneralPathReads() {
    String frame = "{\"type\":\"location\",\"lat\":52.520008,\"lon\":13.404954,\"accuracy\":6.5,\"speed\":4,"
        + "\"heading\":87.25,\"at\":\"2026-11-22T10:15:29.123456Z\"}";

    Fix fix = fast(frame);

    assertEquals(new Fix(52.520008, 13.404954, 6.5, 4.0, 87.25, Instant.parse("2026-11-22T10:15:29.123456Z")), fix);
    assertEquals(general(frame), fix);
  }

  @Test
  void takesFieldsInAnyOrderAndOptionalOnesAbsentOrNull() {
    Fix fix = fast("{\"at\":null,\"lon\":-0.5,\"heading\":null,\"type\":\"location\",\"lat\":-33}");

    assertEquals(new Fix(-33, -0.5, null, null, null, CLOCK.instant()), fix);
  }

  @Test
  void readsEveryFractionLengthAsInstantParseDoes() {
    StringBuilder fraction = new StringBuilder();
    for (int digits = 0; digits <= 9; digits++) {
      String at = "2024-02-29T23:59:59" + (digits == 0 ? "" : "." + fraction) + "Z";
      char[] text = ("  " + at + "  ").toCharArray();

      assertEquals(Instant.parse(at), LocationInput.utcInstant(text, 2, at.length()), at);
      fraction.append(digits + 1);
    }
  }

  @Test
  void leavesOtherTimestampFormsToTheGeneralPath() {
    for (String at : List.of("2026-11-22T10:15:30+01:00", "2026-11-22T10:15:30.Z", "2026-02-30T10:15:30Z",
        "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22 10:15:30Z", "2026-11-22T10:15:30.1234567890Z",
        "+12026-11-22T10:15:30Z", "2026-1x-22T10:15:30Z")) {
      assertNull(LocationInput.utcInstant(at.toCharArray(), 0, at.length()), at);
    }
  }

  @Test
  void leavesEveryFrameItCannotTakeWholeToTheGeneralPath() {
    for (String frame : List.of(
        "{\"type\":\"offer.accept\",\"offerId\":\"o1\"}",
        "{\"lat\":52.5,\"lon\":13.4}",
        "{\"type\":\"location\",\"lat\":52.5}",
        "{\"type\":\"location\",\"lat\":null,\"lon\":13.4}",
        "{\"type\":\"location\",\"lat\":91,\"lon\":13.4}",
        "{\"type\":\"location\",\"lat\":\"52.5\",\"lon\":13.4}",
        "{\"type\":\"location\",\"lat\":52.5,\"lon\":13.4,\"speed\":-1}",
        "{\"type\":\"location\",\"lat\":52.5,\"lon\":13.4,\"heading\":361}",
        "{\"type\":\"location\",\"lat\":52.5,\"lon\":13.4,\"accuracy\":true}",
        "{\"type\":\"location\",\"lat\":52.5,\"lon\":13.4,\"altitude\":30}",
        "{\"type\":\"location\",\"lat\":52.5,\"lat\":52.6,\"lon\":13.4}",
        "{\"type\":\"location\",\"lat\":52.5,\"lon\":13.4,\"at\":\"2026-11-22T10:30:00Z\"}",
        "{\"type\":\"location\",\"lat\":52.5,\"lon\":13.4,\"at\":\" 2026-11-22T10:15:00Z\"}",
        "{\"type\":\"location\",\"lat\":52.5,\"lon\":13.4,\"at\":1763806530}",
        "{\"type\":\"location\",\"lat\":52.5,\"lon\":13.4}{}",
        "{\"type\":\"location\",\"lat\":52.5,\"lon\":13.4",
        "[\"location\",52.5,13.4]",
        "\"location\"")) {
      assertNull(fast(frame), frame);
    }
  }

  /** Random frames near the valid ones: whatever the fast path takes, the general path takes to the same fix. */
  @Test
  void neverTakesWhatTheGeneralPathRefusesOrReadsItDifferently() {
    Random random = new Random(20261201);
    Map<String, String[]> valid = Map.of("type", new String[] {"\"location\""},
        "lat", new String[] {"52.5", "-90", "0", "1e1"}, "lon", new String[] {"13.4", "180", "-180"},
        "accuracy", new String[] {"5", "100000", "0.5", "null"}, "speed", new String[] {"4.5", "200", "0"},
        "heading", new String[] {"360", "0", "87.5"},
        "at", new String[] {"\"2026-11-22T10:15:29Z\"", "\"2026-11-22T10:15:29.5Z\"", "null"});
    String[] other = {"90.0001", "-180.5", "null", "\"x\"", "true", "100001", "361", "200.01", "-0.1", "{}",
        "\"2026-11-22T10:18:00Z\"", "\"2026-11-22T10:15:29+00:00\"", "\"ping\""};
    int taken = 0;
    for (int round = 0; round < 20_000; round++) {
      List<String> fields = new ArrayList<>();
      for (String name : List.of("type", "lat", "lon", "accuracy", "speed", "heading", "at", "extra")) {
        int dice = random.nextInt(100);
        if (dice < 8) {
          continue;
        }
        String[] choices = valid.get(name);
        String value = choices != null && dice < 94 ? choices[random.nextInt(choices.length)]
            : other[random.nextInt(other.length)];
        if (!name.equals("extra") || dice >= 97) {
          fields.add("\"" + name + "\":" + value);
        }
      }
      Collections.shuffle(fields, random);
      String frame = "{" + String.join(",", fields) + "}";

      Fix fix = fast(frame);

      if (fix != null) {
        taken++;
        assertEquals(general(frame), fix, frame);
      }
    }
    assertTrue(taken > 1_000, "the fast path took only " + taken + " of 20,000 frames");
  }

  private Fix fast(String frame) {
    return LocationInput.readFrame(mapper.getFactory(), frame.getBytes(StandardCharsets.UTF_8), CLOCK);
  }

  /** What the general path reads, or null when it refuses the frame. */
  private Fix general(String frame) {
    try {
      JsonNode node = mapper.readTree(frame);
      if (!node.path("type").asText().equals("location")) {
        return null;
      }
      JsonFields fields = JsonFields.of(node, LocationInput.FRAME_FIELDS);
      Fix fix = LocationInput.read(fields, CLOCK);
      fields.validate();
      return fix;
    } catch (ProblemException | java.io.IOException refused) {
      return null;
    }
  }
}
