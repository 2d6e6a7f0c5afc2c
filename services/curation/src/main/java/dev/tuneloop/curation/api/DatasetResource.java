package dev.tuneloop.curation.api;

import dev.tuneloop.curation.domain.BatchIngestor;
import dev.tuneloop.curation.domain.CurationPipeline;
import dev.tuneloop.curation.domain.DatasetRepository;
import dev.tuneloop.curation.domain.MalformedBatchException;
import dev.tuneloop.curation.domain.Manifest;
import dev.tuneloop.curation.domain.RecordReader;
import dev.tuneloop.curation.domain.UploadTooLargeException;
import dev.tuneloop.events.TuneloopEvent;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The curation REST API: uploads, batch outcomes, dataset versions. */
@Path("/api/v1/datasets/{dataset}")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

  private static final Pattern DATASET = Pattern.compile(TuneloopEvent.NAME_REGEX);
  private static final Pattern BATCH = Pattern.compile("b-[0-9a-f]{32}");
  private static final Pattern VERSION = Pattern.compile("v?([1-9][0-9]{0,8})");

  private final BatchIngestor ingestor;
  private final DatasetRepository repository;
  private final CurationPipeline pipeline;

  DatasetResource(BatchIngestor ingestor, DatasetRepository repository, CurationPipeline pipeline) {
    this.ingestor = ingestor;
    this.repository = repository;
    this.pipeline = pipeline;
  }

  /**
   * Stores a raw batch (NDJSON: {@code application/x-ndjson}, {@code application/jsonl} or {@code
   * application/json}; CSV: {@code text/csv}), streamed, and queues it for curation.
   */
  @POST
  @Path("/records")
  @Consumes(MediaType.WILDCARD)
  public Response upload(
      @PathParam("dataset") String dataset,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      InputStream body) {
    Response invalid = checkDataset(dataset);
    if (invalid != null) {
      return invalid;
    }
    RecordReader.Format format = formatOf(contentType);
    if (format == null) {
      return ApiError.response(
          415,
          "unsupported_media_type",
          "Content-Type '"
              + contentType
              + "' is not supported: send application/x-ndjson (one JSON record per line) or"
              + " text/csv (header id,text,label)");
    }
    try {
      BatchIngestor.StoredBatch stored = ingestor.ingest(dataset, format, body);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("dataset", dataset);
      answer.put("batchId", stored.batchId());
      answer.put("rawUri", stored.rawUri());
      answer.put("sizeBytes", stored.sizeBytes());
      answer.put("sha256", stored.sha256());
      String status = "/api/v1/datasets/" + dataset + "/batches/" + stored.batchId();
      answer.put("status", status);
      return Response.accepted(answer).location(URI.create(status)).build();
    } catch (UploadTooLargeException e) {
      return ApiError.response(413, "upload_too_large", e.getMessage());
    } catch (MalformedBatchException e) {
      return ApiError.response(400, "malformed_batch", e.getMessage());
    }
  }

  /** The outcome of a batch. */
  @GET
  @Path("/batches/{batchId}")
  public Response batch(
      @PathParam("dataset") String dataset, @PathParam("batchId") String batchId) {
    Response invalid = checkDataset(dataset);
    if (invalid != null) {
      return invalid;
    }
    if (!BATCH.matcher(batchId).matches()) {
      return ApiError.response(400, "invalid_batch_id", "batch ids look like b-<32 hex digits>");
    }
    return repository
        .batchStatus(dataset, batchId)
        .map(s -> Response.ok(s).build())
        .orElseGet(
            () ->
                ApiError.response(
                    404, "batch_not_found", "no batch " + batchId + " in dataset " + dataset));
  }

  /** The dataset's versions with their split sizes, oldest first. */
  @GET
  @Path("/versions")
  public Response versions(@PathParam("dataset") String dataset) {
    Response invalid = checkDataset(dataset);
    if (invalid != null) {
      return invalid;
    }
    List<Map<String, Object>> versions = new ArrayList<>();
    for (int v : repository.versions(dataset)) {
      Manifest m = repository.manifest(dataset, v).orElseThrow();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("version", v);
      entry.put("createdAt", m.createdAt());
      entry.put(
          "manifestUri", "s3://tuneloop-datasets/" + DatasetRepository.manifestKey(dataset, v));
      m.splits().forEach((split, s) -> entry.put(split, s.records()));
      entry.put("batches", m.batches().stream().map(Manifest.BatchLineage::batchId).toList());
      versions.add(entry);
    }
    return Response.ok(Map.of("dataset", dataset, "versions", versions)).build();
  }

  /** A version's manifest. */
  @GET
  @Path("/versions/{version}")
  public Response version(
      @PathParam("dataset") String dataset, @PathParam("version") String version) {
    Response invalid = checkDataset(dataset);
    if (invalid != null) {
      return invalid;
    }
    var matcher = VERSION.matcher(version);
    if (!matcher.matches()) {
      return ApiError.response(
          400,
          "invalid_version",
          "a version is a positive number, e.g. 3 or v3; got '" + version + "'");
    }
    int number = Integer.parseInt(matcher.group(1));
    return repository
        .manifest(dataset, number)
        .map(m -> Response.ok(m).build())
        .orElseGet(
            () ->
                ApiError.response(
                    404, "version_not_found", "dataset " + dataset + " has no version " + number));
  }

  /**
   * Withdraws a record from the cross-version index, so it no longer blocks its duplicates in later
   * batches. Published versions are immutable and keep it.
   */
  @DELETE
  @Path("/index/{recordId}")
  public Response withdraw(
      @PathParam("dataset") String dataset, @PathParam("recordId") String recordId) {
    Response invalid = checkDataset(dataset);
    if (invalid != null) {
      return invalid;
    }
    repository.withdraw(dataset, recordId);
    pipeline.invalidate(dataset);
    return Response.noContent().build();
  }

  private static Response checkDataset(String dataset) {
    if (dataset == null || !DATASET.matcher(dataset).matches()) {
      return ApiError.response(
          400,
          "invalid_dataset_name",
          "dataset names are 1-128 characters of letters, digits, '.', '_' and '-', starting with a"
              + " letter or digit");
    }
    return null;
  }

  static RecordReader.Format formatOf(String contentType) {
    if (contentType == null) {
      return null;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/json" ->
          RecordReader.Format.NDJSON;
      case "text/csv" -> RecordReader.Format.CSV;
      default -> null;
    };
  }
}
