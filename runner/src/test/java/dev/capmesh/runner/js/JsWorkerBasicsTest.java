package dev.capmesh.runner.js;

import static dev.capmesh.runner.js.JsTesting.get;
import static dev.capmesh.runner.js.JsTesting.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JsWorkerBasicsTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  @Test void helloWorldModuleSyntax() throws Exception {
    JsWorker w = JsTesting.module(runtime, """
        export default {
          async fetch(request, env, ctx) {
            return new Response(`hello ${new URL(request.url).pathname}`, { headers: { 'X-Test': 'yes' } });
          }
        };
        """);
    var r = get(w, "http://example.com/world");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("hello /world");
    assertThat(r.header("x-test")).isEqualTo("yes");
    assertThat(r.header("content-type")).isEqualTo("text/plain;charset=UTF-8");
  }

  @Test void helloWorldServiceWorkerSyntax() throws Exception {
    JsWorker w = JsWorker.builder(runtime, "sw", WorkerCode.serviceWorker("sw.js", """
        addEventListener('fetch', (event) => {
          event.respondWith(new Response('hi from ' + event.request.method + ' ' + GREETING));
        });
        """)).binding("GREETING", new EnvBinding.Text("hello")).build();
    assertThat(get(w, "http://x/").text()).isEqualTo("hi from GET hello");
  }

  @Test void echoesRequestBody() throws Exception {
    JsWorker w = JsTesting.module(runtime, """
        export default { async fetch(req) { return new Response((await req.text()).toUpperCase()); } };
        """);
    assertThat(post(w, "http://x/", "grüße").text()).isEqualTo("GRÜSSE");
  }

  @Test void multipleModulesImportEachOther() throws Exception {
    JsWorker w = JsWorker.builder(runtime, "multi", WorkerCode.modules(
        WorkerModule.esModule("main.js", """
            import { greet } from './lib/greet.js';
            import { VERSION } from '/lib/version.js';
            import text from './assets/hello.txt';
            import config from './config.json';
            import blob from './assets/blob.bin';
            import { WorkerEntrypoint } from 'cloudflare:workers';
            export default { async fetch() {
              return Response.json({ greeting: greet('ada'), VERSION, text, config,
                blob: [...new Uint8Array(blob)], isBuffer: blob instanceof ArrayBuffer,
                entrypoint: typeof WorkerEntrypoint });
            } };
            """),
        WorkerModule.esModule("lib/greet.js", """
            import { VERSION } from './version.js';
            export function greet(n) { return `hello ${n} v${VERSION}`; }
            """),
        WorkerModule.esModule("lib/version.js", "export const VERSION = 3;"),
        WorkerModule.text("assets/hello.txt", "line1\n\"quoted\" \u2028 é"),
        WorkerModule.json("config.json", "{\"a\": [1, 2], \"b\": null}"),
        WorkerModule.data("assets/blob.bin", new byte[] {0, 1, (byte) 255})))
        .build();
    var r = get(w, "http://x/");
    assertThat(r.header("content-type")).isEqualTo("application/json");
    assertThat(r.text()).isEqualTo("{\"greeting\":\"hello ada v3\",\"VERSION\":3,"
        + "\"text\":\"line1\\n\\\"quoted\\\" \u2028 é\",\"config\":{\"a\":[1,2],\"b\":null},"
        + "\"blob\":[0,1,255],\"isBuffer\":true,\"entrypoint\":\"function\"}");
  }

  @Test void syntaxErrorNamesModuleAndLine() {
    assertThatThrownBy(() -> JsWorker.builder(runtime, "bad", WorkerCode.modules(
        WorkerModule.esModule("main.js", "import './lib.js';\nexport default {};"),
        WorkerModule.esModule("lib.js", "const a = 1;\nconst b = ;\n"))).build())
        .isInstanceOf(JsLoadException.class)
        .hasMessageContaining("lib.js")
        .hasMessageContaining(":2");
  }

  @Test void syntaxErrorInServiceWorkerScript() {
    assertThatThrownBy(() -> JsWorker.builder(runtime, "bad", WorkerCode.serviceWorker("sw.js",
        "addEventListener('fetch', e => {\n  e.respondWith(new Response('x')\n});")).build())
        .isInstanceOf(JsLoadException.class)
        .hasMessageContaining("sw.js:");
  }

  @Test void endlessLoopAtLoadTimeIsStoppedWithAClearError() {
    assertThatThrownBy(() -> JsWorker.builder(runtime, "looper", WorkerCode.modules(
        WorkerModule.esModule("main.js", "while (true) {}\nexport default {};"))).build())
        .isInstanceOf(JsLoadException.class)
        .hasMessage("worker \"looper\": its top-level code used more than the 10 s of CPU time "
            + "allowed for loading (an endless loop when the module is evaluated?)");
  }

  @Test void missingModuleFailsAtLoad() {
    assertThatThrownBy(() -> JsTesting.module(runtime, "import './nope.js'; export default {};"))
        .isInstanceOf(JsLoadException.class)
        .hasMessageContaining("nope.js");
  }

  @Test void moduleCannotReadHostFiles() {
    assertThatThrownBy(() -> JsTesting.module(runtime, "import x from '/etc/passwd'; export default {};"))
        .isInstanceOf(JsLoadException.class);
  }

  @Test void throwingHandlerGives500WithRequestIdAndNoStack() throws Exception {
    JsWorker w = JsTesting.module(runtime, """
        export default { async fetch() { throw new Error('secret internals'); } };
        """);
    var r = JsTesting.call(w, "GET", "http://x/", java.util.List.of(),
        dev.capmesh.runner.service.BodyStreams.empty(), "rid-42");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.text()).contains("rid-42").doesNotContain("secret internals");
  }

  @Test void nonResponseResultGivesClear500() throws Exception {
    JsWorker w = JsTesting.module(runtime, "export default { fetch() { return 'just a string'; } };");
    var r = get(w, "http://x/");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.text()).contains("instead of a Response object");
  }

  @Test void waitUntilAndPropsOnCtx() throws Exception {
    JsWorker w = JsTesting.module(runtime, """
        let done = 0;
        export default { async fetch(req, env, ctx) {
          if (new URL(req.url).pathname === '/count') return new Response(String(done));
          ctx.waitUntil(new Promise((r) => setTimeout(() => { done++; r(); }, 20)));
          return new Response(JSON.stringify(ctx.props));
        } };
        """);
    assertThat(get(w, "http://x/").text()).isEqualTo("{}");
    // The pool may have two contexts, and a busy machine may run the timer late: ask until the
    // context that ran waitUntil answers, for up to 10 s.
    boolean seen = false;
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!seen && System.nanoTime() < deadline) {
      seen = get(w, "http://x/count").text().equals("1");
      if (!seen) {
        Thread.sleep(20);
      }
    }
    assertThat(seen).isTrue();
  }

  @Test void bindingsOfEachKind() throws Exception {
    JsWorker w = JsWorker.builder(runtime, "env", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(req, env) {
          return Response.json({ text: env.TEXT, json: env.JSON, data: [...new Uint8Array(env.DATA)],
            missing: typeof env.MISSING, keys: Object.keys(env).sort() });
        } };
        """)))
        .binding("TEXT", new EnvBinding.Text("plain"))
        .binding("JSON", new EnvBinding.Json("{\"x\":[true,1.5]}"))
        .binding("DATA", new EnvBinding.Data("AB".getBytes(StandardCharsets.US_ASCII)))
        .build();
    assertThat(get(w, "http://x/").text()).isEqualTo(
        "{\"text\":\"plain\",\"json\":{\"x\":[true,1.5]},\"data\":[65,66],\"missing\":\"undefined\","
            + "\"keys\":[\"DATA\",\"JSON\",\"TEXT\"]}");
  }

  private static JsWorker.Builder counting(String name) {
    return JsWorker.builder(runtime, name, WorkerCode.modules(WorkerModule.esModule("main.js",
        "export default { fetch() { return new Response('" + name + "'); } };")));
  }

  @Test void aDeferredWorkerLoadsWhenItsTurnComes() throws Exception {
    var turn = new java.util.concurrent.CompletableFuture<Void>();
    JsWorker w = counting("deferred-turn").startAfter(turn);
    try {
      assertThat(w.loads()).isZero();
      assertThat(w.loaded().toCompletableFuture()).isNotDone();
      turn.completeExceptionally(new IllegalStateException("the one before it failed"));
      w.loaded().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(w.loads()).isEqualTo(1);
      assertThat(get(w, "http://x/").text()).isEqualTo("deferred-turn");
    } finally {
      w.close();
    }
  }

  @Test void aRequestBeforeItsTurnLoadsADeferredWorkerAtOnce() throws Exception {
    var turn = new java.util.concurrent.CompletableFuture<Void>();
    JsWorker w = counting("deferred-request").startAfter(turn);
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("deferred-request");
      assertThat(w.loaded().toCompletableFuture()).isCompleted();
      turn.complete(null); // its turn comes later: nothing is loaded again
      assertThat(w.loads()).isEqualTo(1);
    } finally {
      w.close();
    }
  }

  @Test void closingADeferredWorkerBeforeItsTurnCancelsTheLoad() throws Exception {
    var turn = new java.util.concurrent.CompletableFuture<Void>();
    JsWorker w = counting("deferred-closed").startAfter(turn);
    w.close();
    turn.complete(null);
    assertThatThrownBy(w::awaitLoaded).isInstanceOf(JsLoadException.class)
        .hasMessage("worker \"deferred-closed\": closed before its code was loaded");
    assertThat(w.loads()).isZero();
  }
}
