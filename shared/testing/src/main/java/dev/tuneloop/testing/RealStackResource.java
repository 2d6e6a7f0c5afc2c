package dev.tuneloop.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource that points a service at the real servers of {@link RealStack}.
 *
 * <p>Use with {@code @QuarkusTestResource(RealStackResource.class)} (or {@code @WithTestResource}).
 */
public class RealStackResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    return RealStack.get().quarkusConfig();
  }

  @Override
  public void stop() {
    // The stack is shared by every test of the JVM and by later runs; it is not stopped here.
  }
}
