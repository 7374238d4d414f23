package dev.capmesh.proto;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.capmesh.proto.v1.Module;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A plan (or any plan-seam message) as readable JSON for people: field names in lowerCamelCase
 * as in proto3 JSON, enums by name, only the fields that are set, secrets redacted
 * ({@link Redaction}), and module sources shown as text when they are text (base64 otherwise).
 * For reading, not for parsing back: the binary plan is the interchange format. Stateless.
 */
public final class PlanJson {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanJson() {}

  /** {@code message}, redacted, as indented JSON text. */
  public static String write(Message message) {
    requireNonNull(message, "message");
    try {
      return MAPPER.writeValueAsString(tree(Redaction.redact(message)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode tree(Message message) {
    ObjectNode node = MAPPER.createObjectNode();
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (f.isRepeated()) {
        ArrayNode array = node.putArray(f.getJsonName());
        for (Object item : (List<?>) e.getValue()) {
          array.add(value(message, f, item));
        }
      } else {
        node.set(f.getJsonName(), value(message, f, e.getValue()));
      }
    }
    return node;
  }

  private static JsonNode value(Message owner, FieldDescriptor f, Object value) {
    var nodes = MAPPER.getNodeFactory();
    return switch (f.getJavaType()) {
      case MESSAGE -> tree((Message) value);
      case ENUM -> nodes.textNode(((EnumValueDescriptor) value).getName());
      case STRING -> nodes.textNode((String) value);
      case BOOLEAN -> nodes.booleanNode((Boolean) value);
      case INT -> nodes.numberNode((Integer) value);
      case LONG -> nodes.numberNode((Long) value);
      case FLOAT -> nodes.numberNode((Float) value);
      case DOUBLE -> nodes.numberNode((Double) value);
      case BYTE_STRING -> bytes(owner, f, (ByteString) value);
    };
  }

  /** Module sources of text kinds as text; any other bytes as base64 (with their size). */
  private static JsonNode bytes(Message owner, FieldDescriptor f, ByteString bytes) {
    var nodes = MAPPER.getNodeFactory();
    if (owner instanceof Module m && f.getNumber() == Module.CONTENT_FIELD_NUMBER
        && m.getKind() != Module.Kind.DATA && m.getKind() != Module.Kind.WASM) {
      try {
        return nodes.textNode(StandardCharsets.UTF_8.newDecoder()
            .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
      } catch (CharacterCodingException e) {
        // not UTF-8 after all: base64 below
      }
    }
    if (Redaction.isSecret(f)) {
      return nodes.textNode(bytes.toStringUtf8());
    }
    return nodes.textNode("base64:" + Base64.getEncoder().encodeToString(bytes.toByteArray()));
  }
}
