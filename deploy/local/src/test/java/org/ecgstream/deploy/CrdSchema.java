package org.ecgstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.Yaml;

/**
 * One served version of a CustomResourceDefinition, as a validator for custom resources: the CRD's
 * own openAPIV3Schema, read from the jar its operator project publishes, judged as the API server
 * judges it under kubectl's default strict field validation. A structural schema drops fields it
 * does not declare and strict validation turns each drop into an error, so every object schema
 * that declares properties (and neither additionalProperties nor
 * x-kubernetes-preserve-unknown-fields) is closed here; the x-kubernetes-* extensions carry no
 * JSON Schema meaning. The document's apiVersion and kind must be the CRD's too.
 */
final class CrdSchema {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String META_SCHEMA_IRI = "https://ecgstream.org/kubernetes-crd-openapi-v3";

  private final String apiVersion;
  private final String kind;
  private final ObjectNode schema;
  private JsonSchema validator;

  private CrdSchema(String apiVersion, String kind, ObjectNode schema) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.schema = schema;
  }

  /** The version {@code version} of the CRD in classpath resource {@code resource}. */
  @SuppressWarnings("unchecked")
  static CrdSchema load(String resource, String version) {
    Map<String, Object> crd;
    try (InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no CRD on the test classpath at " + resource);
      }
      crd = new Yaml().load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Object> spec = (Map<String, Object>) crd.get("spec");
    String kind = (String) ((Map<String, Object>) spec.get("names")).get("kind");
    Map<String, Object> served = ((List<Map<String, Object>>) spec.get("versions")).stream()
        .filter(v -> version.equals(v.get("name"))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(resource + " does not define version " + version));
    Object openApi = ((Map<String, Object>) served.get("schema")).get("openAPIV3Schema");
    return new CrdSchema(spec.get("group") + "/" + version, kind, JSON.valueToTree(openApi));
  }

  /**
   * The schema node at a JSON pointer into the openAPIV3Schema, to read or, before the first
   * validation, to amend.
   */
  ObjectNode at(String pointer) {
    return (ObjectNode) schema.at(pointer);
  }

  /** What the API server would refuse in {@code document} (a YAML document as SnakeYAML reads it). */
  @SuppressWarnings("unchecked")
  List<String> errors(Object document) {
    List<String> errors = new ArrayList<>();
    Map<String, Object> doc = (Map<String, Object>) document;
    if (!apiVersion.equals(doc.get("apiVersion")) || !kind.equals(doc.get("kind"))) {
      errors.add("expected " + apiVersion + " " + kind + ", got " + doc.get("apiVersion") + " " + doc.get("kind"));
    }
    Set<ValidationMessage> messages = validator().validate(JSON.valueToTree(document));
    messages.forEach(m -> errors.add(m.getMessage()));
    return errors;
  }

  private JsonSchema validator() {
    if (validator == null) {
      ObjectNode strict = schema.deepCopy();
      // The API server accepts these at every custom resource's root whether the CRD lists them
      // or not (the operator's generated CRD does not).
      ObjectNode root = strict.withObjectProperty("properties");
      if (!root.has("apiVersion")) {
        root.putObject("apiVersion").put("type", "string");
      }
      if (!root.has("kind")) {
        root.putObject("kind").put("type", "string");
      }
      if (!root.has("metadata")) {
        root.putObject("metadata").put("type", "object");
      }
      closeObjects(strict);
      Set<String> extensions = new TreeSet<>();
      collectExtensions(strict, extensions);
      JsonMetaSchema metaSchema = JsonMetaSchema.builder(META_SCHEMA_IRI, JsonMetaSchema.getV4())
          .keywords(extensions.stream().map(NonValidationKeyword::new).toList()).build();
      JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
          b -> b.metaSchema(metaSchema).defaultMetaSchemaIri(META_SCHEMA_IRI));
      validator = factory.getSchema(strict);
    }
    return validator;
  }

  /** Closes every object schema below {@code node} that declares its properties. */
  private static void closeObjects(JsonNode node) {
    if (!(node instanceof ObjectNode schemaNode)) {
      return;
    }
    JsonNode properties = schemaNode.get("properties");
    if (properties != null) {
      properties.forEach(CrdSchema::closeObjects);
      if (!schemaNode.has("additionalProperties")
          && !schemaNode.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        schemaNode.put("additionalProperties", false);
      }
    }
    for (String single : List.of("items", "additionalProperties", "not")) {
      closeObjects(schemaNode.get(single));
    }
    for (String many : List.of("allOf", "anyOf", "oneOf")) {
      if (schemaNode.has(many)) {
        schemaNode.get(many).forEach(CrdSchema::closeObjects);
      }
    }
  }

  private static void collectExtensions(JsonNode node, Set<String> into) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().startsWith("x-kubernetes-")) {
          into.add(field.getKey());
        }
        collectExtensions(field.getValue(), into);
      }
    } else if (node.isArray()) {
      node.forEach(child -> collectExtensions(child, into));
    }
  }
}
