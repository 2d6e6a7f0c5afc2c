package dev.tuneloop.tracking;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;
import org.mlflow_project.apachehttp.client.config.RequestConfig;
import org.mlflow_project.apachehttp.impl.client.CloseableHttpClient;
import org.mlflow_project.apachehttp.impl.client.HttpClientBuilder;

/**
 * Builds an {@link MlflowClient} whose HTTP calls have timeouts and make exactly one attempt.
 *
 * <p>Why the reflection: the 2.17.2 client builds its HTTP caller with no connect or read timeout
 * (a hung server blocks the caller forever) and retries every HTTP error, 4xx included, three times
 * without waiting, plus 429s for up to a minute. It offers no public way to change that. Its
 * caller, however, has a constructor meant for injection that takes the retry settings and an HTTP
 * client; this factory builds the caller through it (no retries, our timeouts) and puts it into the
 * client. All retrying is then done by {@link Retrier}, the same way as for the REST calls. The
 * version of the client is pinned; a test fails if these internals change.
 */
final class MlflowJavaClientFactory {

  private static final String CALLER_CLASS = "org.mlflow.tracking.MlflowHttpCaller";

  private MlflowJavaClientFactory() {}

  static MlflowClient create(TrackingSettings settings) {
    MlflowHostCredsProvider credentials = new BasicMlflowHostCreds(settings.uri().toString());
    MlflowClient client = new MlflowClient(credentials);
    RequestConfig timeouts =
        RequestConfig.custom()
            .setConnectTimeout(toMillis(settings.connectTimeout()))
            .setConnectionRequestTimeout(toMillis(settings.requestTimeout()))
            .setSocketTimeout(toMillis(settings.requestTimeout()))
            .build();
    CloseableHttpClient http =
        HttpClientBuilder.create()
            .setDefaultRequestConfig(timeouts)
            // The Retrier decides about retries; Apache's own retry handler would add silent ones.
            .disableAutomaticRetries()
            .build();
    try {
      Class<?> callerClass = Class.forName(CALLER_CLASS, true, MlflowClient.class.getClassLoader());
      Constructor<?> constructor =
          callerClass.getDeclaredConstructor(
              MlflowHostCredsProvider.class,
              int.class,
              int.class,
              int.class,
              CloseableHttpClient.class);
      constructor.setAccessible(true);
      // maxRateLimitIntervalMs = 0 (no 429 loop), sleep 0, maxRetryAttempts = 1 (one attempt)
      Object caller = constructor.newInstance(credentials, 0, 0, 1, http);
      Field field = MlflowClient.class.getDeclaredField("httpCaller");
      field.setAccessible(true);
      field.set(client, caller);
      return client;
    } catch (ReflectiveOperationException | RuntimeException internalsChanged) {
      client.close();
      closeQuietly(http, internalsChanged);
      throw new IllegalStateException(
          "Cannot configure org.mlflow:mlflow-client (expected version 2.17.2): its internal HTTP"
              + " caller changed, so timeouts and retries cannot be set. Pin mlflow-client to"
              + " 2.17.2 or update MlflowJavaClientFactory.",
          internalsChanged);
    }
  }

  private static int toMillis(java.time.Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
  }

  private static void closeQuietly(CloseableHttpClient http, Exception primary) {
    try {
      http.close();
    } catch (java.io.IOException closing) {
      primary.addSuppressed(closing);
    }
  }
}
