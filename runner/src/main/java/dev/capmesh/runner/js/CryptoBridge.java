package dev.capmesh.runner.js;

import dev.capmesh.crypto.CryptoError;
import dev.capmesh.crypto.CryptoKeyObject;
import dev.capmesh.crypto.KeyPairObjects;
import dev.capmesh.crypto.Params;
import dev.capmesh.crypto.Subtle;
import dev.capmesh.runner.observe.BindingUse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.jspecify.annotations.Nullable;

/**
 * The host side of {@code crypto.subtle} (web-crypto.js): turns the plain values the runtime's
 * JS passes into Java ones, runs the operation on {@link Subtle}, and answers
 * {@code [errorName, message]} or {@code [null, result]}. Bytes come in as ArrayBuffers and go
 * out as Latin-1 strings; a key goes out as a row around an opaque {@link Handles.Key}.
 */
final class CryptoBridge {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CryptoBridge.class);
  private final Subtle subtle;
  private final @Nullable WorkerContext wc;

  /** {@code wc}: whose binding uses to report; null reports none. */
  CryptoBridge(Subtle subtle, @Nullable WorkerContext wc) {
    this.subtle = subtle;
    this.wc = wc;
  }

  Object call(String op, Value a) {
    BindingUses uses = wc == null ? null : wc.worker.uses();
    if (uses == null || !uses.enabled) {
      return callUnrecorded(op, a);
    }
    // A use of a cryptoKey binding: the key (or, for wrapKey, either key) is one of env's.
    String binding = null;
    String other = null;
    CryptoKeyObject key = null;
    CryptoKeyObject otherKey = null;
    switch (op) {
      case "sign", "verify", "encrypt", "decrypt", "deriveBits", "deriveKey", "exportKey" -> {
        key = keyOrNull(a.getArrayElement(1));
      }
      case "wrapKey" -> {
        key = keyOrNull(a.getArrayElement(2));
        otherKey = keyOrNull(a.getArrayElement(1));
      }
      case "unwrapKey" -> key = keyOrNull(a.getArrayElement(2));
      default -> { }
    }
    if (key != null) {
      binding = uses.keyBinding(key);
    }
    if (otherKey != null) {
      other = uses.keyBinding(otherKey);
    }
    if (binding == null && other == null) {
      return callUnrecorded(op, a);
    }
    long start = System.nanoTime();
    RequestState st = wc.current();
    String refused = uses.refusal();
    Object[] answer;
    if (refused != null) {
      answer = new Object[] {"OperationError", op + " refused: " + refused};
    } else {
      answer = answer(op, a);
    }
    // InvalidAccessError: the key's usages (or extractable = false) forbid what was asked.
    BindingUse.Outcome outcome = refused != null ? BindingUse.Outcome.ERROR
        : answer[0] == null ? BindingUse.Outcome.OK
        : answer[0].equals("InvalidAccessError") ? BindingUse.Outcome.DENIED
        : BindingUse.Outcome.ERROR;
    long out = switch (op) {
      case "sign", "encrypt", "decrypt" -> bufferSize(a.getArrayElement(2));
      case "verify" -> bufferSize(a.getArrayElement(3));
      default -> 0;
    };
    long in = answer[0] == null && answer[1] instanceof String r ? r.length() : 0;
    if (binding != null) {
      uses.record(st, binding, "crypto", op, key.algorithmName(), outcome, in, out, start);
    }
    if (other != null) {
      uses.record(st, other, "crypto", op, otherKey.algorithmName(), outcome, 0, 0, start);
    }
    return ProxyArray.fromArray(answer);
  }

  private Object callUnrecorded(String op, Value a) {
    return ProxyArray.fromArray(answer(op, a));
  }

  /** {@code [null, result]} or {@code [errorName, message]}. */
  private Object[] answer(String op, Value a) {
    try {
      return new Object[] {null, run(op, a)};
    } catch (CryptoError e) {
      return new Object[] {e.name(), e.getMessage()};
    } catch (RuntimeException e) {
      // A bug here, not the caller's doing: the worker learns nothing about it but the operation;
      // the log gets the exception's type only (a provider's message might quote key material).
      log.warn("event=crypto-internal-error operation={} error={}", op, e.getClass().getName());
      return new Object[] {"OperationError", op + " failed (internal error)"};
    }
  }

  private static @Nullable CryptoKeyObject keyOrNull(Value v) {
    Handles.Key k = Handles.key(v);
    return k == null ? null : k.key;
  }

  private static long bufferSize(Value v) {
    return v.hasBufferElements() ? v.getBufferSize() : 0;
  }

  private Object run(String op, Value a) {
    return switch (op) {
      case "digest" -> latin1(subtle.digest(params(a.getArrayElement(0)), bytes(a.getArrayElement(1))));
      case "sign" -> latin1(subtle.sign(params(a.getArrayElement(0)), key(a.getArrayElement(1)),
          bytes(a.getArrayElement(2))));
      case "verify" -> subtle.verify(params(a.getArrayElement(0)), key(a.getArrayElement(1)),
          bytes(a.getArrayElement(2)), bytes(a.getArrayElement(3)));
      case "encrypt" -> latin1(subtle.encrypt(params(a.getArrayElement(0)), key(a.getArrayElement(1)),
          bytes(a.getArrayElement(2))));
      case "decrypt" -> latin1(subtle.decrypt(params(a.getArrayElement(0)), key(a.getArrayElement(1)),
          bytes(a.getArrayElement(2))));
      case "importKey" -> {
        String format = a.getArrayElement(0).asString();
        Value data = a.getArrayElement(1);
        Object keyData = data.isString() ? data.asString() : bytes(data);
        yield keyResult(subtle.importKey(format, keyData, params(a.getArrayElement(2)),
            a.getArrayElement(3).asBoolean(), strings(a.getArrayElement(4))));
      }
      case "exportKey" -> {
        Object out = subtle.exportKey(a.getArrayElement(0).asString(), key(a.getArrayElement(1)));
        yield out instanceof byte[] b ? latin1(b) : out;
      }
      case "generateKey" -> keyResult(subtle.generateKey(params(a.getArrayElement(0)),
          a.getArrayElement(1).asBoolean(), strings(a.getArrayElement(2))));
      case "deriveBits" -> {
        Value length = a.getArrayElement(2);
        yield latin1(subtle.deriveBits(params(a.getArrayElement(0)), key(a.getArrayElement(1)), length(length)));
      }
      case "deriveKey" -> keyResult(subtle.deriveKey(params(a.getArrayElement(0)), key(a.getArrayElement(1)),
          params(a.getArrayElement(2)), a.getArrayElement(3).asBoolean(), strings(a.getArrayElement(4))));
      case "wrapKey" -> latin1(subtle.wrapKey(a.getArrayElement(0).asString(), key(a.getArrayElement(1)),
          key(a.getArrayElement(2)), params(a.getArrayElement(3))));
      case "unwrapKey" -> keyResult(subtle.unwrapKey(a.getArrayElement(0).asString(), bytes(a.getArrayElement(1)),
          key(a.getArrayElement(2)), params(a.getArrayElement(3)), params(a.getArrayElement(4)),
          a.getArrayElement(5).asBoolean(), strings(a.getArrayElement(6))));
      default -> throw new IllegalArgumentException("crypto: unknown operation " + op);
    };
  }

  private static @Nullable Long length(Value v) {
    if (v.isNull()) {
      return null;
    }
    double d = v.asDouble();
    if (Double.isNaN(d) || d < 0 || d > 0xffffffffL || Math.floor(d) != d) {
      throw new CryptoError("TypeError", "deriveBits: length " + WorkerContext.str(v) + " (expected: an integer from 0 to 4294967295)");
    }
    return (long) d;
  }

  /** A key as the JS side builds its CryptoKey from: [handle, type, extractable, algorithm JSON, usages]. */
  static ProxyArray keyRow(CryptoKeyObject key) {
    return ProxyArray.fromArray(new Handles.Key(key), key.type(), key.extractable(),
        key.algorithmJson(), ProxyArray.fromList(new ArrayList<>(key.usages())));
  }

  private static ProxyArray keyResult(Object result) {
    if (result instanceof KeyPairObjects pair) {
      return ProxyArray.fromArray("pair", keyRow(pair.publicKey()), keyRow(pair.privateKey()));
    }
    return ProxyArray.fromArray("key", keyRow((CryptoKeyObject) result));
  }

  private static CryptoKeyObject key(Value v) {
    Handles.Key k = Handles.key(v);
    if (k == null) {
      throw new IllegalArgumentException("not a key handle");
    }
    return k.key;
  }

  private static byte[] bytes(Value v) {
    byte[] out = new byte[(int) v.getBufferSize()];
    v.readBuffer(0, out, 0, out.length);
    return out;
  }

  private static String latin1(byte[] b) {
    return WorkerContext.latin1(b);
  }

  private static List<String> strings(Value v) {
    var out = new ArrayList<String>();
    for (long i = 0; i < v.getArraySize(); i++) {
      out.add(v.getArrayElement(i).asString());
    }
    return out;
  }

  /** An algorithm dictionary as web-crypto.js built it (plain data, buffers, key handles), or a bare name. */
  private static Params params(Value v) {
    if (v.isString()) {
      return Params.named(v.asString());
    }
    return Params.of(members(v));
  }

  private static Map<String, Object> members(Value v) {
    var m = new HashMap<String, Object>();
    for (String k : v.getMemberKeys()) {
      Object value = value(v.getMember(k));
      if (value != null) {
        m.put(k, value);
      }
    }
    return m;
  }

  private static @Nullable Object value(Value v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isString()) {
      return v.asString();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.hasBufferElements()) {
      return bytes(v);
    }
    Handles.Key k = Handles.key(v);
    if (k != null) {
      return k.key;
    }
    return null;
  }
}
