package dev.capmesh.runner.js;

import static dev.capmesh.runner.js.JsTesting.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** commonJsModule modules: module.exports, require between the worker's own modules, and no further. */
class JsCommonJsTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  private static JsWorker worker(WorkerModule... modules) {
    return JsWorker.builder(runtime, "cjs", WorkerCode.modules(modules)).build();
  }

  @Test void aCommonJsMainModuleProvidesTheHandlersThroughModuleExports() throws Exception {
    JsWorker w = worker(WorkerModule.commonJs("main.js", """
        const { greet } = require('./lib/greet.js');
        module.exports = {
          async fetch(request, env, ctx) {
            return new Response(greet(new URL(request.url).pathname) + ' ' + __filename + ' ' + __dirname
                + ' ' + (this === module.exports));
          },
        };
        """), WorkerModule.commonJs("lib/greet.js", """
        exports.greet = (who) => 'hello ' + who + ' from ' + __filename + ' in ' + __dirname;
        """));
    try {
      assertThat(get(w, "http://x/world").text())
          .isEqualTo("hello /world from /lib/greet.js in /lib /main.js / true");
    } finally {
      w.close();
    }
  }

  @Test void namedExportsOfAMainModuleAreEntrypoints() throws Exception {
    JsWorker w = worker(WorkerModule.commonJs("main.js", """
        const { WorkerEntrypoint } = require('cloudflare:workers');
        exports.fetch = () => new Response('default');
        exports.admin = { fetch: (req, env, ctx) => new Response('admin ' + JSON.stringify(ctx.props)) };
        exports.Ops = class extends WorkerEntrypoint { fetch() { return new Response('ops'); } };
        """, "admin", "Ops", "missing"));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("default");
      var admin = w.dispatch(new dev.capmesh.runner.service.ServiceRequest("GET", "http://x/",
          java.util.List.of(), dev.capmesh.runner.service.BodyStreams.empty(), "r1"), "admin", "{\"a\":1}")
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(new String(dev.capmesh.runner.service.BodyStreams.readAll(admin.body(), 1024).get(),
          java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("admin {\"a\":1}");
      var ops = w.dispatch(new dev.capmesh.runner.service.ServiceRequest("GET", "http://x/",
          java.util.List.of(), dev.capmesh.runner.service.BodyStreams.empty(), "r2"), "Ops", null)
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(new String(dev.capmesh.runner.service.BodyStreams.readAll(ops.body(), 1024).get(),
          java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("ops");
    } finally {
      w.close();
    }
  }

  @Test void anEsModuleImportsCommonJsAsTheDefaultAndDeclaredNamedExports() throws Exception {
    JsWorker w = worker(WorkerModule.esModule("main.js", """
        import lib, { twice } from './lib.cjs';
        import again from '/lib.cjs';
        export default { fetch() {
          return new Response([lib.twice(2), twice(3), lib === again, lib.runs].join(' '));
        } };
        """), WorkerModule.commonJs("lib.cjs", """
        globalThis.cjsRuns = (globalThis.cjsRuns || 0) + 1;
        module.exports = { twice: (n) => n * 2, runs: globalThis.cjsRuns };
        """, "twice"));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("4 6 true 1");
    } finally {
      w.close();
    }
  }

  @Test void commonJsRequiresCommonJsTextJsonAndDataAndCachesModules() throws Exception {
    JsWorker w = worker(WorkerModule.commonJs("main.js", """
        const a = require('./a.js');
        const a2 = require('a.js');
        const cfg = require('./conf/settings.json');
        const text = require('./conf/../hello.txt');
        const bytes = require('/bin.dat');
        module.exports = { fetch() {
          return new Response([a.value, a === a2, cfg.level, text, bytes.byteLength,
              require('./conf/settings.json') === cfg, require('./a.js').count()].join(' '));
        } };
        """),
        WorkerModule.commonJs("a.js", """
            let n = 0;
            exports.value = require('./b.js').name + '!';
            exports.count = () => ++n;
            """),
        WorkerModule.commonJs("b.js", "module.exports = { name: 'b' };"),
        WorkerModule.json("conf/settings.json", "{\"level\": 3}"),
        WorkerModule.text("hello.txt", "hi"),
        WorkerModule.data("bin.dat", new byte[] {1, 2, 3}));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("b! true 3 hi 3 true 1");
    } finally {
      w.close();
    }
  }

  @Test void requireCyclesSeePartialExportsAsInNode() throws Exception {
    JsWorker w = worker(WorkerModule.commonJs("main.js", """
        const a = require('./a.js');
        module.exports = { fetch() { return new Response(a.seenFromB + ' ' + a.done + ' ' + a.bDone); } };
        """),
        WorkerModule.commonJs("a.js", """
            exports.done = false;
            const b = require('./b.js');
            exports.bDone = b.done;
            exports.seenFromB = b.sawADone;
            exports.done = true;
            """),
        WorkerModule.commonJs("b.js", """
            const a = require('./a.js');
            exports.sawADone = a.done;
            exports.done = true;
            """));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("false true true");
    } finally {
      w.close();
    }
  }

  @Test void requireOfAnythingButTheWorkersOwnModulesFailsClearly() throws Exception {
    JsWorker w = worker(WorkerModule.commonJs("main.js", """
        const attempts = ['./missing.js', '../../../../etc/passwd', '/etc/passwd', 'fs', 'node:fs',
          'file:///etc/passwd', 'http://127.0.0.1/x.js', 'capmesh:commonjs', 'cloudflare:sockets',
          '/capmesh:builtin/cloudflare/workers', '__proto__', 'constructor', 'main', './main.js/..',
          'lib', './lib/', ''];
        const results = attempts.map((spec) => {
          try { const v = require(spec); return spec + ' => loaded ' + typeof v; }
          catch (e) { return spec + ' => ' + e.name + ': ' + e.message; }
        });
        let nonString;
        try { require({ toString() { return './lib/x.js'; } }); } catch (e) { nonString = e.name + ': ' + e.message; }
        module.exports = { fetch() { return new Response(results.concat([nonString]).join('\\n')); } };
        """), WorkerModule.commonJs("lib/x.js", "exports.x = 1;"),
        WorkerModule.esModule("esm.js", "export const e = 1;"));
    try {
      String out = get(w, "http://x/").text();
      assertThat(out.lines()).allSatisfy(line -> assertThat(line).doesNotContain("loaded"));
      assertThat(out).contains(
          "./missing.js => Error: No such module \"missing.js\" (require(\"./missing.js\") in "
              + "\"main.js\"; require() only loads this worker's own modules)",
          "/etc/passwd => Error: No such module \"etc/passwd\"",
          "../../../../etc/passwd => Error: No such module \"etc/passwd\"",
          "node:fs => Error: No such module \"node:fs\" (require() in \"main.js\"; the only "
              + "built-in module require() knows is \"cloudflare:workers\")",
          "file:///etc/passwd => Error: No such module \"file:///etc/passwd\"",
          "__proto__ => Error: No such module \"__proto__\"",
          "TypeError: require() needs a module name string, not object (in \"main.js\")");
    } finally {
      w.close();
    }
  }

  @Test void requireOfAnEsModuleIsRefusedWithAHint() throws Exception {
    JsWorker w = worker(WorkerModule.commonJs("main.js", """
        let msg;
        try { require('./esm.js'); } catch (e) { msg = e.name + ': ' + e.message; }
        module.exports = { fetch() { return new Response(msg); } };
        """), WorkerModule.esModule("esm.js", "export const e = 1;"));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo(
          "TypeError: Cannot require() the ES module \"esm.js\" (in \"main.js\"): import it instead");
    } finally {
      w.close();
    }
  }

  @Test void requireOfCloudflareWorkersGivesItsPublicExportsOnly() throws Exception {
    JsWorker w = worker(WorkerModule.esModule("main.js", """
        import { WorkerEntrypoint } from 'cloudflare:workers';
        import viaCjs from './w.cjs';
        export default { fetch() { return new Response(viaCjs); } };
        """), WorkerModule.commonJs("w.cjs", """
        'use strict';
        const m = require('cloudflare:workers');
        const m2 = require('cloudflare:workers');
        let frozen;
        try { m.WorkerEntrypoint = null; frozen = 'writable'; } catch (e) { frozen = 'frozen'; }
        module.exports = [Object.keys(m).join(','), typeof m.base64ToBuffer, Object.isFrozen(m),
            m === m2, frozen, String(Object.getPrototypeOf(m))].join(' ');
        """));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("WorkerEntrypoint undefined true true frozen null");
    } finally {
      w.close();
    }
  }

  @Test void errorsNameTheCommonJsModuleAndItsLine() {
    assertThatThrownBy(() -> worker(WorkerModule.commonJs("main.js", "module.exports = {};"),
        WorkerModule.commonJs("lib/broken.js", "const ok = 1;\nconst = ;\n")))
        .isInstanceOf(JsLoadException.class)
        .hasMessageContaining("lib/broken.js:2");
    assertThatThrownBy(() -> worker(WorkerModule.commonJs("main.js", """
        // first line
        require('./thrower.js');
        """), WorkerModule.commonJs("thrower.js", "\n\nthrow new RangeError('boom at load');\n")))
        .isInstanceOf(JsLoadException.class)
        .hasMessageContaining("RangeError: boom at load");
  }

  @Test void aModuleThatThrowsIsNotCachedAndRunsAgainOnTheNextRequire() throws Exception {
    JsWorker w = worker(WorkerModule.commonJs("main.js", """
        globalThis.attempt = 0;
        let first;
        try { require('./flaky.js'); } catch (e) { first = e.message; }
        const second = require('./flaky.js');
        module.exports = { fetch() { return new Response(first + ' then ' + second.ok); } };
        """), WorkerModule.commonJs("flaky.js", """
        if (++globalThis.attempt === 1) throw new Error('first run fails');
        exports.ok = 'second run ok';
        """));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("first run fails then second run ok");
    } finally {
      w.close();
    }
  }

  @Test void hashbangAndStrictModeWork() throws Exception {
    JsWorker w = worker(WorkerModule.commonJs("main.js", """
        #!/usr/bin/env node
        'use strict';
        let strict;
        try { undeclared = 1; strict = false; } catch (e) { strict = e instanceof ReferenceError; }
        module.exports = { fetch() { return new Response('strict=' + strict); } };
        """));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("strict=true");
    } finally {
      w.close();
    }
  }

  @Test void theLoaderSeenFromWorkerCodeReachesNothingMoreThanRequire() throws Exception {
    JsWorker w = worker(WorkerModule.esModule("main.js", """
        import './a.cjs';
        const loader = globalThis[Symbol.for('capmesh.commonjs')];
        const out = [];
        for (const p of ['/etc/passwd', 'a.cjs', '/capmesh:builtin/cloudflare/workers', 'cloudflare:workers']) {
          try { loader.load(p); out.push(p + ' loaded'); } catch (e) { out.push(p + ' ' + e.message); }
        }
        try { globalThis[Symbol.for('capmesh.commonjs')] = { load() { return 'forged'; } }; } catch (e) { }
        try { Object.defineProperty(globalThis, Symbol.for('capmesh.commonjs'), { value: 1 }); } catch (e) { out.push('redefine refused'); }
        out.push(globalThis[Symbol.for('capmesh.commonjs')] === loader ? 'same loader' : 'replaced');
        out.push(Object.isFrozen(loader) ? 'frozen' : 'mutable');
        export default { fetch() { return new Response(out.join('|')); } };
        """), WorkerModule.commonJs("a.cjs", "exports.a = 1;"));
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("/etc/passwd No such module \"etc/passwd\"|"
          + "a.cjs loaded|/capmesh:builtin/cloudflare/workers No such module "
          + "\"capmesh:builtin/cloudflare/workers\"|cloudflare:workers No such module \"cloudflare:workers\"|"
          + "redefine refused|same loader|frozen");
    } finally {
      w.close();
    }
  }
}
