package org.ecgstream.model.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.util.ModelSerializer;
import org.ecgstream.model.beats.BeatClassifier;
import org.ecgstream.model.nn.Architecture;
import org.ecgstream.model.nn.AutoencoderFactory;
import org.ecgstream.model.nn.Variant;
import org.ecgstream.model.scoring.ErrorScore;

/**
 * Reads and writes the one-file model artifact: a zip holding {@code metadata.json} and
 * {@code network.bin} (DL4J's format, without optimizer state). Loading checks the format
 * version, the binding between metadata and weights, and the network's shape.
 */
public final class ModelFile {
  /**
   * The newest format this build writes and reads. Format 2 added the error score
   * ({@link ModelMetadata#errorScore()}) and the architecture's variant; a reconstruction model
   * scored by its summed loss is still written as format 1, which releases before it read. Format 3
   * added the latent-target variant, whose errors are not in the input's units; only its models
   * are written as format 3, so that format-2 readers refuse them by their version.
   */
  public static final int FORMAT_VERSION = 3;
  static final String METADATA = "metadata.json";
  static final String NETWORK = "network.bin";
  /** Optional: the ventricular-beat classifier ({@link BeatClassifier}); readers before it ignore the entry. */
  static final String CLASSIFIER = "beat-classifier.bin";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ModelFile() {}

  public static ObjectMapper json() {
    return JSON;
  }

  /**
   * Writes the bundle to {@code path} whole or not at all ({@link WholeFile}), so a crash never
   * leaves a half-written model where the job would load it. Returns the metadata as stored (with
   * the network's hash and the model version filled in).
   */
  public static ModelMetadata save(ModelBundle bundle, Path path, String name) {
    try {
      ByteArrayOutputStream network = new ByteArrayOutputStream();
      ModelSerializer.writeModel(bundle.network(), network, false);
      byte[] weights = network.toByteArray();
      String sha = sha256(weights);
      ModelMetadata meta = bundle.metadata().withNetwork(sha, name + "-" + sha.substring(0, 12));
      WholeFile.write(path, out -> {
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.putNextEntry(new ZipEntry(METADATA));
        zip.write(JSON.writeValueAsBytes(meta));
        zip.closeEntry();
        zip.putNextEntry(new ZipEntry(NETWORK));
        zip.write(weights);
        zip.closeEntry();
        zip.finish();
      });
      return meta;
    } catch (IOException e) {
      throw new ModelFileException("cannot write model file " + path + ": " + e.getMessage(), e);
    }
  }

