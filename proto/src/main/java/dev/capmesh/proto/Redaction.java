package dev.capmesh.proto;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.capmesh.proto.v1.Plan;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Removes credentials from any plan or control-plane message before it is printed, logged or
 * shown in a status: every field marked {@code [(capmesh.v1.secret) = true]} that is set is
 * replaced by {@value #MARK}, at any depth. Stateless.
 */
public final class Redaction {
  /** What a redacted value reads as. */
  public static final String MARK = "[REDACTED]";
  private static final ByteString MARK_BYTES = ByteString.copyFrom(MARK, StandardCharsets.UTF_8);

  private Redaction() {}

  /** A copy of {@code message} with every set secret field replaced by {@value #MARK}. */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M redact(M message) {
    requireNonNull(message, "message");
    Message.Builder b = message.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (isSecret(f)) {
        if (f.isRepeated()) {
          b.clearField(f);
          for (int i = 0; i < ((List<?>) e.getValue()).size(); i++) {
            b.addRepeatedField(f, mark(f));
          }
        } else {
          b.setField(f, mark(f));
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (f.isRepeated()) {
          List<Message> items = (List<Message>) e.getValue();
          for (int i = 0; i < items.size(); i++) {
            b.setRepeatedField(f, i, redact(items.get(i)));
          }
        } else {
          b.setField(f, redact((Message) e.getValue()));
        }
      }
    }
    return (M) b.build();
  }

  /** Whether {@code field} is marked secret. */
  public static boolean isSecret(FieldDescriptor field) {
    return field.getOptions().getExtension(Plan.secret);
  }

  private static Object mark(FieldDescriptor f) {
    return switch (f.getJavaType()) {
      case STRING -> MARK;
      case BYTE_STRING -> MARK_BYTES;
      default -> throw new IllegalStateException("secret field " + f.getFullName()
          + " must be a string or bytes");
    };
  }
}
