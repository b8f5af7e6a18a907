package org.dispatchengine.http.api;

import java.util.List;

/** Ends a request with a problem response; thrown by validation and authorization code, rendered in one place. */
public final class ProblemException extends RuntimeException {
  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public static ProblemException of(int status, String detail) {
    return new ProblemException(Problem.of(status, detail));
  }

  public static ProblemException invalid(String field, String message) {
    return new ProblemException(Problem.validation(List.of(new Problem.FieldError(field, message))));
  }

  public Problem problem() {
    return problem;
  }
}
