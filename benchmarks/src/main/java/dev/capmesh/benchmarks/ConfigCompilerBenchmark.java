package dev.capmesh.benchmarks;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.ConfigException;
import dev.capmesh.compiler.ParsedConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process compile time of one config file, usually the one written by
 * {@code bench/compiler/gen-config.py} (10,000 workers).
 *
 * <p>The file is a parameter because it is generated outside the JVM: run with
 * {@code -p config=/path/to/config.capnp}. One fork and short iterations, because a compile of
 * the 10k-worker file takes a good part of a second and the benchmark machine has two shared
 * cores; the JVM flags match {@code bin/runner}'s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xss4m", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 3)
public class ConfigCompilerBenchmark {

  /** Path of the config to compile. */
  @Param("")
  public String config;

  /** Name of its Config constant; empty means "the only one". */
  @Param("")
  public String constName;

  private ConfigCompiler compiler;
  private Path file;

  @Setup
  public void setUp() throws IOException, ConfigException {
    if (config.isEmpty()) {
      throw new IllegalArgumentException(
          "config: (empty) (expected: -p config=FILE, e.g. one written by bench/compiler/gen-config.py)");
    }
    file = Path.of(config);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("config: " + config + " (expected: an existing file)");
    }
    compiler = ConfigCompiler.create();
    // Fail in setup, not in the first measured call, if the file does not compile.
    compiler.encode(compiler.parse(file, name()));
    compiler.compile(file, name());
  }

  private String name() {
    return constName.isEmpty() ? null : constName;
  }

  /** Read, parse and evaluate the file, without encoding. */
  @Benchmark
  public ParsedConfig parse() throws IOException, ConfigException {
    return compiler.parse(file, name());
  }

  /** The whole compile: parse, evaluate, build the model, resolve inherit/parameters, encode. */
  @Benchmark
  public CompiledConfig compile() throws IOException, ConfigException {
    return compiler.compile(file, name());
  }

  /** Read, parse, evaluate and encode the file to the Cap'n Proto binary. */
  @Benchmark
  public byte[] parseAndEncode() throws IOException, ConfigException {
    return compiler.encode(compiler.parse(file, name()));
  }
}
