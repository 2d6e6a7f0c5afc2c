package dev.tuneloop.registry.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operators allowed to command rollouts, found by their bearer token. Tokens are compared in
 * constant time.
 */
public final class OperatorDirectory {

  /** What an operator may do. */
  public enum Role {
    /** May read only; rollout commands answer 403. */
    VIEWER,
    /** May command rollouts. */
    OPERATOR
  }

  /**
   * One configured operator.
   *
   * @param name who, as written to the audit trail
   * @param token the secret bearer token
   * @param role what they may do
   */
  public record Operator(String name, String token, Role role) {}

  private final List<Operator> operators;

  /** A directory of {@code operators}; tokens shorter than 16 characters are refused. */
  public OperatorDirectory(List<Operator> operators) {
    for (Operator operator : operators) {
      if (operator.token() == null || operator.token().length() < 16) {
        throw new IllegalArgumentException(
            "the token of operator '" + operator.name() + "' must have at least 16 characters");
      }
    }
    this.operators = List.copyOf(operators);
  }

  /** A directory from name -> (token, role) settings. */
  public static OperatorDirectory of(Map<String, Map.Entry<String, Role>> byName) {
    return new OperatorDirectory(
        byName.entrySet().stream()
            .map(e -> new Operator(e.getKey(), e.getValue().getKey(), e.getValue().getValue()))
            .toList());
  }

  /**
   * The operator an {@code Authorization} header value ({@code Bearer <token>}) identifies; empty
   * when the header is missing, malformed or the token unknown.
   */
  public Optional<Operator> authenticate(String authorizationHeader) {
    if (authorizationHeader == null) {
      return Optional.empty();
    }
    String value = authorizationHeader.strip();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] presented = value.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    Operator found = null;
    for (Operator operator : operators) {
      // No early exit: every configured token is compared.
      if (MessageDigest.isEqual(presented, operator.token().getBytes(StandardCharsets.UTF_8))) {
        found = operator;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Whether any operator is configured. */
  public boolean isEmpty() {
    return operators.isEmpty();
  }
}
