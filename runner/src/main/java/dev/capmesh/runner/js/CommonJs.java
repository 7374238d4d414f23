package dev.capmesh.runner.js;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * CommonJS modules inside a worker context. Each {@code commonJsModule} is compiled, in the
 * sandboxed context, as a function {@code (exports, require, module, __filename, __dirname)}
 * from a Source named after the module (so errors and stacks name it, with the module's own
 * line numbers), and runs on first {@code require} or import. {@code require} resolves only the
 * worker's own modules and {@code cloudflare:workers}. ES modules reach a CommonJS module
 * through the facade {@link ModuleFileSystem} generates, which calls {@link #GLOBAL}{@code .load}.
 */
final class CommonJs {
  /** Where the loader lives in a context (a frozen object with one function, {@code load}). */
  static final String GLOBAL = "globalThis[Symbol.for('capmesh.commonjs')]";
  private static final String PREFIX = "(function (exports, require, module, __filename, __dirname) {";
  private static final Source LOADER = loaderSource();

  private CommonJs() {}

  private static Source loaderSource() {
    try (InputStream in = CommonJs.class.getResourceAsStream("commonjs.js")) {
      if (in == null) {
        throw new IllegalStateException("commonjs.js is missing from the runner's resources");
      }
      return Source.newBuilder("js", new String(in.readAllBytes(), StandardCharsets.UTF_8),
          "capmesh:commonjs").build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Installs the loader in {@code ctx} for {@code modules}, compiling every CommonJS module;
   * does nothing when the worker has none. Throws the context's exception (a syntax error,
   * named after its module) when one does not compile.
   */
  static void install(Context ctx, List<WorkerModule> modules) {
    if (modules.stream().noneMatch(m -> m.kind() == WorkerModule.Kind.COMMON_JS)) {
      return;
    }
    var rows = new ArrayList<Object>();
    for (WorkerModule m : modules) {
      String path = "/" + m.name();
      Object[] row = switch (m.kind()) {
        case COMMON_JS -> new Object[] {path, "cjs", ctx.eval(wrapper(m))};
        case TEXT -> new Object[] {path, "text", m.text()};
        case JSON -> new Object[] {path, "json", m.text()};
        case DATA -> new Object[] {path, "data", Base64.getEncoder().encodeToString(m.content())};
        case ES_MODULE -> new Object[] {path, "esm", null};
      };
      rows.add(ProxyArray.fromArray(row));
    }
    Value install = ctx.eval(LOADER);
    install.execute(ProxyArray.fromList(rows));
  }

  /** The module's source as a function expression, on the same lines as the original. */
  private static Source wrapper(WorkerModule m) {
    String text = m.text();
    if (text.startsWith("#!")) {
      text = "//" + text.substring(2); // a hashbang line is only valid at the start of a script
    }
    return Source.newBuilder("js", PREFIX + text + "\n})", m.name()).buildLiteral();
  }
}
