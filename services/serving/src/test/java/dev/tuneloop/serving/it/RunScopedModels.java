package dev.tuneloop.serving.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;

/**
 * Makes the gateway under test serve only this run's models. The deployment-state topic is
 * compacted and read from the start, so without this every earlier run's test models would be
 * loaded again. The run id lives in a system property because the test resource and the test class
 * may be loaded by different class loaders.
 */
public class RunScopedModels implements QuarkusTestResourceLifecycleManager {

  private static final String PROPERTY = "serving-it.run-id";

  /** This JVM's run id (8 hex characters). */
  static String run() {
    synchronized (System.getProperties()) {
      String run = System.getProperty(PROPERTY);
      if (run == null) {
        run = UUID.randomUUID().toString().substring(0, 8);
        System.setProperty(PROPERTY, run);
      }
      return run;
    }
  }

  @Override
  public Map<String, String> start() {
    return Map.of("tuneloop.serving.model-filter", "it-serving-.*-" + run());
  }

  @Override
  public void stop() {}
}
