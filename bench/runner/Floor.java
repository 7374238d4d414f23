import java.nio.file.Files;
import java.nio.file.Path;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.Source;

/**
 * The floor under a runner's start (bench/runner/floor.py): a process that goes as far as STAGE
 * and exits, started with the runner's own JVM, flags and startup cache.
 *
 * <pre>Floor STAGE [WEB_SOURCE...]</pre>
 *
 * STAGE: {@code main} (the JVM up to main), {@code engine} (and a GraalJS engine), {@code context}
 * (and a context that evaluated {@code 1}), {@code parse} (and the runner's web sources parsed: each
 * is one function expression, so evaluating it parses it without running the setup inside).
 */
public final class Floor {
  public static void main(String[] args) throws Exception {
    String stage = args[0];
    if (stage.equals("main")) {
      return;
    }
    try (Engine engine = Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build()) {
      if (stage.equals("engine")) {
        return;
      }
      try (Context context = Context.newBuilder("js").engine(engine).build()) {
        context.eval("js", "1");
        if (stage.equals("context")) {
          return;
        }
        for (int i = 1; i < args.length; i++) {
          Path file = Path.of(args[i]);
          context.eval(Source.newBuilder("js", Files.readString(file), file.getFileName().toString()).build());
        }
      }
    }
  }
}
