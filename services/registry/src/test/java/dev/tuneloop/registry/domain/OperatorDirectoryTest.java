package dev.tuneloop.registry.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tuneloop.registry.domain.OperatorDirectory.Operator;
import dev.tuneloop.registry.domain.OperatorDirectory.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorDirectoryTest {

  private final OperatorDirectory directory =
      new OperatorDirectory(
          List.of(
              new Operator("alice", "alice-token-0123456789", Role.OPERATOR),
              new Operator("victor", "victor-token-0123456789", Role.VIEWER)));

  @Test
  void findsTheOperatorOfABearerToken() {
    assertThat(directory.authenticate("Bearer alice-token-0123456789"))
        .map(Operator::name)
        .contains("alice");
    assertThat(directory.authenticate("bearer  victor-token-0123456789 "))
        .map(Operator::role)
        .contains(Role.VIEWER);
  }

  @Test
  void rejectsMissingMalformedAndUnknownTokens() {
    assertThat(directory.authenticate(null)).isEmpty();
    assertThat(directory.authenticate("alice-token-0123456789")).isEmpty();
    assertThat(directory.authenticate("Basic YWxpY2U6eA==")).isEmpty();
    assertThat(directory.authenticate("Bearer alice-token-012345678")).isEmpty();
    assertThat(directory.authenticate("Bearer ")).isEmpty();
  }

  @Test
  void refusesShortTokens() {
    assertThatThrownBy(
            () -> new OperatorDirectory(List.of(new Operator("bob", "short", Role.OPERATOR))))
        .hasMessageContaining("at least 16 characters");
  }
}
