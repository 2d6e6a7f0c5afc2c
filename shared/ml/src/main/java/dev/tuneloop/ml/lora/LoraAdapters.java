package dev.tuneloop.ml.lora;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.ml.model.BertEncoder;
import dev.tuneloop.ml.model.DenseLayer;
import dev.tuneloop.ml.model.ModelArtifact;
import dev.tuneloop.ml.weights.Safetensors;
import dev.tuneloop.ml.weights.WeightTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * LoRA adapters on an encoder's Linear layers, stored the way Hugging Face PEFT stores them: {@code
 * adapter_config.json} and {@code adapter_model.safetensors} with tensors named {@code
 * base_model.model.<module>.lora_A.weight} [r, in] and {@code ...lora_B.weight} [out, r]. Such a
 * folder loads in Python with {@code PeftModel.from_pretrained(AutoModel.from_pretrained(base),
 * folder)}.
 */
public final class LoraAdapters {

  /** Adapter weights file name. */
  public static final String WEIGHTS_FILE = ModelArtifact.ADAPTER_WEIGHTS_FILE;

  /** Adapter config file name. */
  public static final String CONFIG_FILE = "adapter_config.json";

  private static final String PEFT_PREFIX = "base_model.model.";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LoraAdapters() {}

  /**
   * Attaches fresh adapters to every targeted Linear layer: A drawn as PEFT does (Kaiming-uniform
   * with a = sqrt(5), i.e. uniform(-1/sqrt(in), 1/sqrt(in))), B zero, so the adapted model starts
   * out identical to the base.
   *
   * @return the adapted layers by module path
   * @throws IllegalArgumentException if no layer matches the targets
   */
  public static Map<String, DenseLayer> attach(
      BertEncoder encoder, LoraConfig config, NDManager manager, long seed) {
    Random random = new Random(seed);
    Map<String, DenseLayer> adapted = targetedLayers(encoder, config);
    for (DenseLayer layer : adapted.values()) {
      int in = layer.inFeatures();
      float bound = (float) (1 / Math.sqrt(in));
      float[] a = new float[config.r() * in];
      for (int i = 0; i < a.length; i++) {
        a[i] = (random.nextFloat() * 2 - 1) * bound;
      }
      layer.attachLora(
          manager.create(a, new Shape(config.r(), in)),
          manager.zeros(new Shape(layer.outFeatures(), config.r())),
          config.scale(),
          (float) config.dropout());
    }
    return adapted;
  }

