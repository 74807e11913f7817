package org.ecgstream.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads Kubernetes core objects (no CRD describes them) into fabric8's typed model, refusing what
 * the API server's strict field validation refuses: a field the type does not have, or a scalar of
 * the wrong type. fabric8's classes would otherwise keep unknown fields in their
 * additionalProperties map, so that catch-all is switched off.
 */
final class StrictKubernetesModel {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .annotationIntrospector(new JacksonAnnotationIntrospector() {
        @Override
        public Boolean hasAnySetter(Annotated a) {
          return Boolean.FALSE;
        }
      })
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  private StrictKubernetesModel() {
  }

  /** {@code document} (as SnakeYAML reads it) as a {@code type}; throws on anything it cannot hold. */
  static <T> T read(Object document, Class<T> type) {
    return MAPPER.convertValue(document, type);
  }
}
