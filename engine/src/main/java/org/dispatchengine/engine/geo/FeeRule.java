package org.dispatchengine.engine.geo;

import org.dispatchengine.engine.CborSerializable;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How a zone prices a trip: {@code base + perKm x straight-line km}, at least {@code minimum} when given, rounded
 * half-up to cents.
 *
 * @param minimum may be null
 */
public record FeeRule(BigDecimal base, BigDecimal perKm, BigDecimal minimum) implements CborSerializable {
  private static final BigDecimal METERS_PER_KM = BigDecimal.valueOf(1000);

  public BigDecimal feeFor(double meters) {
    BigDecimal km = BigDecimal.valueOf(meters).divide(METERS_PER_KM, 6, RoundingMode.HALF_UP);
    BigDecimal fee = base.add(perKm.multiply(km));
    if (minimum != null && fee.compareTo(minimum) < 0) {
      fee = minimum;
    }
    return fee.setScale(2, RoundingMode.HALF_UP);
  }
}
