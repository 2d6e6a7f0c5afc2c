package dev.tuneloop.curation.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneloop.curation.domain.BatchIngestor;
import dev.tuneloop.events.DataIngested;
import dev.tuneloop.events.EventEnvelope;
import dev.tuneloop.events.TuneloopEvent;
import dev.tuneloop.storage.Buckets;
import dev.tuneloop.storage.ObjectInfo;
import dev.tuneloop.storage.ObjectStore;
import dev.tuneloop.storage.ObjectStream;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Translates MinIO bucket notifications ({@code tuneloop.raw.notifications}) for objects written
 * into {@code tuneloop-raw/<dataset>/...} by any S3 client into {@code tuneloop.data.ingested}. The
 * batch id comes from the object's SHA-256 (hashed here when the writer did not record it), so the
 * same file written twice is curated once. Objects under {@code <dataset>/uploads/} are the REST
 * API's own, already announced. A notification that names no dataset goes to the dead-letter topic.
 */
@ApplicationScoped
public class RawNotificationConsumer {

  private static final Logger LOG = Logger.getLogger(RawNotificationConsumer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectStore store;
  private final EventPublisher publisher;

  RawNotificationConsumer(ObjectStore store, EventPublisher publisher) {
    this.store = store;
    this.publisher = publisher;
  }

  /** Announces each created object of the notification. */
  @Incoming("raw-notifications")
  @Blocking
  public CompletionStage<Void> consume(Message<byte[]> message) {
    try {
      JsonNode root = JSON.readTree(message.getPayload());
      JsonNode records = root == null ? null : root.get("Records");
      if (records == null || !records.isArray()) {
        throw new IllegalArgumentException("not an S3 event notification: no 'Records' array");
      }
      for (JsonNode record : records) {
        String eventName = record.path("eventName").asText("");
        String bucket = record.path("s3").path("bucket").path("name").asText("");
        String key =
            URLDecoder.decode(
                record.path("s3").path("object").path("key").asText(""), StandardCharsets.UTF_8);
        if (!eventName.startsWith("s3:ObjectCreated") || !Buckets.RAW.equals(bucket)) {
          continue;
        }
        announce(key);
      }
      return message.ack();
    } catch (IOException | RuntimeException e) {
      return message.nack(e);
    }
  }

  private void announce(String key) {
    int slash = key.indexOf('/');
    if (slash <= 0 || slash == key.length() - 1) {
      throw new IllegalArgumentException(
          "object '" + key + "' is not in a dataset folder: write raw batches to <dataset>/<file>");
    }
    String dataset = key.substring(0, slash);
    if (!dataset.matches(TuneloopEvent.NAME_REGEX)) {
      throw new IllegalArgumentException(
          "object '" + key + "': '" + dataset + "' is not a valid dataset name");
    }
    if (key.startsWith(dataset + "/uploads/")) {
      return; // the REST upload announced it already
    }
    ObjectInfo info = store.stat(Buckets.RAW, key);
    String sha256 = info.sha256().orElseGet(() -> hash(key));
    DataIngested event =
        new DataIngested(
            dataset,
            BatchIngestor.batchId(sha256),
            "s3://" + Buckets.RAW + "/" + key,
            DataIngested.Format.valueOf(BatchIngestor.formatOf(key).name()),
            DataIngested.Source.BUCKET_NOTIFICATION,
            info.size(),
            null,
            sha256,
            Instant.now());
    publisher.publish(EventEnvelope.startLoop(event, BatchIngestor.SOURCE));
    LOG.infof("dataset %s: %s written by an S3 client -> batch %s", dataset, key, event.batchId());
  }

  private String hash(String key) {
    try (ObjectStream in = store.get(Buckets.RAW, key);
        InputStream digesting = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"))) {
      digesting.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) digesting).getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read s3://" + Buckets.RAW + "/" + key, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
