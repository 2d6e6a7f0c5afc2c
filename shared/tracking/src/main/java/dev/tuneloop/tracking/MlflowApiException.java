package dev.tuneloop.tracking;

/**
 * MLflow answered a request with an error: the HTTP status, MLflow's {@code error_code} (e.g.
 * {@value #RESOURCE_DOES_NOT_EXIST}) and its message.
 */
public class MlflowApiException extends TrackingException {

  /** MLflow's error code for a name that is already taken (experiment, registered model). */
  public static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";

  /** MLflow's error code for a missing experiment, run, model, version or artifact. */
  public static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";

  /** MLflow's error code for a request it refused as invalid. */
  public static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";

  /** Used when the response carried no MLflow error body (e.g. a proxy's HTML error page). */
  public static final String UNKNOWN_ERROR_CODE = "UNKNOWN";

  private final String operation;
  private final int httpStatus;
  private final String errorCode;
  private final String serverMessage;

  /**
   * @param operation what was attempted, e.g. {@code create registered model 'spam'}
   * @param httpStatus the HTTP status of MLflow's answer
   * @param errorCode MLflow's {@code error_code}, or {@link #UNKNOWN_ERROR_CODE}
   * @param serverMessage MLflow's {@code message} (or the start of the response body)
   */
  public MlflowApiException(
      String operation, int httpStatus, String errorCode, String serverMessage) {
    super(
        "MLflow "
            + operation
            + " failed: HTTP "
            + httpStatus
            + " "
            + errorCode
            + (serverMessage.isBlank() ? "" : ": " + serverMessage));
    this.operation = operation;
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.serverMessage = serverMessage;
  }

  /** What was attempted. */
  public String operation() {
    return operation;
  }

  /** The HTTP status of MLflow's answer. */
  public int httpStatus() {
    return httpStatus;
  }

  /** MLflow's {@code error_code}, or {@link #UNKNOWN_ERROR_CODE} if the body carried none. */
  public String errorCode() {
    return errorCode;
  }

  /** MLflow's {@code message}. */
  public String serverMessage() {
    return serverMessage;
  }

  /** Whether MLflow answered with the given {@code error_code}. */
  public boolean hasErrorCode(String code) {
    return errorCode.equals(code);
  }

  /** Whether trying again later may succeed: HTTP 429 (rate limited) and 5xx. */
  public boolean isTransient() {
    return httpStatus == 429 || httpStatus >= 500;
  }
}
