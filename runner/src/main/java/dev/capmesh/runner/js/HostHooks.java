package dev.capmesh.runner.js;

import dev.capmesh.runner.observe.BindingUse;
import dev.capmesh.runner.observe.WorkerLimit;
import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.RequestBudget;
import dev.capmesh.runner.service.ServiceRequest;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java functions the runtime's own JavaScript calls (never visible to worker code: the JS
 * side keeps them in a closure). Every hook runs on the context's thread; asynchronous ones
 * take resolve/reject callbacks and call them later through {@link WorkerContext#execute}.
 * Bytes travel Java to JS as Latin-1 strings (one char per byte) and JS to Java as ArrayBuffers
 * read in bulk.
 */
final class HostHooks {
  /** The logger worker {@code console} output goes to. */
  static final String CONSOLE_LOGGER = "dev.capmesh.runner.js.console";
  private static final Logger console = LoggerFactory.getLogger(CONSOLE_LOGGER);

  private final WorkerContext wc;
  private final JsRuntime runtime;

  private final CryptoBridge crypto;

  HostHooks(WorkerContext wc, JsRuntime runtime) {
    this.wc = wc;
    this.runtime = runtime;
    this.crypto = new CryptoBridge(runtime.subtle(), wc);
  }

  ProxyObject asProxy() {
    Map<String, Object> m = new HashMap<>();
    m.put("log", (ProxyExecutable) a -> log(a[0].asString(), a[1].asString()));
    m.put("randomBytes", (ProxyExecutable) a -> randomBytes(a[0].asInt()));
    m.put("crypto", (ProxyExecutable) a -> crypto.call(a[0].asString(), a[1]));
    m.put("setTimer", (ProxyExecutable) a -> wc.setTimer(a[0].asLong(), a[1].asBoolean(), a[2]));
    m.put("clearTimer", (ProxyExecutable) a -> {
      wc.clearTimer(a[0].asInt());
      return null;
    });
    m.put("bodyRead", (ProxyExecutable) a -> bodyRead(a[0], a[1], a[2]));
    m.put("bodyCancel", (ProxyExecutable) a -> {
      Handles.Body b = Handles.body(a[0]);
      if (b != null) {
        b.stream.cancel();
      }
      return null;
    });
    m.put("send", (ProxyExecutable) a -> send(a[0], a[1].asString(), a[2].asString(), a[3], a[4], a[5], a[6]));
    m.put("rpc", (ProxyExecutable) a -> rpc(a[0], a[1].asString(), a[2].asString(), a[3], a[4]));
    m.put("refusedFetch", (ProxyExecutable) a -> refusedFetch(a[0].asString()));
    m.put("kv", new KvHooks(wc).asProxy());
    m.put("r2", new StorageHooks(wc).asProxy());
    m.put("encodingFor", (ProxyExecutable) a -> TextDecoders.forLabel(a[0].asString()));
    m.put("decoderNew", (ProxyExecutable) a -> new Handles.TextDecoder(TextDecoders.create(a[0].asString())));
    m.put("decode", (ProxyExecutable) a -> decode(a[0], a[1], a[2].asBoolean(), a[3].asBoolean()));
    m.put("domainToAscii", (ProxyExecutable) a -> Idna.domainToAscii(a[0].asString()));
    m.put("bodyTooLarge", (ProxyExecutable) a -> {
      wc.worker.meter().limitHit(WorkerLimit.BODY_TOO_LARGE);
      return null;
    });
    return ProxyObject.fromMap(m);
  }

  private Object log(String level, String text) {
    RequestState st = wc.current();
    // Redacted in every encoding, then escaped: a newline in worker output cannot start a line
    // that looks like the runner's own.
    String line = wc.worker.forLog(text);
    String rid = st == null ? "-" : st.requestId;
    switch (level) {
      case "error", "trace" -> console.error("worker={} requestId={} {}", wc.worker.name(), rid, line);
      case "warn" -> console.warn("worker={} requestId={} {}", wc.worker.name(), rid, line);
      case "debug" -> console.debug("worker={} requestId={} {}", wc.worker.name(), rid, line);
      default -> console.info("worker={} requestId={} {}", wc.worker.name(), rid, line);
    }
    return null;
  }

  /** Decodes an ArrayBuffer; null when a fatal decoder met an error (the JS side throws). */
  private static @Nullable Object decode(Value handle, Value buffer, boolean stream, boolean fatal) {
    Handles.TextDecoder d = Handles.textDecoder(handle);
    if (d == null || !buffer.hasBufferElements()) {
      throw new IllegalArgumentException("not a decoder and a buffer");
    }
    byte[] bytes = new byte[(int) buffer.getBufferSize()];
    buffer.readBuffer(0, bytes, 0, bytes.length);
    try {
      return d.decoder.decode(bytes, stream, fatal);
    } catch (TextDecoders.DecodingError e) {
      return null;
    }
  }

  private Object randomBytes(int n) {
    byte[] b = new byte[n];
    runtime.random().nextBytes(b);
    return WorkerContext.latin1(b);
  }

  private Object bodyRead(Value handle, Value resolve, Value reject) {
    Handles.Body b = Handles.body(handle);
    if (b == null) {
      throw new IllegalArgumentException("not a body handle");
    }
    RequestState st = wc.current();
    if (st != null) {
      st.opened();
    }
    b.stream.read().whenComplete((chunk, error) -> wc.resume(st, () -> {
      if (error != null) {
        reject.execute(wc.worker.redact("reading the body failed: " + error.getMessage()));
      } else if (chunk == null) {
        resolve.execute((Object) null);
      } else {
        resolve.execute(latin1(chunk));
      }
    }));
    return null;
  }

  private static String latin1(ByteBuffer chunk) {
    byte[] bytes = new byte[chunk.remaining()];
    chunk.get(bytes);
    return WorkerContext.latin1(bytes);
  }

  /**
   * Why {@code st} may not make one more subrequest (to a worker when {@code toWorker}), or null
   * if it may; a null answer has taken the subrequest from the per-request and shared budgets.
   */
  private @Nullable String refusal(RequestState st, boolean toWorker) {
    int limit = wc.worker.limits().subrequests();
    if (st.subrequests.incrementAndGet() > limit) {
      wc.worker.meter().limitHit(WorkerLimit.SUBREQUESTS);
      return "Too many subrequests: this worker may make at most " + limit
          + " fetch or RPC calls per request (request id " + st.requestId + ")";
    }
    if (toWorker && st.budget.nextHopTooDeep()) {
      wc.worker.meter().limitHit(WorkerLimit.SUBREQUEST_DEPTH);
      return RequestBudget.depthError() + " (request id " + st.requestId + ")";
    }
    if (!st.budget.tryAcquire()) {
      wc.worker.meter().limitHit(WorkerLimit.SUBREQUESTS);
      return "Too many subrequests: the request and the calls it caused across workers may make at "
          + "most " + st.budget.total() + " fetch or RPC calls in total (request id " + st.requestId + ")";
    }
    return null;
  }

  private Object send(Value targetValue, String method, String url, Value flatHeaders, Value body,
      Value resolve, Value reject) {
    Handles.Target target = Handles.target(targetValue);
    if (target == null) {
      throw new IllegalArgumentException("not a fetch target");
    }
    RequestState st = wc.current();
    if (st == null) {
      return null;
    }
    BindingUses uses = wc.worker.uses();
    BindingUses.FetchUse use = uses.enabled ? fetchUse(uses, st, target, method, url) : null;
    String refused = auditRefusal(uses, target.binding);
    if (refused == null) {
      refused = refusal(st, target.rpcWorker != null);
    }
    if (refused != null) {
      if (use != null) {
        use.end(BindingUse.Outcome.ERROR);
      }
      reject.execute("Error", refused);
      return null;
    }
    List<Map.Entry<String, String>> headers = HostHeaders.entriesOf(flatHeaders);
    BodyStream sent = body.isNull() ? BodyStreams.empty() : wc.bodyFromJs(st, body);
    var request = new ServiceRequest(method, url, headers, use == null ? sent : use.countingSent(sent),
        st.requestId, st.budget.nextHop());
    st.opened();
    target.http.fetch(request).whenComplete((response, error) -> {
      if (use != null) {
        if (error != null) {
          use.end(BindingUses.failure(error));
        } else {
          use.status(outcome(target, response.status()));
        }
      }
      wc.resume(st, () -> {
        if (error != null) {
          reject.execute("TypeError", wc.worker.redact("fetch to " + url + " failed: " + error.getMessage()));
          return;
        }
        HostHeaders checked = HostHeaders.check(response.headers());
        BodyStream received = use == null ? response.body() : use.countingReceived(response.body());
        Object handle = response.body().knownLength() == 0 ? null : new Handles.Body(received);
        if (handle == null && use != null) {
          use.end();
        }
        resolve.execute(response.status(), response.statusText(),
            checked != null ? checked : HostHeaders.unchecked(response.headers()), handle, checked != null);
      });
    });
    return null;
  }

  /** The use a fetch through {@code target} is, in the words of the audit log. */
  private static BindingUses.FetchUse fetchUse(BindingUses uses, RequestState st, Handles.Target target,
      String method, String url) {
    String kind = target.kind;
    String op = "fetch";
    String where;
    switch (kind) {
      case Handles.Target.KV_PROTOCOL -> {
        // workerd's KV protocol: GET/PUT/DELETE /KEY, list as GET /?prefix=
        String path = BindingUses.path(url);
        int q = url.indexOf('?');
        if (path.equals("/") && method.equals("GET")) {
          op = "list";
          where = q < 0 ? "" : queryValue(url.substring(q + 1), "prefix");
        } else {
          op = switch (method) {
            case "GET" -> "get";
            case "PUT" -> "put";
            case "DELETE" -> "delete";
            default -> "fetch";
          };
          where = decode(path.substring(1), false);
        }
      }
      case "disk" -> {
        op = switch (method) {
          case "GET" -> "get";
          case "HEAD" -> "head";
          case "PUT" -> "put";
          case "DELETE" -> "delete";
          default -> "fetch";
        };
        where = decode(BindingUses.path(url), false);
      }
      default -> where = BindingUses.withoutSecrets(url);
    }
    return uses.new FetchUse(st, target.binding, kind, op, where);
  }

  /** What a response status means for the use: the disk's refusals are DENIED, 5xx an ERROR. */
  private static BindingUse.Outcome outcome(Handles.Target target, int status) {
    if (target.kind.equals("disk") && (status == 403 || status == 405)) {
      return BindingUse.Outcome.DENIED;
    }
    if (target.kind.equals(Handles.Target.KV_PROTOCOL) && status >= 400 && status != 404) {
      return BindingUse.Outcome.ERROR;
    }
    return status >= 500 ? BindingUse.Outcome.ERROR : BindingUse.Outcome.OK;
  }

  private static String queryValue(String query, String name) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      if (decode(k, true).equals(name)) {
        return eq < 0 ? "" : decode(pair.substring(eq + 1), true);
      }
    }
    return "";
  }

  /** Percent-decoded {@code s}; {@code +} is a space in a query (form encoding), a plus in a path. */
  private static String decode(String s, boolean query) {
    try {
      return java.net.URLDecoder.decode(query ? s : s.replace("+", "%2B"),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** Why the audit log refuses this use now, as the worker sees it; null if it does not. */
  private static @Nullable String auditRefusal(BindingUses uses, String binding) {
    String why = uses.refusal();
    return why == null ? null : "binding \"" + binding + "\" refused: " + why;
  }

  /** A global fetch() without a globalOutbound: rejected in JS, recorded here. */
  private Object refusedFetch(String url) {
    BindingUses uses = wc.worker.uses();
    if (uses.enabled) {
      uses.record(wc.current(), "", "fetch", "fetch", BindingUses.withoutSecrets(url),
          BindingUse.Outcome.REFUSED, 0, 0, System.nanoTime());
    }
    return null;
  }

  private Object rpc(Value targetValue, String method, String argsJson, Value resolve, Value reject) {
    Handles.Target target = Handles.target(targetValue);
    if (target == null || target.rpcWorker == null) {
      throw new IllegalArgumentException("not an RPC target");
    }
    RequestState st = wc.current();
    if (st == null) {
      return null;
    }
    BindingUses uses = wc.worker.uses();
    long start = uses.enabled ? System.nanoTime() : 0;
    String refused = auditRefusal(uses, target.binding);
    if (refused == null) {
      refused = refusal(st, true);
    }
    if (refused != null) {
      uses.record(st, target.binding, target.kind, "rpc", method, BindingUse.Outcome.ERROR,
          0, argsJson.length(), start);
      reject.execute(JsWorker.errorPayload(refused));
      return null;
    }
    JsWorker callee = target.rpcWorker.worker();
    if (callee == null) {
      uses.record(st, target.binding, target.kind, "rpc", method, BindingUse.Outcome.ERROR,
          0, argsJson.length(), start);
      reject.execute(JsWorker.errorPayload("service " + target.rpcWorker.name() + " is not ready"));
      return null;
    }
    st.opened();
    callee.callRpc(target.entrypoint, target.propsJson, method, argsJson, st.requestId,
            st.budget.nextHop())
        .whenComplete((outcome, error) -> {
          uses.record(st, target.binding, target.kind, "rpc", method,
              error == null && outcome.ok() ? BindingUse.Outcome.OK : BindingUse.Outcome.ERROR,
              error == null ? outcome.payload().length() : 0, argsJson.length(), start);
          wc.resume(st, () -> {
            if (error != null) {
              reject.execute(JsWorker.errorPayload("RPC call failed: " + error.getMessage()));
            } else if (outcome.ok()) {
              resolve.execute(outcome.payload());
            } else {
              reject.execute(outcome.payload());
            }
          });
        });
    return null;
  }
}
