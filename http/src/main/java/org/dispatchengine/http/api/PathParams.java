package org.dispatchengine.http.api;

import java.util.Map;

/** The values of a matched path template's variables. */
public record PathParams(Map<String, String> values) {
  public String get(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("The path template has no variable " + name);
    }
    return value;
  }
}