  /** The layers a config targets, by module path. */
  public static Map<String, DenseLayer> targetedLayers(BertEncoder encoder, LoraConfig config) {
    Map<String, DenseLayer> out = new LinkedHashMap<>();
    encoder
        .denseLayers()
        .forEach(
            (path, layer) -> {
              if (config.targets(path)) {
                out.put(path, layer);
              }
            });
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "LoRA target modules "
              + config.targetModules()
              + " match no Linear layer; available: "
              + encoder.denseLayers().keySet());
    }
    return out;
  }

  /** The adapter tensors of an encoder, by PEFT name, copied to host memory. */
  public static List<WeightTensor> export(BertEncoder encoder) {
    List<WeightTensor> tensors = new ArrayList<>();
    encoder
        .denseLayers()
        .forEach(
            (path, layer) -> {
              if (layer.hasLora()) {
                tensors.add(
                    WeightTensor.fromNDArray(
                        PEFT_PREFIX + path + ".lora_A.weight", layer.loraA().getArray()));
                tensors.add(
                    WeightTensor.fromNDArray(
                        PEFT_PREFIX + path + ".lora_B.weight", layer.loraB().getArray()));
              }
            });
    return tensors;
  }

  /**
   * Writes {@code adapter_config.json} and {@code adapter_model.safetensors} into {@code
   * directory}.
   *
   * @param baseModelName recorded as {@code base_model_name_or_path}
   */
  public static void save(
      Path directory, BertEncoder encoder, LoraConfig config, String baseModelName)
      throws IOException {
    List<WeightTensor> tensors = export(encoder);
    if (tensors.isEmpty()) {
      throw new IllegalStateException("The encoder has no (unmerged) LoRA adapters to save");
    }
    Files.createDirectories(directory);
    Safetensors.write(directory.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
    ObjectNode json = JSON.createObjectNode();
    json.putObject("alpha_pattern");
    json.putNull("auto_mapping");
    json.put("base_model_name_or_path", baseModelName);
    json.put("bias", "none");
    json.put("fan_in_fan_out", false);
    json.put("inference_mode", true);
    json.put("init_lora_weights", true);
    json.putNull("layers_pattern");
    json.putNull("layers_to_transform");
    if (config.alpha() == Math.rint(config.alpha())) {
      json.put("lora_alpha", (long) config.alpha());
    } else {
      json.put("lora_alpha", config.alpha());
    }
    json.put("lora_dropout", config.dropout());
    json.putNull("modules_to_save");
    json.put("peft_type", "LORA");
    json.put("r", config.r());
    json.putObject("rank_pattern");
    json.putNull("revision");
    var targets = json.putArray("target_modules");
    config.targetModules().forEach(targets::add);
    json.put("task_type", "FEATURE_EXTRACTION");
    json.put("use_dora", false);
    json.put("use_rslora", config.useRslora());
    JSON.writeValue(directory.resolve(CONFIG_FILE).toFile(), json);
  }

  /**
   * Reads {@code adapter_config.json}.
   *
   * @throws IOException if missing or using PEFT features this encoder does not implement (the
   *     message names the field)
   */
  public static LoraConfig readConfig(Path directory) throws IOException {
    Path file = directory.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException("No " + CONFIG_FILE + " in " + directory);
    }
    JsonNode json = JSON.readTree(file.toFile());
    if (!"LORA".equals(json.path("peft_type").asText("LORA"))) {
      throw new IOException(file + ": peft_type " + json.get("peft_type") + " is not LORA");
    }
    requireAbsentOrDefault(file, json, "bias", "none");
    if (json.path("fan_in_fan_out").asBoolean(false)) {
      throw new IOException(file + ": fan_in_fan_out adapters (GPT-2 Conv1D) are not supported");
    }
    if (json.path("use_dora").asBoolean(false)) {
      throw new IOException(file + ": DoRA adapters are not supported");
    }
    for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
      if (json.has(pattern) && json.get(pattern).size() > 0) {
        throw new IOException(file + ": per-module " + pattern + " is not supported");
      }
    }
    JsonNode targets = json.path("target_modules");
    List<String> modules = new ArrayList<>();
    if (targets.isArray()) {
      targets.forEach(t -> modules.add(t.asText()));
    } else if (targets.isTextual()) {
      // PEFT treats a string as a regular expression over full module names; a plain word means
      // the same thing as a one-element list, anything else is not supported here.
      String target = targets.asText();
      if (!target.matches("[A-Za-z0-9_.]+")) {
        throw new IOException(
            file
                + ": regular-expression target_modules '"
                + target
                + "' is not supported; list the module names");
      }
      modules.add(target);
    }
    return new LoraConfig(
        json.path("r").asInt(8),
        json.path("lora_alpha").asDouble(8),
        json.path("lora_dropout").asDouble(0),
        modules,
        json.path("use_rslora").asBoolean(false));
  }

  private static void requireAbsentOrDefault(
      Path file, JsonNode json, String field, String expected) throws IOException {
    if (json.has(field)
        && !json.get(field).isNull()
        && !expected.equals(json.get(field).asText())) {
      throw new IOException(
          file
              + ": "
              + field
              + "="
              + json.get(field)
              + " is not supported (only "
              + expected
              + ")");
    }
  }

  /**
   * Loads adapters saved by {@link #save} (or by PEFT) and attaches them to the encoder.
   *
   * @return the config read
   * @throws IOException if files are missing or the tensors do not fit the encoder
   */
  public static LoraConfig load(Path directory, BertEncoder encoder, NDManager manager)
      throws IOException {
    LoraConfig config = readConfig(directory);
    Path weightsFile = directory.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(weightsFile)) {
      throw new IOException("No " + WEIGHTS_FILE + " in " + directory);
    }
    Map<String, WeightTensor> tensors = new LinkedHashMap<>();
    for (WeightTensor tensor : Safetensors.read(weightsFile).tensors().values()) {
      tensors.put(modulePath(tensor.name()), tensor);
    }
    Map<String, DenseLayer> layers = encoder.denseLayers();
    int attached = 0;
    for (Map.Entry<String, DenseLayer> entry : layers.entrySet()) {
      WeightTensor a = tensors.remove(entry.getKey() + ".lora_A.weight");
      WeightTensor b = tensors.remove(entry.getKey() + ".lora_B.weight");
      if (a == null && b == null) {
        continue;
      }
      if (a == null || b == null) {
        throw new IOException(
            weightsFile + ": " + entry.getKey() + " has only one of lora_A and lora_B");
      }
      try {
        entry
            .getValue()
            .attachLora(
                a.toNDArray(manager, DataType.FLOAT32),
                b.toNDArray(manager, DataType.FLOAT32),
                config.scale(),
                (float) config.dropout());
      } catch (IllegalArgumentException e) {
        throw new IOException(weightsFile + ": " + entry.getKey() + ": " + e.getMessage(), e);
      }
      attached++;
    }
    if (!tensors.isEmpty()) {
      throw new IOException(
          weightsFile + ": tensors match no Linear layer of the encoder: " + tensors.keySet());
    }
    if (attached == 0) {
      throw new IOException(weightsFile + " holds no LoRA tensors");
    }
    return config;
  }

  /** Merges every attached adapter into its base weight (see {@link DenseLayer#mergeLora()}). */
  public static int merge(BertEncoder encoder) {
    int merged = 0;
    for (DenseLayer layer : encoder.denseLayers().values()) {
      if (layer.hasLora()) {
        layer.mergeLora();
        merged++;
      }
    }
    return merged;
  }

  private static final Pattern ADAPTER_NAME =
      Pattern.compile("\\.lora_[AB]\\.(?:[^.]+\\.)?weight$");

  /**
   * Strips PEFT's {@code base_model.model.} and a {@code bert.} prefix, and an adapter name ({@code
   * lora_A.default.weight}) that some PEFT versions keep, leaving {@code <module>.lora_A.weight}.
   */
  static String modulePath(String name) {
    String path = name.startsWith(PEFT_PREFIX) ? name.substring(PEFT_PREFIX.length()) : name;
    if (path.startsWith("bert.")) {
      path = path.substring("bert.".length());
    }
    var matcher = ADAPTER_NAME.matcher(path);
    if (matcher.find()) {
      String which = path.substring(matcher.start() + 1, matcher.start() + 7);
      path = path.substring(0, matcher.start()) + "." + which + ".weight";
    }
    return path;
  }
}
