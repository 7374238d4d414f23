package dev.capmesh.benchmarks;

import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for {@code bin/runner compile CONFIG -o OUT} until that command exists: one JVM,
 * one compile, the binary written to a file. Used by {@code bench/compiler/run.sh} to time the
 * command line end to end (JVM start, class loading, schema parse, compile, write).
 *
 * <p>Usage: {@code CompileOnce CONFIG [-o OUT] [CONST]}.
 */
public final class CompileOnce {
  private CompileOnce() {}

  public static void main(String[] args) throws IOException {
    Path config = null;
    Path out = null;
    String constName = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-o") && i + 1 < args.length) {
        out = Path.of(args[++i]);
      } else if (config == null) {
        config = Path.of(args[i]);
      } else {
        constName = args[i];
      }
    }
    if (config == null) {
      System.err.println("usage: CompileOnce CONFIG [-o OUT] [CONST]");
      System.exit(2);
    }
    var compiler = ConfigCompiler.create();
    byte[] binary;
    try {
      binary = compiler.encode(compiler.parse(config, constName));
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    if (out == null) {
      System.out.write(binary);
      System.out.flush();
    } else {
      Files.write(out, binary);
    }
  }
}
