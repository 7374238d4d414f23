package dev.capmesh.controlplane.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;

/** The JSON form of store records (shared by the file and Redis stores). */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  static final JavaType RUNNERS =
      MAPPER.getTypeFactory().constructCollectionType(List.class, RunnerRecord.class);

  private Json() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /** Reads {@code text}; {@code where} names it in the error. */
  static <T> T read(String text, Class<T> type, String where) {
    try {
      return MAPPER.readValue(text, type);
    } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
      throw damaged(where, e);
    }
  }

  static <T> T read(String text, JavaType type, String where) {
    try {
      return MAPPER.readValue(text, type);
    } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
      throw damaged(where, e);
    }
  }

  static StoreException damaged(String where, Exception e) {
    String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return new StoreException(where + " is damaged and cannot be read (" + why + "); restore it "
        + "from a backup or move it aside (its fleet then starts empty)", e);
  }
}
