package dev.capmesh.runner.js;

import static dev.capmesh.runner.js.JsTesting.get;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JS RPC and service bindings between two JsWorkers, and attempts to forge a binding. */
class JsRpcTest {
  static JsRuntime runtime;
  static JsWorker auth;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
    auth = JsWorker.builder(runtime, "auth", WorkerCode.modules(WorkerModule.esModule("main.js", """
        import { WorkerEntrypoint } from 'cloudflare:workers';
        export class Auth extends WorkerEntrypoint {
          async verify(token) {
            if (token !== 'good') throw new RangeError('bad token: ' + token);
            return { user: 'ada', tenant: this.ctx.props.tenant, since: new Date(0), roles: new Set(['admin']) };
          }
          echo(...args) { return args; }
          leak() { return () => 1; }
          async fetch(request) { return new Response('auth http ' + new URL(request.url).pathname + ' ' + this.ctx.props.tenant); }
        }
        export default class extends WorkerEntrypoint {
          ping() { return 'pong'; }
          fetch() { return new Response('default http'); }
        }
        """))).build();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  private static JsWorker caller(String source) {
    return JsWorker.builder(runtime, "caller", WorkerCode.modules(WorkerModule.esModule("main.js", source)))
        .binding("AUTH", new EnvBinding.Service(auth, "Auth", "{\"tenant\":\"t-1\"}"))
        .binding("DEFAULT", EnvBinding.Service.of(auth))
        .build();
  }

  /** The runtime calls an RPC method with the Reflect.apply it took at setup, not the global's. */
  @Test void aReplacedReflectApplyDoesNotChangeHowMethodsAreCalled() throws Exception {
    JsWorker callee = JsWorker.builder(runtime, "callee", WorkerCode.modules(WorkerModule.esModule("main.js", """
        import { WorkerEntrypoint } from 'cloudflare:workers';
        Reflect.apply = () => 'replaced';
        export default class extends WorkerEntrypoint { hi(name) { return 'hi ' + name; } }
        """))).build();
    JsWorker w = JsWorker.builder(runtime, "caller", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(req, env) { return new Response(await env.CALLEE.hi('ada')); } };
        """))).binding("CALLEE", EnvBinding.Service.of(callee)).build();
    try {
      var r = get(w, "http://w/");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("hi ada");
    } finally {
      w.close();
      callee.close();
    }
  }

  @Test void rpcWithPropsCloneAndErrors() throws Exception {
    JsWorker w = caller("""
        export default { async fetch(req, env) {
          const ok = await env.AUTH.verify('good');
          let err = null;
          try { await env.AUTH.verify('evil'); } catch (e) { err = [e instanceof RangeError, e.message]; }
          const echoed = await env.AUTH.echo(new Map([['k', [1, 2]]]), new Uint8Array([7]), undefined);
          let missing = null;
          try { await env.AUTH.nope(); } catch (e) { missing = e.message; }
          let unclonable = null;
          try { await env.AUTH.leak(); } catch (e) { unclonable = e.name; }
          let badArg = null;
          try { await env.AUTH.echo(() => 1); } catch (e) { badArg = e.name; }
          return Response.json({ user: ok.user, tenant: ok.tenant, since: ok.since instanceof Date,
            roles: ok.roles.has('admin'), err, echoed: [echoed[0].get('k'), [...echoed[1]], echoed.length],
            missing, unclonable, badArg, ping: await env.DEFAULT.ping() });
        } };
        """);
    assertThat(get(w, "http://x/").text()).isEqualTo("{\"user\":\"ada\",\"tenant\":\"t-1\",\"since\":true,"
        + "\"roles\":true,\"err\":[true,\"bad token: evil\"],\"echoed\":[[1,2],[7],3],"
        + "\"missing\":\"The RPC receiver does not implement the method \\\"nope\\\".\","
        + "\"unclonable\":\"DataCloneError\",\"badArg\":\"DataCloneError\",\"ping\":\"pong\"}");
  }

  @Test void fetchOnABindingIsStillHttp() throws Exception {
    JsWorker w = caller("""
        export default { async fetch(req, env) {
          const a = await env.AUTH.fetch('http://auth.internal/check');
          const d = await env.DEFAULT.fetch(new Request('http://auth.internal/'));
          return new Response((await a.text()) + ' | ' + (await d.text()));
        } };
        """);
    assertThat(get(w, "http://x/").text()).isEqualTo("auth http /check t-1 | default http");
  }

  @Test void bindingsCannotBeForgedOrSerialized() throws Exception {
    JsWorker w = caller("""
        export default { async fetch(req, env) {
          const out = {};
          out.json = JSON.stringify(env.AUTH);
          try { structuredClone(env.AUTH); out.clone = 'cloned'; } catch (e) { out.clone = e.name; }
          try { structuredClone(env.DEFAULT); out.cloneFetcher = 'cloned'; } catch (e) { out.cloneFetcher = e.name; }
          try { new Fetcher('AUTH'); out.construct = 'made'; } catch (e) { out.construct = e.name; }
          out.keys = Object.keys(env.AUTH);
          // A "copy" rebuilt from JSON or a header is just data: it cannot reach the other worker.
          const copy = JSON.parse(JSON.stringify({ a: env.AUTH }));
          out.copyVerify = typeof (copy.a && copy.a.verify);
          const h = new Headers({ 'x-binding': String(env.AUTH) });
          out.header = h.get('x-binding');
          try { await Fetcher.prototype.fetch.call({}, 'http://auth/'); out.borrowed = 'sent'; } catch (e) { out.borrowed = e.name; }
          out.fromString = typeof env['AUTH'.toLowerCase()];
          return Response.json(out);
        } };
        """);
    String json = get(w, "http://x/").text();
    assertThat(json).contains("\"clone\":\"DataCloneError\"", "\"cloneFetcher\":\"DataCloneError\"",
        "\"construct\":\"TypeError\"", "\"keys\":[]", "\"copyVerify\":\"undefined\"",
        "\"borrowed\":\"TypeError\"", "\"fromString\":\"undefined\"");
    assertThat(json).doesNotContain("sent", "made", "cloned\"");
  }
}
