package dev.tuneloop.testing;

/**
 * The real Kafka, MinIO and MLflow servers shared by all tests of one JVM.
 *
 * <p>With a Docker engine the servers are Testcontainers; without one they are the local processes
 * of {@code deploy/local/tuneloop} (started if they are not running). {@code TUNELOOP_STACK} forces
 * a mode: {@code testcontainers}, {@code local} or {@code external}. The mode used is printed.
 */
public final class RealStack {

  private static StackEndpoints endpoints;

  private RealStack() {}

  /** The endpoints of the running stack, starting it on first use. */
  public static synchronized StackEndpoints get() {
    if (endpoints == null) {
      endpoints = start();
    }
    return endpoints;
  }

  private static StackEndpoints start() {
    // Implemented by the local-stack work (issue 2): Testcontainers, local processes, external.
    throw new IllegalStateException("RealStack is not implemented yet");
  }
}
