package dev.tuneloop.ml.tiny;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneloop.ml.model.BaseModelFolder;
import dev.tuneloop.ml.model.BertConfig;
import dev.tuneloop.ml.model.BertEncoder;
import dev.tuneloop.ml.weights.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Tiny random-initialised BERT models and synthetic spam/ham datasets, so tests of the fine-tuning
 * core and of the services that use it run in seconds. Not for real models.
 */
public final class TinyModels {

  /** Words of the synthetic "spam" class. */
  public static final List<String> SPAM_WORDS =
      List.of(
          "win", "prize", "free", "money", "click", "offer", "cash", "urgent", "winner", "cheap");

  /** Words of the synthetic "ham" class. */
  public static final List<String> HAM_WORDS =
      List.of(
          "meeting",
          "project",
          "report",
          "lunch",
          "team",
          "schedule",
          "review",
          "notes",
          "agenda",
          "call");

  /** Words shared by both classes. */
  public static final List<String> FILLER =
      List.of("the", "a", "to", "you", "we", "for", "today", "now", "this", "please", "and", "of");

  private static final ObjectMapper JSON = new ObjectMapper();

  private TinyModels() {}

  /** A tiny config: hidden 16, 2 layers, 2 heads, feed-forward 32, 64 positions. */
  public static BertConfig config(int vocabSize) {
    return BertConfig.of(vocabSize, 16, 2, 2, 32, 64);
  }

  /**
   * Writes a tiny base-model folder: a WordPiece tokenizer.json over the synthetic words plus
   * single characters, its config.json, and random weights (seeded) in model.safetensors.
   */
  public static BaseModelFolder baseModel(Path directory, long seed) throws IOException {
    Files.createDirectories(directory);
    List<String> vocab = vocabulary();
    Files.writeString(directory.resolve(BaseModelFolder.TOKENIZER_FILE), tokenizerJson(vocab));
    BertConfig config = config(vocab.size());
    config.write(directory.resolve(BertConfig.FILE_NAME));
    try (NDManager manager = NDManager.newBaseManager()) {
      BertEncoder encoder = new BertEncoder(config);
      encoder.initializeRandom(manager, seed);
      Safetensors.write(
          directory.resolve(BaseModelFolder.WEIGHTS_FILE),
          encoder.exportWeights(),
          Map.of("format", "pt"));
    }
    return BaseModelFolder.open(directory);
  }

  /**
   * Writes train/validation/test JSONL of short synthetic texts labelled spam or ham: each text
   * mixes filler with words of its class (and, for a fifth of texts, one word of the other class).
   */
  public static Path dataset(Path directory, int train, int validation, int test, long seed)
      throws IOException {
    Files.createDirectories(directory);
    Random random = new Random(seed);
    writeSplit(directory.resolve("train.jsonl"), train, random, "t");
    writeSplit(directory.resolve("validation.jsonl"), validation, random, "v");
    writeSplit(directory.resolve("test.jsonl"), test, random, "s");
    return directory;
  }

  private static void writeSplit(Path file, int count, Random random, String prefix)
      throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean spam = i % 2 == 0;
      List<String> own = spam ? SPAM_WORDS : HAM_WORDS;
      List<String> other = spam ? HAM_WORDS : SPAM_WORDS;
      List<String> words = new ArrayList<>();
      int length = 4 + random.nextInt(8);
      for (int w = 0; w < length; w++) {
        words.add(
            random.nextInt(3) == 0
                ? own.get(random.nextInt(own.size()))
                : FILLER.get(random.nextInt(FILLER.size())));
      }
      words.add(own.get(random.nextInt(own.size())));
      if (random.nextInt(5) == 0) {
        words.add(other.get(random.nextInt(other.size())));
      }
      java.util.Collections.shuffle(words, random);
      ObjectNode record = JSON.createObjectNode();
      record.put("id", prefix + i);
      record.put("text", String.join(" ", words));
      record.put("label", spam ? "spam" : "ham");
      lines.add(JSON.writeValueAsString(record));
    }
    Files.write(file, lines);
  }

  private static List<String> vocabulary() {
    List<String> vocab = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    vocab.addAll(SPAM_WORDS);
    vocab.addAll(HAM_WORDS);
    vocab.addAll(FILLER);
    for (char c = 'a'; c <= 'z'; c++) {
      vocab.add(String.valueOf(c));
      vocab.add("##" + c);
    }
    for (char c = '0'; c <= '9'; c++) {
      vocab.add(String.valueOf(c));
      vocab.add("##" + c);
    }
    for (char c : ".,!?'\"$:;-()".toCharArray()) {
      vocab.add(String.valueOf(c));
    }
    return vocab;
  }

  private static String tokenizerJson(List<String> vocab) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int id = 0; id < 5; id++) {
      ObjectNode token = added.addObject();
      token.put("id", id);
      token.put("content", vocab.get(id));
      token.put("single_word", false);
      token.put("lstrip", false);
      token.put("rstrip", false);
      token.put("normalized", false);
      token.put("special", true);
    }
    ObjectNode normalizer = root.putObject("normalizer");
    normalizer.put("type", "BertNormalizer");
    normalizer.put("clean_text", true);
    normalizer.put("handle_chinese_chars", true);
    normalizer.putNull("strip_accents");
    normalizer.put("lowercase", true);
    root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    single.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
    ArrayNode pair = post.putArray("pair");
    pair.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
    pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 1);
    ObjectNode special = post.putObject("special_tokens");
    for (String name : List.of("[CLS]", "[SEP]")) {
      ObjectNode entry = special.putObject(name);
      entry.put("id", name);
      entry.putArray("ids").add(vocab.indexOf(name));
      entry.putArray("tokens").add(name);
    }
    ObjectNode decoder = root.putObject("decoder");
    decoder.put("type", "WordPiece");
    decoder.put("prefix", "##");
    decoder.put("cleanup", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "WordPiece");
    model.put("unk_token", "[UNK]");
    model.put("continuing_subword_prefix", "##");
    model.put("max_input_chars_per_word", 100);
    ObjectNode ids = model.putObject("vocab");
    for (int i = 0; i < vocab.size(); i++) {
      ids.put(vocab.get(i), i);
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }
}
