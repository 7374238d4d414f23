package dev.capmesh.runner.js;

import static dev.capmesh.runner.js.JsTesting.call;
import static dev.capmesh.runner.js.JsTesting.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Header fields the host hands to a worker already checked (HostHeaders) mean what the runtime's
 * own checks made of them, go back to the host untouched only while nothing changed them, and
 * the host refuses a field line no Headers could hold, whichever way worker code got it there.
 */
class HostHeadersTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  private static Map.Entry<String, String> h(String name, String value) {
    return Map.entry(name, value);
  }

  /** The fields a client sends in these tests: mixed case, padded values, a repeated name. */
  private static final List<Map.Entry<String, String>> SENT =
      List.of(h("X-One", " 1 "), h("x-two", "2"), h("X-ONE", "3\t"));

  @Test void checkedFieldsAreWhatAppendMakesOfThem() {
    var checked = HostHeaders.check(SENT);
    assertThat(checked).isNotNull();
    // Lower-cased, trimmed, and each name's fields together in the order of its first field.
    assertThat(checked.entries()).containsExactly(h("x-one", "1"), h("x-one", "3"), h("x-two", "2"));
    assertThat(checked.getSize()).isEqualTo(6);
    assertThat(List.of(checked.get(0), checked.get(1), checked.get(4), checked.get(5)))
        .containsExactly("x-one", "1", "x-two", "2");
    var plain = List.of(h("a", "1"), h("b", "x y"));
    assertThat(HostHeaders.check(plain).entries()).isEqualTo(plain);
    assertThat(HostHeaders.check(List.of()).entries()).isEmpty();
    // Obsolete text (U+0080 to U+00FF) passes, as in a ByteString.
    assertThat(HostHeaders.check(List.of(h("x", "caf\u00e9"))).entries()).containsExactly(h("x", "caf\u00e9"));
  }

  @Test void fieldsTheRuntimeWouldRefuseAreLeftToIt() {
    for (String name : List.of("bad name", "", "x(y", "caf\u00e9", "x:y", "a\r\nb")) {
      assertThat(HostHeaders.check(List.of(h("ok", "1"), h(name, "v")))).as("name %s", name).isNull();
    }
    for (String value : List.of("a\u0000b", "a\rb", "a\nb", "\u0100", "\uD83D\uDE00")) {
      assertThat(HostHeaders.check(List.of(h("x", value)))).as("value %s", value).isNull();
    }
  }

  @Test void theirArrayIsReadOnly() {
    var checked = HostHeaders.check(SENT);
    assertThat(checked).isNotNull();
    assertThatThrownBy(() -> checked.set(0, null))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> checked.get(6))
        .isInstanceOf(ArrayIndexOutOfBoundsException.class);
  }

  @Test void aRequestPassedOnKeepsItsFieldsAndEditsShowThrough() throws Exception {
    var back = new JsTesting.Recorder(r -> ServiceResponse.text(200, "back"));
    JsWorker w = JsWorker.builder(runtime, "forward", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(req, env) {
          const p = new URL(req.url).pathname;
          if (p === '/appended') req.headers.append('x-three', '3');
          if (p === '/deleted') req.headers.delete('x-two');
          if (p === '/set') req.headers.set('X-One', 'only');
          if (p === '/copy-edited') {
            const h = new Headers(req.headers);
            h.set('x-copy', 'c');
            await env.BACK.fetch(req.url, { headers: h });
            return env.BACK.fetch(req.url, { headers: req.headers });
          }
          if (p === '/copy') return env.BACK.fetch(req.url, { headers: new Headers(req.headers) });
          if (p === '/read') return new Response([...req.headers].map(([k, v]) => k + '=' + v).join(';')
            + ' ' + req.headers.get('x-one') + ' ' + req.headers.has('X-TWO'));
          return env.BACK.fetch(req);
        } };
        """))).binding("BACK", EnvBinding.Service.of(back)).build();
    try {
      assertThat(send(w, "/read").text()).isEqualTo("x-one=1, 3;x-two=2 1, 3 true");

      assertThat(send(w, "/as-is").status()).isEqualTo(200);
      assertThat(back.requests.getLast().headers()).containsExactly(h("x-one", "1"), h("x-one", "3"), h("x-two", "2"));
      send(w, "/appended");
      assertThat(back.requests.getLast().headers())
          .containsExactly(h("x-one", "1"), h("x-one", "3"), h("x-two", "2"), h("x-three", "3"));
      send(w, "/deleted");
      assertThat(back.requests.getLast().headers()).containsExactly(h("x-one", "1"), h("x-one", "3"));
      send(w, "/set");
      assertThat(back.requests.getLast().headers()).containsExactly(h("x-one", "only"), h("x-two", "2"));
      send(w, "/copy");
      assertThat(back.requests.getLast().headers()).containsExactly(h("x-one", "1"), h("x-one", "3"), h("x-two", "2"));
      // An edited copy leaves the original as it came.
      send(w, "/copy-edited");
      var copies = back.requests.subList(back.requests.size() - 2, back.requests.size());
      assertThat(copies.get(0).headers()).contains(h("x-copy", "c"));
      assertThat(copies.get(1).headers()).containsExactly(h("x-one", "1"), h("x-one", "3"), h("x-two", "2"));
    } finally {
      w.close();
    }
  }

  @Test void aResponsePassedOnKeepsItsFieldsAndEditsShowThrough() throws Exception {
    var back = new JsTesting.Recorder(r -> new ServiceResponse(200, "OK",
        List.of(h("X-Up", " u "), h("Set-Cookie", "a=1"), h("content-type", "text/plain"), h("set-cookie", "b=2")),
        BodyStreams.of("up".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    JsWorker w = JsWorker.builder(runtime, "relay", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(req, env) {
          const r = await env.BACK.fetch('http://back/');
          const p = new URL(req.url).pathname;
          if (p === '/edited') r.headers.set('x-up', 'edited');
          if (p === '/cookies') return new Response(r.headers.getSetCookie().join('|') + ' ' + r.headers.get('x-up'));
          return r;
        } };
        """))).binding("BACK", EnvBinding.Service.of(back)).build();
    try {
      var asIs = get(w, "http://x/");
      assertThat(asIs.text()).isEqualTo("up");
      assertThat(asIs.headers()).containsExactly(h("x-up", "u"), h("set-cookie", "a=1"), h("set-cookie", "b=2"),
          h("content-type", "text/plain"));
      assertThat(get(w, "http://x/edited").headers()).contains(h("x-up", "edited")).doesNotContain(h("x-up", "u"));
      assertThat(get(w, "http://x/cookies").text()).isEqualTo("a=1|b=2 u");
    } finally {
      w.close();
    }
  }

  @Test void fieldsTheHostCannotCheckMeetTheRuntimesOwnError() throws Exception {
    JsWorker w = JsTesting.module(runtime, """
        export default { async fetch(req) { return new Response([...req.headers].length + ''); } };
        """);
    try {
      assertThat(call(w, "GET", "http://x/", List.of(h("ok", "1")), BodyStreams.empty(), JsTesting.nextId()).text())
          .isEqualTo("1");
      // A name no Headers accepts: the runtime's own check refuses it, and the request fails
      // cleanly instead of reaching the handler.
      var bad = call(w, "GET", "http://x/", List.of(h("ok", "1"), h("bad name", "v")), BodyStreams.empty(),
          JsTesting.nextId());
      assertThat(bad.status()).isEqualTo(500);
      assertThat(bad.text()).doesNotContain("bad name");
    } finally {
      w.close();
    }
  }

  @Test void replacedMapMethodsCannotSmuggleFieldsToTheHost() throws Exception {
    var back = new JsTesting.Recorder(r -> ServiceResponse.text(200, "back"));
    // Map.prototype.set and get replaced: every Headers change then runs worker code with the
    // Headers' own map, which adds a field line no Headers would hold.
    JsWorker w = JsWorker.builder(runtime, "smuggler", WorkerCode.modules(WorkerModule.esModule("main.js", """
        const realSet = Map.prototype.set;
        function poison() {
          Map.prototype.set = function (k, v) {
            realSet.call(this, k, v);
            if (Array.isArray(v)) realSet.call(this, 'x-evil\\r\\nset-cookie', ['stolen=1']);
            return this;
          };
        }
        export default { async fetch(req, env) {
          const p = new URL(req.url).pathname;
          poison();
          try {
            if (p === '/out') {
              const r = await env.BACK.fetch('http://back/', { headers: { 'x-ok': '1' } });
              return new Response('sent ' + r.status);
            }
            return new Response('body', { headers: { 'x-ok': '1' } });
          } finally { Map.prototype.set = realSet; }
        } };
        """))).binding("BACK", EnvBinding.Service.of(back)).build();
    try {
      // Toward the client: refused by the host, never on the wire.
      var toClient = get(w, "http://x/");
      assertThat(toClient.headers()).extracting(Map.Entry::getKey).noneMatch(k -> k.contains("\r") || k.contains("evil"));
      assertThat(toClient.status()).isEqualTo(500);
      // Toward a service: the fetch fails, and nothing reaches the service.
      var out = get(w, "http://x/out");
      assertThat(out.status()).isEqualTo(500);
      assertThat(back.requests).allSatisfy(r -> assertThat(r.headers()).extracting(Map.Entry::getKey)
          .noneMatch(k -> k.contains("evil")));
    } finally {
      w.close();
    }
  }

  @Test void textResponsesCarryTheirContentTypeAndStayEditable() throws Exception {
    JsWorker w = JsTesting.module(runtime, """
        export default { async fetch(req) {
          const p = new URL(req.url).pathname;
          const r = new Response('hi');
          if (p === '/appended') r.headers.append('x-a', '1');
          if (p === '/deleted') r.headers.delete('content-type');
          if (p === '/given') return new Response('hi', { headers: { 'Content-Type': 'text/html', 'x-b': '2' } });
          if (p === '/read') return new Response([...r.headers].join(';') + ' ' + r.headers.get('Content-Type'));
          return r;
        } };
        """);
    try {
      String text = "text/plain;charset=UTF-8";
      assertThat(get(w, "http://x/").headers()).containsExactly(h("content-type", text));
      assertThat(get(w, "http://x/appended").headers()).containsExactly(h("content-type", text), h("x-a", "1"));
      assertThat(get(w, "http://x/deleted").headers()).isEmpty();
      assertThat(get(w, "http://x/given").headers()).containsExactly(h("content-type", "text/html"), h("x-b", "2"));
      assertThat(get(w, "http://x/read").text()).isEqualTo("content-type," + text + " " + text);
    } finally {
      w.close();
    }
  }

  private static JsTesting.Result send(JsWorker w, String path) throws Exception {
    return call(w, "GET", "http://x" + path, SENT, BodyStreams.empty(), JsTesting.nextId());
  }
}
