package org.dispatchengine.http.routes;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.dispatchengine.projections.readmodel.OrderQueries.OrderItem;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Orders as CSV (RFC 4180), the columns of the JSON list in the same order. */
final class OrderCsv {
  private OrderCsv() {}

  static final Source<ByteString, NotUsed> HEADER = Source.single(ByteString.fromString(
      "id,kind,status,customerId,storeId,zoneId,courierId,fee,assignmentState,assignmentAttempts,reason,createdAt,"
          + "acceptedAt,readyAt,pickedUpAt,deliveredAt,endedAt,assignedAt,updatedAt,seq\r\n"));

  static ByteString line(OrderItem o) {
    List<String> cells = new ArrayList<>(List.of(value(o.id()), value(o.kind()), value(o.status()),
        value(o.customerId()), value(o.storeId()), value(o.zoneId()), value(o.courierId()),
        o.fee() == null ? "" : o.fee().toPlainString(), value(o.assignmentState()),
        Integer.toString(o.assignmentAttempts()), text(o.reason())));
    for (Object at : new Object[] {o.createdAt(), o.acceptedAt(), o.readyAt(), o.pickedUpAt(), o.deliveredAt(),
        o.endedAt(), o.assignedAt(), o.updatedAt()}) {
      cells.add(at == null ? "" : at.toString());
    }
    cells.add(Long.toString(o.seq()));
    return ByteString.fromString(String.join(",", cells) + "\r\n");
  }

  private static String value(String value) {
    return Objects.requireNonNullElse(value, "");
  }

  /**
   * Free text written by people: quoted when it holds a separator, and kept from being read as a formula by
   * spreadsheets (a leading {@code = + - @} gets a leading apostrophe).
   */
  static String text(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String safe = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    boolean quote = safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")
        || safe.startsWith("'");
    return quote ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
  }
}
