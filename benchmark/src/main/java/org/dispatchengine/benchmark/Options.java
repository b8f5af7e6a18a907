package org.dispatchengine.benchmark;

import java.util.HashMap;
import java.util.Map;

/** A tool's {@code --name value} options, each read with its default; a malformed value stops the tool. */
record Options(Map<String, String> values) {
  static Options parse(String[] argv) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      values.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    return new Options(Map.copyOf(values));
  }

  String required(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  String text(String name, String otherwise) {
    return values.getOrDefault(name, otherwise);
  }

  int integer(String name, int otherwise) {
    return values.containsKey(name) ? Integer.parseInt(values.get(name)) : otherwise;
  }

  long longInteger(String name, long otherwise) {
    return values.containsKey(name) ? Long.parseLong(values.get(name)) : otherwise;
  }

  double decimal(String name, double otherwise) {
    return values.containsKey(name) ? Double.parseDouble(values.get(name)) : otherwise;
  }

  boolean flag(String name, boolean otherwise) {
    return values.containsKey(name) ? Boolean.parseBoolean(values.get(name)) : otherwise;
  }
}
