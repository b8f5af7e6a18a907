package org.dispatchengine.engine;

import org.apache.pekko.pattern.StatusReply;

import java.util.Optional;

/**
 * Why an entity refused a command. Entities answer with {@code StatusReply.error(text)}, whose text Pekko serializes
 * safely across nodes; the text starts with the rejection's code, so the HTTP layer can map it to a status without
 * sending exception classes over the wire.
 */
public enum Rejection {
  NOT_FOUND("not_found"),
  CONFLICT("conflict"),
  INVALID("invalid"),
  FORBIDDEN("forbidden");

  private static final String SEPARATOR = ": ";
  private static final String FIELD_SEPARATOR = " | ";
  private final String code;

  Rejection(String code) {
    this.code = code;
  }

  public <T> StatusReply<T> reply(String detail) {
    return StatusReply.error(code + SEPARATOR + detail);
  }

  /** A refusal about one field of the request; the detail reads {@code field | message}. */
  public <T> StatusReply<T> replyField(String field, String message) {
    return reply(field + FIELD_SEPARATOR + message);
  }

  /** The rejection encoded in an error text produced by {@link #reply}, with its detail. */
  public static Optional<Parsed> parse(String errorText) {
    if (errorText == null) {
      return Optional.empty();
    }
    for (Rejection rejection : values()) {
      String prefix = rejection.code + SEPARATOR;
      if (errorText.startsWith(prefix)) {
        return Optional.of(new Parsed(rejection, errorText.substring(prefix.length())));
      }
    }
    return Optional.empty();
  }

  /** Refuses a request outside an entity, as an entity's reply would: {@code field} may be null. */
  public RuntimeException refusal(String field, String detail) {
    return new Refused(this, field, detail);
  }

  /** A refusal raised by a service rather than replied by an entity; rendered exactly like one. */
  public static final class Refused extends RuntimeException {
    private final transient Rejection rejection;
    private final String field;

    Refused(Rejection rejection, String field, String detail) {
      super(detail, null, false, false);
      this.rejection = rejection;
      this.field = field;
    }

    public Parsed parsed() {
      return new Parsed(rejection, field == null ? getMessage() : field + FIELD_SEPARATOR + getMessage());
    }
  }

  public record Parsed(Rejection rejection, String detail) {
    /** The field a {@link #replyField} refusal names, if it names one. */
    public java.util.Optional<String> field() {
      int at = detail.indexOf(FIELD_SEPARATOR);
      return at < 0 ? java.util.Optional.empty() : java.util.Optional.of(detail.substring(0, at));
    }

    /** The detail without the field. */
    public String message() {
      int at = detail.indexOf(FIELD_SEPARATOR);
      return at < 0 ? detail : detail.substring(at + FIELD_SEPARATOR.length());
    }
  }
}
