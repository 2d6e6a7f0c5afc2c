package dev.tuneloop.trainer.it;

import dev.tuneloop.testing.RealStack;
import dev.tuneloop.testing.RealStackResource;
import java.util.HashMap;
import java.util.Map;

/**
 * The real stack, plus a consumer group of this test run's own that starts at the latest offset and
 * trains only this run's models: other helpers' tests publish training requests on the same shared
 * Kafka, and this worker must neither take them nor be given this run's jobs' partitions by them.
 */
public class TrainerTestResource extends RealStackResource {

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(RealStack.get().quarkusConfig());
    config.put("tuneloop.trainer.consumer-group", TrainerFixtures.GROUP);
    config.put("tuneloop.trainer.auto-offset-reset", "latest");
    config.put("tuneloop.trainer.model-filter", TrainerFixtures.MODEL_PREFIX + ".*");
    return config;
  }
}
