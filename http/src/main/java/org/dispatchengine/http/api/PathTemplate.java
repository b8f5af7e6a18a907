package org.dispatchengine.http.api;

import org.dispatchengine.engine.Ids;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** A path such as {@code /v1/tenants/{tenantId}}: literal segments and variables, one segment each. */
public record PathTemplate(String template, List<Segment> segments) {
  /** What {@code {name:any}} takes: a file name or a token (a JWT), never a path of its own. */
  private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,2047}");

  /** A literal segment ({@code variable == null}) or a variable that is an id or any single safe segment. */
  public record Segment(String literal, String variable, boolean anyValue) {}

  public static PathTemplate parse(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("A path template starts with /: " + template);
    }
    List<Segment> segments = new ArrayList<>();
    for (String part : template.substring(1).split("/", -1)) {
      if (part.startsWith("{") && part.endsWith("}")) {
        String[] nameAndKind = part.substring(1, part.length() - 1).split(":", 2);
        segments.add(new Segment(null, nameAndKind[0], nameAndKind.length == 2 && nameAndKind[1].equals("any")));
      } else {
        segments.add(new Segment(part, null, false));
      }
    }
    return new PathTemplate(template, List.copyOf(segments));
  }

  /** The template as OpenAPI writes it: {@code {name:any}} becomes {@code {name}}. */
  public String openApiPath() {
    return template.replace(":any}", "}");
  }

  /**
   * The variables when the decoded {@code path} segments fit this template. A variable in an id position that is not
   * a valid id is a {@code 422}, as for ids in bodies.
   */
  public Optional<PathParams> match(List<String> path) {
    if (path.size() != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> values = new HashMap<>();
    List<Segment> badIds = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      Segment segment = segments.get(i);
      String value = path.get(i);
      if (segment.variable() == null) {
        if (!segment.literal().equals(value)) {
          return Optional.empty();
        }
      } else if (segment.anyValue()) {
        if (!SAFE_SEGMENT.matcher(value).matches() || value.contains("..")) {
          return Optional.empty();
        }
        values.put(segment.variable(), value);
      } else {
        if (!Ids.isValid(value)) {
          badIds.add(segment);
        }
        values.put(segment.variable(), value);
      }
    }
    if (!badIds.isEmpty()) {
      throw new ProblemException(Problem.validation(badIds.stream()
          .map(s -> new Problem.FieldError(s.variable(), "must match [A-Za-z0-9_-]{1,64}"))
          .toList()));
    }
    return Optional.of(new PathParams(Map.copyOf(values)));
  }
}
