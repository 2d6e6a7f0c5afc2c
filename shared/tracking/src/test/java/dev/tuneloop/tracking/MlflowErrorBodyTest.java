package dev.tuneloop.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MlflowErrorBodyTest {

  @Test
  void readsMlflowsErrorCodeAndMessage() {
    MlflowErrorBody body =
        MlflowErrorBody.parse(
            "{\"error_code\": \"RESOURCE_ALREADY_EXISTS\", \"message\": \"Registered Model"
                + " (name=spam) already exists.\", \"sqlstate\": \"KAM00\"}");

    MlflowApiException e = body.toException("create registered model 'spam'", 400);

    assertThat(e.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(e.isTransient()).isFalse();
    assertThat(e.getMessage())
        .isEqualTo(
            "MLflow create registered model 'spam' failed: HTTP 400 RESOURCE_ALREADY_EXISTS:"
                + " Registered Model (name=spam) already exists.");
  }

  @Test
  void keepsTheStartOfBodiesThatAreNotMlflowErrors() {
    MlflowErrorBody html = MlflowErrorBody.parse("<html>" + "x".repeat(1000) + "</html>");
    assertThat(html.errorCode()).isEqualTo(MlflowApiException.UNKNOWN_ERROR_CODE);
    assertThat(html.message()).startsWith("<html>").hasSize(503);

    assertThat(MlflowErrorBody.parse("").message()).isEmpty();
    assertThat(MlflowErrorBody.parse("{\"detail\": \"x\"}").errorCode()).isEqualTo("UNKNOWN");
  }
}
