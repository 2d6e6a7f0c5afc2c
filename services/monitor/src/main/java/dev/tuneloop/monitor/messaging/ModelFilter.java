package dev.tuneloop.monitor.messaging;

import dev.tuneloop.monitor.config.MonitorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Which models this monitor watches ({@code tuneloop.monitor.models-pattern}). */
@ApplicationScoped
public class ModelFilter {

  private final Pattern pattern;
  private final boolean all;

  ModelFilter(MonitorConfig config) {
    this.pattern = Pattern.compile(config.modelsPattern());
    this.all = config.modelsPattern().equals(".*");
  }

  /** Whether {@code model} is watched; an absent name is (the event decides later). */
  public boolean watches(@Nullable String model) {
    return all || model == null || pattern.matcher(model).matches();
  }
}
