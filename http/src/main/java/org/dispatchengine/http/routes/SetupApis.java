package org.dispatchengine.http.routes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.dispatchengine.engine.geo.FeeRule;
import org.dispatchengine.engine.geo.LatLon;
import org.dispatchengine.engine.geo.ZoneAreas;
import org.dispatchengine.engine.setup.Definition;
import org.dispatchengine.engine.setup.OpeningHours;
import org.dispatchengine.engine.setup.StoreSpec;
import org.dispatchengine.engine.setup.ZoneSpec;
import org.dispatchengine.engine.setup.Zones;
import org.dispatchengine.engine.setup.Definitions;
import org.dispatchengine.http.api.Json;
import org.dispatchengine.http.api.JsonFields;
import org.dispatchengine.http.auth.Authenticator;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/** The wire format of zones ({@code /v1/zones}) and stores ({@code /v1/stores}). */
public final class SetupApis {
  private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000");
  private static final Set<String> DAYS = Set.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

  private SetupApis() {}

  public record ZoneView(String id, String name, JsonNode area, FeeRule fee, String region, Instant createdAt,
      Instant updatedAt, Instant deletedAt) {}

  public record StoreView(String id, String name, LatLon location, List<String> categories,
      OpeningHours openingHours, Instant createdAt, Instant updatedAt, Instant deletedAt) {}

  public static SetupRoutes<ZoneSpec> zoneRoutes(Json json, Duration bodyReadTimeout, Zones zones, Authenticator auth) {
    return new SetupRoutes<>(json, bodyReadTimeout, zones, auth, "zones", "zoneId",
        Set.of("name", "area", "fee", "region"), fields -> readZone(fields, zones.maxVertices()), SetupApis::zoneView);
  }

  public static SetupRoutes<StoreSpec> storeRoutes(Json json, Duration bodyReadTimeout, Definitions<StoreSpec> stores,
      Authenticator auth) {
    return new SetupRoutes<>(json, bodyReadTimeout, stores, auth, "stores", "storeId",
        Set.of("name", "location", "categories", "openingHours"), SetupApis::readStore, SetupApis::storeView);
  }

  static ZoneSpec readZone(JsonFields fields, int maxVertices) {
    String name = fields.requiredText("name", 200);
    String area = null;
    JsonNode areaJson = fields.optionalJson("area").orElse(null);
    if (areaJson == null) {
      fields.error("area", "is required");
    } else if (!areaJson.isObject()) {
      fields.error("area", "must be a GeoJSON Polygon or MultiPolygon object");
    } else {
      try {
        area = ZoneAreas.parse(areaJson.toString(), maxVertices).geoJson();
      } catch (ZoneAreas.InvalidArea e) {
        fields.error("area", e.getMessage());
      }
    }
    JsonFields fee = fields.requiredObject("fee", Set.of("base", "perKm", "minimum"));
    if (fee == null) {
      return null;
    }
    BigDecimal base = fee.requiredDecimal("base", BigDecimal.ZERO, MAX_AMOUNT);
    BigDecimal perKm = fee.requiredDecimal("perKm", BigDecimal.ZERO, MAX_AMOUNT);
    BigDecimal minimum = fee.optionalDecimal("minimum", BigDecimal.ZERO, MAX_AMOUNT).orElse(null);
    String region = fields.optionalId("region").orElse(null);
    return name == null || area == null || base == null || perKm == null
        ? null
        : new ZoneSpec(name, area, new FeeRule(base, perKm, minimum), region);
  }

  static ZoneView zoneView(Definition<ZoneSpec> zone, Json json) {
    JsonNode area;
    try {
      area = json.mapper().readTree(zone.spec().area());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored area of zone " + zone.id() + " is not JSON", e);
    }
    return new ZoneView(zone.id(), zone.spec().name(), area, zone.spec().fee(), zone.spec().region(),
        zone.createdAt(), zone.updatedAt(), zone.deletedAt());
  }

  static StoreSpec readStore(JsonFields fields) {
    String name = fields.requiredText("name", 200);
    LatLon location = fields.requiredPosition("location");
    List<String> categories = fields.optionalTextList("categories", 50, 64);
    OpeningHours hours = fields.optionalObject("openingHours", Set.of("timeZone", "periods"))
        .map(SetupApis::readOpeningHours)
        .orElse(null);
    return name == null || location == null ? null : new StoreSpec(name, location, categories, hours);
  }

  private static OpeningHours readOpeningHours(JsonFields fields) {
    String timeZone = fields.requiredText("timeZone", 64);
    if (timeZone != null) {
      try {
        ZoneId.of(timeZone);
      } catch (DateTimeException e) {
        fields.error("timeZone", "must be an IANA time zone such as Europe/Berlin");
      }
    }
    List<OpeningHours.Period> periods = fields.optionalList("periods", 70, (item, itemFields) -> {
      JsonFields period = itemFields.asObject(Set.of("day", "opens", "closes"));
      String day = period.requiredText("day", 3);
      if (day != null && !DAYS.contains(day)) {
        period.error("day", "must be one of mon, tue, wed, thu, fri, sat, sun");
      }
      LocalTime opens = time(period, "opens");
      LocalTime closes = time(period, "closes");
      if (opens != null && closes != null && !opens.isBefore(closes)) {
        period.error("closes", "must be after opens (split periods that pass midnight)");
      }
      return new OpeningHours.Period(day, opens == null ? null : opens.toString(),
          closes == null ? null : closes.toString());
    });
    return new OpeningHours(timeZone, periods);
  }

  private static LocalTime time(JsonFields fields, String field) {
    String text = fields.requiredText(field, 5);
    if (text == null) {
      return null;
    }
    if (!text.matches("([01]\\d|2[0-3]):[0-5]\\d")) {
      fields.error(field, "must be a time HH:mm");
      return null;
    }
    return LocalTime.parse(text);
  }

  static StoreView storeView(Definition<StoreSpec> store, Json json) {
    StoreSpec spec = store.spec();
    return new StoreView(store.id(), spec.name(), spec.location(), spec.categories(), spec.openingHours(),
        store.createdAt(), store.updatedAt(), store.deletedAt());
  }
}