  /** The beat classifier stored in the model file, if it has one; a damaged one is refused. */
  public static Optional<BeatClassifier> readClassifier(Path path) {
    byte[] bytes = entries(path).get(CLASSIFIER);
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(BeatClassifier.fromBytes(bytes));
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(path + " has a damaged " + CLASSIFIER + ": " + e.getMessage(), e);
    }
  }

  /** A short name for the classifier's version: its bytes' hash, as the model version names the network's. */
  public static String classifierVersion(BeatClassifier c) {
    return "beats-" + sha256(c.toBytes()).substring(0, 12);
  }

  /**
   * Puts {@code classifier} into the model file at {@code path} (replacing one there), every other
   * entry kept byte for byte, so the network and its version are untouched; whole or not at all.
   */
  public static void storeClassifier(Path path, BeatClassifier classifier) {
    Map<String, byte[]> entries = entries(path);
    parseMetadata(path, entries);
    entries.put(CLASSIFIER, classifier.toBytes());
    try {
      WholeFile.write(path, out -> {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (String name : List.of(METADATA, NETWORK, CLASSIFIER)) {
          if (entries.containsKey(name)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(entries.get(name));
            zip.closeEntry();
          }
        }
        zip.finish();
      });
    } catch (IOException e) {
      throw new ModelFileException("cannot write model file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Reads only the metadata (fast: no network is built). */
  public static ModelMetadata readMetadata(Path path) {
    return parseMetadata(path, entries(path));
  }

  public static ModelBundle load(Path path) {
    Map<String, byte[]> entries = entries(path);
    ModelMetadata meta = parseMetadata(path, entries);
    byte[] weights = entries.get(NETWORK);
    if (weights == null) {
      throw new ModelFileException(path + " is not a model file: it has no " + NETWORK);
    }
    if (!sha256(weights).equals(meta.networkSha256())) {
      throw new ModelFileException(path + " is corrupt: the network does not match the hash in its metadata");
    }
    MultiLayerNetwork net;
    try {
      net = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(weights), false);
    } catch (IOException | RuntimeException e) {
      throw new ModelFileException(path + " is corrupt: cannot read its network (" + e.getMessage() + ")", e);
    }
    checkShape(path, net, meta.architecture());
    return new ModelBundle(net, meta);
  }

  private static Map<String, byte[]> entries(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new ModelFileException("model file not found: " + path);
    }
    Map<String, byte[]> entries = new HashMap<>();
    try (InputStream in = Files.newInputStream(path); ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        // Reading to the end verifies each entry's CRC.
        entries.put(e.getName(), zip.readAllBytes());
      }
    } catch (ZipException e) {
      throw new ModelFileException(path + " is corrupt: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelFileException("cannot read model file " + path + ": " + e.getMessage(), e);
    }
    if (entries.isEmpty()) {
      throw new ModelFileException(path + " is not a model file (not a zip archive, or an empty one)");
    }
    return entries;
  }

  private static ModelMetadata parseMetadata(Path path, Map<String, byte[]> entries) {
    byte[] raw = entries.get(METADATA);
    if (raw == null) {
      throw new ModelFileException(path + " is not a model file: it has no " + METADATA);
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(raw);
    } catch (IOException e) {
      throw new ModelFileException(path + " is corrupt: " + METADATA + " is not valid JSON", e);
    }
    int version = tree.path("formatVersion").asInt(-1);
    if (version < 1 || version > FORMAT_VERSION) {
      throw new ModelFileException(path + " has model format version " + version + "; this build reads versions 1 to "
          + FORMAT_VERSION + (version > FORMAT_VERSION ? " (the file was written by a newer release)" : ""));
    }
    ModelMetadata meta;
    try {
      meta = JSON.treeToValue(tree, ModelMetadata.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new ModelFileException(path + " has invalid metadata: " + e.getMessage(), e);
    }
    require(path, meta.architecture() != null, "architecture");
    require(path, meta.threshold() != null, "threshold");
    require(path, meta.normalizer() != null, "normalizer");
    require(path, meta.loss() != null, "loss");
    require(path, meta.networkSha256() != null, "networkSha256");
    if (meta.normalizer().features() != meta.architecture().features()) {
      throw new ModelFileException(path + " is inconsistent: normaliser has " + meta.normalizer().features()
          + " features, the architecture " + meta.architecture().features());
    }
    ErrorScore score = meta.score();
    Architecture a = meta.architecture();
    int window = a.windowLength() * a.errorsPerStep();
    if (!score.isSum() && score.from() + score.mean().length != window) {
      throw new ModelFileException(path + " is inconsistent: its error score was fitted on windows of "
          + (score.from() + score.mean().length) + " values, the architecture has " + window);
    }
    return meta;
  }

  private static void require(Path path, boolean present, String field) {
    if (!present) {
      throw new ModelFileException(path + " has invalid metadata: missing '" + field + "'");
    }
  }

  private static void checkShape(Path path, MultiLayerNetwork net, Architecture a) {
    boolean conditional = a.variant() == Variant.CONDITIONAL;
    long[][] expected = conditional ? new long[][] {
        {AutoencoderFactory.ENCODER_1, a.features(), a.hidden()},
        {AutoencoderFactory.ENCODER_2, a.hidden(), a.embedding()},
        {AutoencoderFactory.CONDITIONAL_DECODER, a.features(), a.embedding()},
        {AutoencoderFactory.CONDITIONAL_OUTPUT, a.embedding(), a.features()}}
        : new long[][] {
        {AutoencoderFactory.ENCODER_1, a.features(), a.hidden()},
        {AutoencoderFactory.ENCODER_2, a.hidden(), a.embedding()},
        {AutoencoderFactory.DECODER_1, a.embedding(), a.embedding()},
        {AutoencoderFactory.DECODER_2, a.embedding(), a.hidden()},
        {AutoencoderFactory.OUTPUT, a.hidden(), a.outputWidth()}};
    int layers = conditional ? AutoencoderFactory.CONDITIONAL_OUTPUT + 1 : AutoencoderFactory.OUTPUT + 1;
    if (net.getnLayers() != layers) {
      throw new ModelFileException(path + ": network has " + net.getnLayers() + " layers, the metadata's architecture "
          + a + " has " + layers);
    }
    if (!conditional) {
      Layer repeat = net.getLayer(AutoencoderFactory.REPEAT).conf().getLayer();
      if (!(repeat instanceof RepeatVector r) || r.getN() != a.decoderSteps()) {
        throw new ModelFileException(path + ": the network's decoder does not produce the " + a.decoderSteps()
            + " steps of the metadata's architecture " + a);
      }
    }
    for (long[] e : expected) {
      Layer conf = net.getLayer((int) e[0]).conf().getLayer();
      if (conf instanceof LastTimeStep wrapper) {
        conf = wrapper.getUnderlying();
      }
      if (!(conf instanceof FeedForwardLayer ff) || ff.getNIn() != e[1] || ff.getNOut() != e[2]) {
        throw new ModelFileException(path + ": layer " + e[0] + " does not match the metadata's architecture "
            + a + " (expected " + e[1] + "→" + e[2] + ")");
      }
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
