package org.dispatchengine.engine.geo;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FeeRuleTest {
  @Test
  void chargesBasePlusDistanceRoundedToCents() {
    FeeRule rule = new FeeRule(new BigDecimal("5.00"), new BigDecimal("1.20"), null);
    assertEquals(new BigDecimal("5.00"), rule.feeFor(0));
    assertEquals(new BigDecimal("8.00"), rule.feeFor(2500));
    assertEquals(new BigDecimal("5.01"), rule.feeFor(4.2));
  }

  @Test
  void neverChargesLessThanTheMinimum() {
    FeeRule rule = new FeeRule(new BigDecimal("1.00"), new BigDecimal("0.50"), new BigDecimal("3.00"));
    assertEquals(new BigDecimal("3.00"), rule.feeFor(1000));
    assertEquals(new BigDecimal("6.00"), rule.feeFor(10_000));
  }

  @Test
  void distanceIsGreatCircle() {
    double berlinToMunich = new LatLon(52.5200, 13.4050).metersTo(new LatLon(48.1351, 11.5820));
    assertEquals(504_400, berlinToMunich, 1_000);
    assertEquals(0, new LatLon(10, 10).metersTo(new LatLon(10, 10)), 1e-9);
  }
}
